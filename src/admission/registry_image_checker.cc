#include "admission/registry_image_checker.h"

#include <optional>
#include <utility>

#include "oci/registry_repository.h"

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
    case imagesig::ImageVerificationResult::kVerified:
      return Make(Verdict::kVerified, v.image.digest, "", "");
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
    const Clock& clock)
    : registries_(std::move(registries)), revocation_(std::move(revocation)), clock_(clock) {}

ImageCheckResult RegistryImageChecker::Check(const oci::Reference& image,
                                             const notary::TrustPolicy& trust_policy,
                                             const notary::TrustStore& trust_store,
                                             std::chrono::steady_clock::time_point deadline) const {
  using std::chrono::milliseconds;
  const milliseconds left =
      std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left <= milliseconds(0)) {
    return Make(Verdict::kInconclusive, image.digest, "",
                   "the deadline passed before " + image.ToString() + " could be verified");
  }
  oci::RegistryOptions options;
  options.insecure_registries = registries_.insecure;
  options.ca_file = registries_.ca_file;
  options.docker_config = registries_.docker_config;
  options.timeout_seconds = static_cast<int>((left.count() + 999) / 1000);

  imagesig::ImageVerificationOptions verification_options;
  verification_options.clock = &clock_;
  verification_options.revocation_checker = revocation_;
  Result<imagesig::ImageVerifier> verifier =
      imagesig::ImageVerifier::Create(trust_policy, trust_store, std::move(verification_options));
  if (!verifier.ok()) {
    return Make(Verdict::kInconclusive, image.digest, "",
                   "cannot verify " + image.ToString() + ": " + verifier.status().message());
  }
  Result<std::unique_ptr<oci::RegistryRepository>> repository =
      oci::RegistryRepository::Open(image, std::move(options));
  if (!repository.ok()) return ImageCheckResultFor(image, repository.status());
  return ImageCheckResultFor(
      image, verifier->Verify(**repository, image.registry + "/" + image.repository,
                              image.Identifier()));
}

}  // namespace signet::admission
