// RegistryImageChecker: the ImageChecker of signetd, verifying images in their OCI registries
// with imagesig's ImageVerifier (DESIGN.md §5.1; issue 5).
//
// One imagesig::RegistryImageVerifier is built per (trust policy, trust store) of the admission
// policy, on its first check, and reused by every later check, concurrently: its registry
// connections (reached as the policy's `registries` say: plain HTTP for the insecure ones, a CA
// bundle, Docker client credentials), its caches (content by digest; tags and signature lists
// for at most registry_cache.tag_ttl / referrers_ttl, 5 s by default) and its chain validations.
// A checker belongs to one admission policy revision: the trust policies and stores passed to
// Check must be that policy's, alive and unchanged while the checker lives (they are identified
// by address). The deadline bounds each HTTP exchange; a check that starts past its deadline
// does not reach the registry.
//
// The verification is mapped onto the webhook's three verdicts:
//   verified                        → kVerified (also a trust policy statement of level skip:
//                                     the policy chose not to check, as Notation allows)
//   failed                          → kFailed, failed_check from the first failing check of the
//                                     signatures tried: integrity, authenticity (also an
//                                     untrusted timestamp), expiry, revocation
//   no signature, image not found   → kFailed, "no signature"
//   could not complete, any other
//   error (registry down, timeout)  → kInconclusive, never verified
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "admission/admission_policy.h"
#include "admission/image_check.h"
#include "core/status.h"
#include "core/time.h"
#include "imagesig/image_verifier.h"
#include "imagesig/registry_image_verifier.h"
#include "notary/revocation_checker.h"

namespace signet::admission {

class RegistryImageChecker final : public ImageChecker {
 public:
  // `revocation` (may be null: the revocation check is then skipped) and `clock` (for expiry)
  // must outlive the checker.
  RegistryImageChecker(RegistrySettings registries,
                       std::shared_ptr<const notary::RevocationChecker> revocation,
                       const Clock& clock, oci::RepositoryCacheOptions registry_cache = {});

  ImageCheckResult Check(const oci::Reference& image, const notary::TrustPolicy& trust_policy,
                         const notary::TrustStore& trust_store,
                         std::chrono::steady_clock::time_point deadline) const override;

 private:
  // The verifier of a rule's trust policy and store, built on first use.
  Result<std::shared_ptr<const imagesig::RegistryImageVerifier>> VerifierFor(
      const notary::TrustPolicy& trust_policy, const notary::TrustStore& trust_store) const;

  RegistrySettings registries_;
  std::shared_ptr<const notary::RevocationChecker> revocation_;
  const Clock& clock_;
  oci::RepositoryCacheOptions registry_cache_;
  mutable std::mutex mu_;
  mutable std::map<std::pair<const notary::TrustPolicy*, const notary::TrustStore*>,
                   std::shared_ptr<const imagesig::RegistryImageVerifier>>
      verifiers_;
};

// The verdict for what ImageVerifier::Verify returned for `image` (exposed for tests).
ImageCheckResult ImageCheckResultFor(const oci::Reference& image,
                                     const Result<imagesig::ImageVerification>& verification);

}  // namespace signet::admission
