#include "admission/admission_webhook.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "admission/workload_images.h"
#include "core/signet_metrics.h"

namespace signet::admission {
namespace {

using Verdict = ImageCheckResult::Verdict;

// Denial messages are read in `kubectl` output and events: bounded, however many images fail.
constexpr size_t kMaxDenialMessage = 4096;

std::string ModeLabel(AdmissionMode mode) {
  switch (mode) {
    case AdmissionMode::kEnforce:
      return "enforce";
    case AdmissionMode::kWarn:
      return "warn";
    case AdmissionMode::kAudit:
      return "audit";
  }
  return "enforce";
}

std::string Described(const ContainerImage& image) {
  return "image " + image.image +
         (image.container.empty() ? "" : " (container " + image.container + ")");
}

// The outcome of one review, gathered image by image.
struct Outcome {
  std::vector<std::string> denials;
  std::vector<std::string> warnings;
  std::vector<PatchReplace> patch;

  void Count(const char* decision, const std::string& mode) {
    metrics::AdmissionDecisions().Add({decision, mode});
  }
};

// One image on its way through the policy.
struct PendingImage {
  const ContainerImage* image;
  oci::Reference reference;
  const AdmissionRule* rule;
  VerificationCache::Ticket ticket;
};

}  // namespace

AdmissionWebhook::AdmissionWebhook(std::shared_ptr<const AdmissionPolicy> policy,
                                   const ImageChecker& checker, const Clock& clock,
                                   size_t verification_workers)
    : policy_(std::move(policy)),
      cache_(checker,
             VerificationCache::Options{policy_->cache(), verification_workers, /*max_queued=*/1024},
             clock) {}

AdmissionResponse AdmissionWebhook::Review(const AdmissionRequest& request, bool mutate) {
  const auto deadline = std::chrono::steady_clock::now() + policy_->deadline();
  AdmissionResponse response;
  response.uid = request.uid;
  response.allowed = true;
  if (request.operation != "CREATE" && request.operation != "UPDATE") return response;
  if (policy_->IsExempt(request.namespace_name)) return response;

  const std::string what = request.kind.kind + " " +
                           (request.namespace_name.empty() ? "" : request.namespace_name + "/") +
                           request.name;
  Result<WorkloadImages> images = ExtractImages(request.kind, request.object);
  if (!images.ok()) {
    // An object signet cannot read is not one it has verified: fail closed.
    response.allowed = false;
    response.status_code = 400;
    response.status_message = "signet cannot read the " + request.kind.kind + ": " +
                              images.status().message();
    return response;
  }
  if (!images->known_kind) {
    response.warnings.push_back("signet: " + request.kind.ToString() +
                                " is not a kind signet inspects; its images are not verified");
    return response;
  }

  Outcome outcome;
  std::vector<PendingImage> pending;
  pending.reserve(images->images.size());
  for (const ContainerImage& image : images->images) {
    Result<oci::Reference> reference = oci::ParseReference(image.image);
    if (!reference.ok()) {
      outcome.denials.push_back(Described(image) + " is not a valid image reference: " +
                                reference.status().message());
      outcome.Count("deny", "unmatched");
      continue;
    }
    const AdmissionRule* rule = policy_->Match(*reference);
    if (rule == nullptr) {
      switch (policy_->unmatched_images()) {
        case UnmatchedImages::kDeny:
          outcome.denials.push_back(Described(image) + ": no admission rule covers " +
                                    reference->registry + "/" + reference->repository);
          outcome.Count("deny", "unmatched");
          break;
        case UnmatchedImages::kWarn:
          outcome.warnings.push_back("signet: no admission rule covers " + image.image);
          outcome.Count("warn", "unmatched");
          break;
        case UnmatchedImages::kAllow:
          outcome.Count("allow", "unmatched");
          break;
      }
      continue;
    }
    // Every verification starts before any is awaited, so the images of a review are verified
    // concurrently and all within the one deadline.
    VerificationCache::Ticket ticket = cache_.Begin(*reference, *rule, policy_->revision(), deadline);
    pending.push_back(PendingImage{&image, std::move(*reference), rule, std::move(ticket)});
  }

  for (const PendingImage& p : pending) {
    const ImageCheckResult result = cache_.Await(p.ticket, deadline);
    const std::string mode = ModeLabel(p.rule->mode);
    const std::string& image = p.image->image;
    if (result.verdict == Verdict::kVerified) {
      outcome.Count("allow", mode);
      if (mutate && p.reference.digest.empty()) {
        outcome.patch.push_back(PatchReplace{p.image->pointer, image + "@" + result.digest});
      }
      continue;
    }
    const bool failed = result.verdict == Verdict::kFailed;
    const std::string check = failed ? result.failed_check + " check failed"
                                     : "verification inconclusive";
    const std::string reason = Described(*p.image) + ": " + check + ": " + result.message;
    const bool deny = p.rule->mode == AdmissionMode::kEnforce && (failed || !policy_->fail_open());
    if (deny) {
      outcome.denials.push_back(reason);
      outcome.Count("deny", mode);
    } else if (failed && p.rule->mode == AdmissionMode::kAudit) {
      outcome.Count("allow", mode);
    } else {
      // Warn mode, or an inconclusive verification admitted: always reported to the user.
      outcome.warnings.push_back("signet: " + check + " for " + image);
      outcome.Count("warn", mode);
    }
    spdlog::warn("admission uid={} {} rule={} mode={} dry_run={} {}: {}", request.uid, what,
                 p.rule->name, AdmissionModeName(p.rule->mode), request.dry_run,
                 deny ? "denied" : "admitted", reason);
  }

  response.warnings = std::move(outcome.warnings);
  if (!outcome.denials.empty()) {
    response.allowed = false;
    response.status_code = 403;
    std::string message = "signet denied " + what + ": ";
    for (size_t i = 0; i < outcome.denials.size(); ++i) {
      message += (i == 0 ? "" : "; ") + outcome.denials[i];
    }
    response.status_message = Shorten(message, kMaxDenialMessage);
    return response;
  }
  response.patch = std::move(outcome.patch);
  return response;
}

}  // namespace signet::admission
