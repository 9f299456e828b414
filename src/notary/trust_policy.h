// TrustPolicy: a Notary Project trust policy document, validated when parsed (an object of this
// type is always valid).
//
// Two kinds, as notation has them:
//   OCI  (trustpolicy.oci.json, or the legacy trustpolicy.json): statements select artifacts by
//        registryScopes (fully qualified repositories, or "*" alone as the global scope);
//   blob (trustpolicy.blob.json): statements are selected by name, or the one marked
//        "globalPolicy": true when no name is given; no registryScopes.
//
//   {"version":"1.0","trustPolicies":[{"name":"…","registryScopes":["…"],
//     "signatureVerification":{"level":"strict","override":{"expiry":"log"},
//                              "verifyTimestamp":"always"|"afterCertExpiry"},
//     "trustStores":["ca:acme","tsa:acme-tsa"],
//     "trustedIdentities":["x509.subject: C=US, ST=WA, O=acme"]}]}
//
// Validation follows notation-go (verifier/trustpolicy: trustpolicy.go, oci.go, blob.go) with its
// messages. Beyond notation-go, members signet does not know are refused (a misspelt
// "trustStore" must not silently drop a trust store) and members of the wrong JSON type are
// named. Immutable once built; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "notary/trust_store.h"
#include "notary/trusted_identity.h"
#include "notary/verification_level.h"

namespace signet::notary {

// When a notary.x509 signature's RFC 3161 timestamp is verified (a tsa store must be named).
enum class TimestampVerification { kAlways, kAfterCertExpiry };

struct TrustStoreReference {
  TrustStoreType type;
  std::string name;
  std::string ToString() const;  // "ca:acme"
  friend bool operator==(const TrustStoreReference&, const TrustStoreReference&) = default;
};

struct TrustPolicyStatement {
  std::string name;
  std::vector<std::string> registry_scopes;  // OCI documents only
  bool global_policy = false;                // blob documents only
  VerificationLevel level;
  TimestampVerification verify_timestamp = TimestampVerification::kAlways;
  std::vector<TrustStoreReference> trust_stores;  // in document order, without repeats
  std::vector<TrustedIdentity> trusted_identities;

  // The stores of `type` this statement names.
  std::vector<std::string> TrustStoreNames(TrustStoreType type) const;
};

class TrustPolicy {
 public:
  enum class Kind { kOci, kBlob };

  static Result<TrustPolicy> ParseOci(std::string_view json);
  static Result<TrustPolicy> ParseBlob(std::string_view json);
  // Reads `<config_dir>/trustpolicy.oci.json`, or `trustpolicy.json` when that does not exist.
  static Result<TrustPolicy> LoadOci(const std::filesystem::path& config_dir);
  // Reads `<config_dir>/trustpolicy.blob.json`.
  static Result<TrustPolicy> LoadBlob(const std::filesystem::path& config_dir);

  Kind kind() const { return kind_; }
  const std::vector<TrustPolicyStatement>& statements() const { return statements_; }

  // OCI: the statement for "registry/repository@sha256:…": the one whose registryScopes hold the
  // repository, else the global ("*") one. NotFound when none applies; InvalidArgument when the
  // reference is not "<repository>@<digest>" (a tag is not enough: signatures bind digests).
  Result<const TrustPolicyStatement*> ForArtifact(std::string_view artifact_reference) const;
  // Blob: the statement named `policy_name`, or the global one when `policy_name` is empty.
  Result<const TrustPolicyStatement*> ForBlob(std::string_view policy_name) const;

 private:
  TrustPolicy(Kind kind, std::vector<TrustPolicyStatement> statements)
      : kind_(kind), statements_(std::move(statements)) {}
  static Result<TrustPolicy> Parse(Kind kind, std::string_view json);

  Kind kind_;
  std::vector<TrustPolicyStatement> statements_;
};

// notation-go's registry scope rule: "<domain>/<repository>", as the distribution reference
// grammar defines them, without "*", scheme or tag. InvalidArgument otherwise.
Status ValidateRegistryScope(std::string_view scope);

}  // namespace signet::notary
