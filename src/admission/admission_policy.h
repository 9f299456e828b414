// AdmissionPolicy: which images the admission webhook verifies, against what, and what a failure
// does. Read from a JSON file (`signetd --admission-policy FILE`; README "Kubernetes admission"):
//
//   {
//     "rules": [
//       {"name": "acme",
//        "images": ["registry.acme.io/apps/*", "registry.acme.io/base/**"],
//        "trustPolicy": "notation/trustpolicy.oci.json",   // relative to the policy file
//        "trustStore": "notation/truststore",              // the parent of x509/
//        "mode": "Enforce"}                                // | "Warn" | "Audit"
//                                                          // | {"fromEnvironment": "prod"}
//     ],
//     "unmatchedImages": "Deny",            // | "Warn" | "Allow"; default Deny
//     "exemptNamespaces": ["kube-system"],  // default ["kube-system"]
//     "failOpen": false,                    // default false: inconclusive denies under Enforce
//     "deadlineMillis": 8000,               // default 8000, below the webhook's timeoutSeconds 10
//     "registries": {"insecure": ["127.0.0.1:5000"],    // host[:port] reached over plain HTTP
//                    "caFile": "registry-ca.pem",       // PEM CAs for HTTPS; default: system
//                    "dockerConfig": "docker/config.json"},  // credentials (`auths`); default:
//                                                       // $DOCKER_CONFIG or ~/.docker
//     "cache": {"maxEntries": 10000, "tagTtlSeconds": 60,
//               "verifiedTtlSeconds": 300, "failedTtlSeconds": 30}
//   }
//
// Image patterns match "registry/repository" of the normalised reference (Docker Hub's "nginx" is
// "docker.io/library/nginx"): '*' is any run of characters but '/', '**' any run including '/',
// '?' one character but '/'. The first rule with a matching pattern applies.
//
// Modes: Enforce denies a failed image, Warn admits it with a warning, Audit admits it and logs.
// {"fromEnvironment": E} takes E's enforcement from signetd's environments (metering config):
// enforce → Enforce, warn → Warn, off → Audit.
//
// The revision (sha256 of the policy file and every trust policy file it names) keys the
// verification cache, so a changed policy never reuses decisions made under another.
// Unknown members are errors. Immutable once built; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "metering/environment_policy.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "oci/reference.h"

namespace signet::admission {

enum class AdmissionMode { kEnforce, kWarn, kAudit };
std::string_view AdmissionModeName(AdmissionMode mode);  // "Enforce", "Warn", "Audit"
AdmissionMode ModeForEnforcement(metering::EnforcementMode enforcement);

enum class UnmatchedImages { kDeny, kWarn, kAllow };

struct AdmissionRule {
  std::string name;
  std::vector<std::string> image_patterns;
  std::filesystem::path trust_policy_file;
  std::shared_ptr<const notary::TrustPolicy> trust_policy;
  std::shared_ptr<const notary::TrustStore> trust_store;
  AdmissionMode mode = AdmissionMode::kEnforce;
  std::string environment;  // the environment the mode came from, or empty
};

struct CacheSettings {
  size_t max_entries = 10'000;  // per cache (decisions, tag resolutions)
  std::chrono::seconds tag_ttl{60};
  // Without signetd's revocation watch (admission/revocation_watch.h), also the bound on how
  // long a revocation may go unseen.
  std::chrono::seconds verified_ttl{300};
  std::chrono::seconds failed_ttl{30};
};

// How registries are reached (oci::RegistryOptions); paths are resolved against the policy file.
struct RegistrySettings {
  std::vector<std::string> insecure;    // host[:port]
  std::filesystem::path ca_file;        // empty: the system trust store
  std::filesystem::path docker_config;  // empty: the Docker client's default location
};

class AdmissionPolicy {
 public:
  // `base_dir` resolves relative paths; `environments` resolves fromEnvironment (may be null
  // when no rule uses it); `source` names the file in errors.
  static Result<AdmissionPolicy> Parse(std::string_view json, const std::filesystem::path& base_dir,
                                       const metering::EnvironmentPolicy* environments,
                                       std::string_view source);
  static Result<AdmissionPolicy> Load(const std::filesystem::path& file,
                                      const metering::EnvironmentPolicy* environments);

  // The first rule one of whose patterns matches, or null.
  const AdmissionRule* Match(const oci::Reference& image) const;
  bool IsExempt(std::string_view namespace_name) const;

  const std::vector<AdmissionRule>& rules() const { return rules_; }
  UnmatchedImages unmatched_images() const { return unmatched_; }
  const std::vector<std::string>& exempt_namespaces() const { return exempt_; }
  bool fail_open() const { return fail_open_; }
  std::chrono::milliseconds deadline() const { return deadline_; }
  const CacheSettings& cache() const { return cache_; }
  const RegistrySettings& registries() const { return registries_; }
  const std::string& revision() const { return revision_; }

 private:
  AdmissionPolicy() = default;
  std::vector<AdmissionRule> rules_;
  UnmatchedImages unmatched_ = UnmatchedImages::kDeny;
  std::vector<std::string> exempt_ = {"kube-system"};
  bool fail_open_ = false;
  std::chrono::milliseconds deadline_{8000};
  CacheSettings cache_;
  RegistrySettings registries_;
  std::string revision_;
};

// Glob matching of `name` ("registry/repository") by `pattern`, as described above.
bool MatchImagePattern(std::string_view pattern, std::string_view name);

}  // namespace signet::admission
