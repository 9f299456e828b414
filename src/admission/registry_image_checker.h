// RegistryImageChecker: the ImageChecker of signetd, verifying images in their OCI registries
// with imagesig's ImageVerifier (DESIGN.md §5.1; issue 5).
//
// Every Check opens a RegistryRepository of its own (a repository is not thread-safe), reached as
// the admission policy's `registries` say (plain HTTP for the insecure ones, a CA bundle, Docker
// client credentials). The time left until the deadline bounds each HTTP exchange (connect, read,
// write: the transport's timeout has whole seconds, rounded up); a check that starts past its
// deadline does not reach the registry.
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
#include <memory>

#include "admission/admission_policy.h"
#include "admission/image_check.h"
#include "core/status.h"
#include "core/time.h"
#include "imagesig/image_verifier.h"
#include "notary/revocation_checker.h"

namespace signet::admission {

class RegistryImageChecker final : public ImageChecker {
 public:
  // `revocation` (may be null: the revocation check is then skipped) and `clock` (for expiry)
  // must outlive the checker.
  RegistryImageChecker(RegistrySettings registries,
                       std::shared_ptr<const notary::RevocationChecker> revocation,
                       const Clock& clock);

  ImageCheckResult Check(const oci::Reference& image, const notary::TrustPolicy& trust_policy,
                         const notary::TrustStore& trust_store,
                         std::chrono::steady_clock::time_point deadline) const override;

 private:
  RegistrySettings registries_;
  std::shared_ptr<const notary::RevocationChecker> revocation_;
  const Clock& clock_;
};

// The verdict for what ImageVerifier::Verify returned for `image` (exposed for tests).
ImageCheckResult ImageCheckResultFor(const oci::Reference& image,
                                     const Result<imagesig::ImageVerification>& verification);

}  // namespace signet::admission
