// ImageChecker: the seam between the admission webhook and image signature verification.
//
// The webhook decides; an ImageChecker verifies one image against the Notation trust policy and
// trust store of the policy rule that matched it. One real implementation is planned (imagesig's
// VerifyImage over an oci::Repository); the admission tests use a scripted test double.
//
// The result separates "verification failed" (kFailed: the image is not what the trust policy
// accepts) from "verification could not be completed" (kInconclusive: registry unreachable,
// deadline passed, ...). The webhook never reads kInconclusive as verified.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "oci/reference.h"

namespace signet::admission {

struct ImageCheckResult {
  enum class Verdict { kVerified, kFailed, kInconclusive };

  ImageCheckResult() = default;
  // {verdict, digest, failed_check, message}, the signatures unknown.
  ImageCheckResult(Verdict v, std::string d, std::string check, std::string why)
      : verdict(v), digest(std::move(d)), failed_check(std::move(check)), message(std::move(why)) {}

  Verdict verdict = Verdict::kInconclusive;
  // The manifest digest ("sha256:…") the reference resolved to; set whenever it was resolved,
  // whatever the verdict. Empty when the tag could not be resolved.
  std::string digest;
  // For kFailed: the check that failed, one of "integrity", "authenticity", "expiry",
  // "revocation", "no signature". Empty otherwise.
  std::string failed_check;
  // Why, for people ("registry localhost:5000 unreachable: connection refused").
  std::string message;
  // For kVerified: the signet signatures the verdict rests on, so that a revocation drops only
  // the cached results it affects (revocation_watch.h). Empty means unknown: such a result is
  // dropped by every revocation in the installation.
  struct SignedBy {
    std::string job_arn;              // its signing job (notary::kSigningJobAttribute)
    std::string profile_version_arn;  // its signing profile version
  };
  std::vector<SignedBy> signed_by;
};

std::string_view VerdictName(ImageCheckResult::Verdict verdict);  // "verified", "failed", ...

class ImageChecker {
 public:
  virtual ~ImageChecker() = default;

  // Verifies `image` under `trust_policy` (an OCI trust policy) and `trust_store`. When `image`
  // has a digest, that digest is verified (the tag, if any, is not re-resolved); otherwise the
  // tag is resolved first. Should give up at `deadline` with kInconclusive; the webhook stops
  // waiting then anyway, and uses a late result only to fill its cache.
  // Thread-safe: called concurrently from the webhook's verification workers.
  virtual ImageCheckResult Check(const oci::Reference& image,
                                 const notary::TrustPolicy& trust_policy,
                                 const notary::TrustStore& trust_store,
                                 std::chrono::steady_clock::time_point deadline) const = 0;
};

}  // namespace signet::admission
