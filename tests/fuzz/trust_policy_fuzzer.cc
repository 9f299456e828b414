// Fuzzes notary::TrustPolicy::ParseOci and ParseBlob (trust policy documents are operator input,
// but they are read from files and ConfigMaps that anyone with write access can change).
// Every input goes through both parsers.
//
// Invariants: a parsed policy has the kind asked for and at least one statement; statement names
// are unique (ForBlob finds each by name); OCI registry scopes are "*" or valid scopes; artifact
// lookup on a parsed OCI policy never fails other than with NotFound.
#include <string>

#include "fuzz_check.h"
#include "notary/trust_policy.h"

namespace signet {
namespace {

using notary::TrustPolicy;

void CheckCommon(const TrustPolicy& policy, TrustPolicy::Kind kind) {
  SIGNET_FUZZ_CHECK(policy.kind() == kind);
  SIGNET_FUZZ_CHECK(!policy.statements().empty());
  for (const auto& statement : policy.statements()) {
    for (const auto& store : statement.trust_stores) {
      SIGNET_FUZZ_CHECK(!store.ToString().empty());
    }
  }
}

void FuzzTrustPolicy(std::string_view json) {
  if (Result<TrustPolicy> oci = TrustPolicy::ParseOci(json); oci.ok()) {
    CheckCommon(*oci, TrustPolicy::Kind::kOci);
    for (const auto& statement : oci->statements()) {
      SIGNET_FUZZ_CHECK(!statement.registry_scopes.empty());
      for (const std::string& scope : statement.registry_scopes) {
        SIGNET_FUZZ_CHECK(scope == "*" || notary::ValidateRegistryScope(scope).ok());
      }
      for (const std::string& scope : statement.registry_scopes) {
        if (scope == "*") continue;
        auto found = oci->ForArtifact(scope + "@sha256:" + std::string(64, 'a'));
        SIGNET_FUZZ_CHECK(found.ok() && *found == &statement);
      }
    }
    auto lookup = oci->ForArtifact("registry.example/app@sha256:" + std::string(64, '0'));
    SIGNET_FUZZ_CHECK(lookup.ok() || lookup.status().code() == ErrorCode::kNotFound);
  }

  if (Result<TrustPolicy> blob = TrustPolicy::ParseBlob(json); blob.ok()) {
    CheckCommon(*blob, TrustPolicy::Kind::kBlob);
    for (const auto& statement : blob->statements()) {
      SIGNET_FUZZ_CHECK(statement.registry_scopes.empty());
      auto found = blob->ForBlob(statement.name);
      SIGNET_FUZZ_CHECK(found.ok() && *found == &statement);
    }
    auto global = blob->ForBlob("");
    SIGNET_FUZZ_CHECK(global.ok() || global.status().code() == ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzTrustPolicy(signet::fuzz::AsBytes(data, size));
  return 0;
}
