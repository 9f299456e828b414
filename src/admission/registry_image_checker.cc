#include "admission/registry_image_checker.h"

#include <optional>
#include <utility>

namespace signet::admission {
namespace {

using Verdict = ImageCheckResult::Verdict;

std::string CheckLabel(notary::VerificationCheck check) {
  switch (check) {
    case notary::VerificationCheck::kIntegrity:
      return "integrity";
    case notary::VerificationCheck::kAuthenticity:
    case notary::VerificationCheck::kAuthenticTimestamp:
      return "authenticity";
    case notary::VerificationCheck::kExpiry:
      return "expiry";
    case notary::VerificationCheck::kRevocation:
      return "revocation";
  }
  return "integrity";
}

// The check that failed first among the signatures tried. A signature whose manifest or envelope
// could not be read or parsed failed integrity; one lacking the signet metadata the verifier
// requires, authenticity.
std::string FirstFailedCheck(const imagesig::ImageVerification& v) {
  for (const imagesig::TriedSignature& tried : v.signatures) {
    if (!tried.outcome) return "integrity";
    if (tried.outcome->result() != notary::VerificationResult::kFailed) continue;
    if (std::optional<notary::VerificationCheck> check = tried.outcome->failed_check()) {
      return CheckLabel(*check);
    }
    return "authenticity";
  }
  return "integrity";
}

ImageCheckResult Make(Verdict verdict, std::string digest, std::string check,
                         std::string message) {
  return {verdict, std::move(digest), std::move(check), std::move(message)};
}

}  // namespace

ImageCheckResult ImageCheckResultFor(const oci::Reference& image,
                                     const Result<imagesig::ImageVerification>& verification) {
  if (!verification.ok()) {
    const Status& s = verification.status();
    const std::string digest = image.digest;  // what is known without the registry
    if (s.code() == ErrorCode::kNotFound) {
      // The image (or its tag) is not there; or the rule's trust policy does not scope it.
      const bool policy = s.message().find("trust policy") != std::string::npos;
      return Make(Verdict::kFailed, digest, policy ? "authenticity" : "no signature",
                     s.message());
    }
    return Make(Verdict::kInconclusive, digest, "",
                   "could not verify " + image.ToString() + ": " + s.message());
  }
  const imagesig::ImageVerification& v = *verification;
  switch (v.result) {
    case imagesig::ImageVerificationResult::kVerified: {
      ImageCheckResult result = Make(Verdict::kVerified, v.image.digest, "", "");
      // What a revocation must drop (revocation_watch.h): the signature the verdict rests on.
      if (const imagesig::TriedSignature* s = v.verified_signature()) {
        result.signed_by.push_back({s->job_arn, s->profile_version_arn});
      }
      return result;
    }
    case imagesig::ImageVerificationResult::kSkipped:
      return Make(Verdict::kVerified, v.image.digest, "", v.reason);
    case imagesig::ImageVerificationResult::kNoSignature:
      return Make(Verdict::kFailed, v.image.digest, "no signature", v.reason);
    case imagesig::ImageVerificationResult::kFailed:
      return Make(Verdict::kFailed, v.image.digest, FirstFailedCheck(v), v.reason);
    case imagesig::ImageVerificationResult::kCouldNotComplete:
      return Make(Verdict::kInconclusive, v.image.digest, "", v.reason);
  }
  return Make(Verdict::kInconclusive, v.image.digest, "", "unknown verification result");
}

RegistryImageChecker::RegistryImageChecker(
    RegistrySettings registries, std::shared_ptr<const notary::RevocationChecker> revocation,
    const Clock& clock, oci::RepositoryCacheOptions registry_cache)
    : registries_(std::move(registries)),
      revocation_(std::move(revocation)),
      clock_(clock),
      registry_cache_(std::move(registry_cache)) {
  if (registry_cache_.clock == nullptr) registry_cache_.clock = &clock_;
}

Result<std::shared_ptr<const imagesig::RegistryImageVerifier>> RegistryImageChecker::VerifierFor(
    const notary::TrustPolicy& trust_policy, const notary::TrustStore& trust_store) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto& verifier = verifiers_[{&trust_policy, &trust_store}];
  if (!verifier) {
    imagesig::RegistryImageVerifierOptions options;
    options.registry.insecure_registries = registries_.insecure;
    options.registry.ca_file = registries_.ca_file;
    options.registry.docker_config = registries_.docker_config;
    options.cache = registry_cache_;
    options.verification.clock = &clock_;
    options.verification.revocation_checker = revocation_;
    Result<std::unique_ptr<imagesig::RegistryImageVerifier>> created =
        imagesig::RegistryImageVerifier::Create(trust_policy, trust_store, std::move(options));
    if (!created.ok()) {
      verifiers_.erase({&trust_policy, &trust_store});
      return created.status();
    }
    verifier = std::move(created).value();
  }
  return verifier;
}

ImageCheckResult RegistryImageChecker::Check(const oci::Reference& image,
                                             const notary::TrustPolicy& trust_policy,
                                             const notary::TrustStore& trust_store,
                                             std::chrono::steady_clock::time_point deadline) const {
  if (deadline <= std::chrono::steady_clock::now()) {
    return Make(Verdict::kInconclusive, image.digest, "",
                   "the deadline passed before " + image.ToString() + " could be verified");
  }
  Result<std::shared_ptr<const imagesig::RegistryImageVerifier>> verifier =
      VerifierFor(trust_policy, trust_store);
  if (!verifier.ok()) {
    return Make(Verdict::kInconclusive, image.digest, "",
                   "cannot verify " + image.ToString() + ": " + verifier.status().message());
  }
  return ImageCheckResultFor(image, (*verifier)->Verify(image, deadline));
}

}  // namespace signet::admission
