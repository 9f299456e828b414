// AdmissionWebhook: decides the AdmissionReviews of signetd's /admission/validate and
// /admission/mutate (issue 5; DESIGN.md §6 "Container images").
//
// For a CREATE or UPDATE outside the exempt namespaces, every image of the object
// (workload_images.h) is looked up in the policy:
//   no rule matches      → unmatchedImages: Deny (deny), Warn (admit with a warning), Allow;
//   verified             → admitted; on mutate, a tag is pinned to its digest
//                          ("image:tag" → "image:tag@sha256:…", a JSON Patch replace);
//   failed               → Enforce denies, Warn admits with a warning, Audit admits and logs;
//   inconclusive         → never read as verified: Enforce denies unless the policy is
//                          failOpen; otherwise (and under Warn, Audit) admitted with a warning.
// A denial (HTTP-like status code 403) names every failing image, its container and the failed
// check; warnings are short (≤120 bytes). An object signet cannot read is denied with code 400;
// a kind it does not know is admitted with a warning. dryRun requests are decided the same way.
// Every review returns by the policy's deadline, whatever the registry does.
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <memory>

#include "admission/admission_policy.h"
#include "admission/admission_review.h"
#include "admission/image_check.h"
#include "admission/verification_cache.h"
#include "core/time.h"

namespace signet::admission {

class AdmissionWebhook {
 public:
  // `checker` must outlive the webhook. `verification_workers` threads run verifications.
  AdmissionWebhook(std::shared_ptr<const AdmissionPolicy> policy, const ImageChecker& checker,
                   const Clock& clock, size_t verification_workers = 8);

  // The response to `request`; with `mutate`, verified tags are pinned to their digests.
  AdmissionResponse Review(const AdmissionRequest& request, bool mutate);

  const AdmissionPolicy& policy() const { return *policy_; }
  // Invalidation (revocation) goes through the cache: InvalidateAll(), InvalidateVerifiedIf().
  VerificationCache& cache() { return cache_; }

 private:
  const std::shared_ptr<const AdmissionPolicy> policy_;
  VerificationCache cache_;
};

}  // namespace signet::admission
