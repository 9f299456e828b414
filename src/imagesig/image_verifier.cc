#include "imagesig/image_verifier.h"

#include <algorithm>

#include "imagesig/signature_fetch.h"
#include "imagesig/signature_manifest.h"

namespace signet::imagesig {
namespace {

bool CouldNotComplete(const TriedSignature& tried) {
  if (tried.outcome) return tried.outcome->result() == notary::VerificationResult::kCouldNotComplete;
  return tried.error.code() == ErrorCode::kUnavailable;
}

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

std::string_view ImageVerificationResultName(ImageVerificationResult result) {
  switch (result) {
    case ImageVerificationResult::kVerified: return "verified";
    case ImageVerificationResult::kFailed: return "failed";
    case ImageVerificationResult::kNoSignature: return "no signature";
    case ImageVerificationResult::kCouldNotComplete: return "could not complete";
    case ImageVerificationResult::kSkipped: return "skipped";
  }
  return "failed";
}

std::string TriedSignature::Summary() const {
  if (outcome) return outcome->Summary();
  return std::string(CouldNotComplete(*this) ? "could not complete: " : "failed: ") + error.message();
}

const TriedSignature* ImageVerification::verified_signature() const {
  if (!verified() || signatures.empty() || !signatures.back().verified()) return nullptr;
  return &signatures.back();
}

Result<ImageVerifier> ImageVerifier::Create(notary::TrustPolicy policy,
                                            notary::TrustStore trust_store,
                                            ImageVerificationOptions options) {
  if (policy.kind() != notary::TrustPolicy::Kind::kOci) {
    return InvalidArgumentError("image verification needs an OCI trust policy (trustpolicy.oci.json), "
                                "not a blob trust policy");
  }
  if (options.max_signatures == 0) {
    return InvalidArgumentError("the number of signatures to try must be at least 1");
  }
  notary::VerifierOptions verifier_options;
  verifier_options.clock = options.clock;
  verifier_options.revocation_checker = options.revocation_checker;
  verifier_options.chain_cache = options.chain_cache;
  // signet reports both (and its revocation checkers act on them), as AWS Signer's plugin does.
  verifier_options.processed_critical_attributes = {
      std::string(notary::kSigningProfileVersionAttribute), std::string(notary::kSigningJobAttribute)};
  notary::Verifier verifier(policy, std::move(trust_store), std::move(verifier_options));
  return ImageVerifier(std::move(policy), std::move(verifier), std::move(options));
}

Result<ImageVerification> ImageVerifier::Verify(oci::Repository& repository,
                                                std::string_view repository_name,
                                                std::string_view reference) const {
  SIGNET_ASSIGN_OR_RETURN(ResolvedImage resolved, ResolveImage(repository, reference));
  ImageVerification out;
  out.image = resolved.image;
  out.reference_was_tag = resolved.reference_was_tag;
  out.artifact_reference = std::string(repository_name) + "@" + out.image.digest;
  if (out.reference_was_tag) out.warnings.push_back(TagWarning(reference, out.image.digest));

  SIGNET_ASSIGN_OR_RETURN(const notary::TrustPolicyStatement* statement,
                          policy_.ForArtifact(out.artifact_reference));
  out.policy_name = statement->name;
  out.level_name = statement->level.name();
  if (statement->level.skips_verification()) {
    out.result = ImageVerificationResult::kSkipped;
    out.reason = "trust policy statement \"" + statement->name +
                 "\" has verification level skip: the signatures of " + out.artifact_reference +
                 " were not checked";
    return out;
  }

  Result<std::vector<oci::Descriptor>> referrers =
      repository.Referrers(out.image.digest, kNotarySignatureArtifactType);
  if (!referrers.ok()) {
    return referrers.status().WithContext("listing the signatures of " + out.artifact_reference);
  }
  if (referrers->empty()) {
    out.result = ImageVerificationResult::kNoSignature;
    out.reason = "no signature is associated with " + out.artifact_reference +
                 ", make sure the image was signed successfully";
    return out;
  }

  notary::VerificationRequest request;
  request.artifact_reference = out.artifact_reference;
  request.expected_target.media_type = out.image.media_type;
  request.expected_target.digest = out.image.digest;
  request.expected_target.size = static_cast<int64_t>(out.image.size);

  const size_t limit = std::min(referrers->size(), options_.max_signatures);
  for (size_t i = 0; i < limit; ++i) {
    TriedSignature& tried = out.signatures.emplace_back();
    tried.manifest = (*referrers)[i];
    Result<FetchedSignature> fetched = FetchSignature(repository, tried.manifest, out.image.digest);
    if (!fetched.ok()) {
      tried.error = fetched.status();
      continue;
    }
    tried.envelope_media_type = fetched->manifest.envelope.media_type;
    Result<notary::VerificationOutcome> outcome =
        verifier_.Verify(fetched->envelope, tried.envelope_media_type, request);
    if (!outcome.ok()) {
      tried.error = outcome.status();
      continue;
    }
    tried.outcome = std::move(outcome).value();
    if (const auto& content = tried.outcome->envelope()) {
      tried.profile_version_arn = SignedAttribute(*content, notary::kSigningProfileVersionAttribute);
      tried.job_arn = SignedAttribute(*content, notary::kSigningJobAttribute);
    }
    if (tried.verified()) {
      out.result = ImageVerificationResult::kVerified;
      for (std::string& w : tried.outcome->warnings()) out.warnings.push_back(std::move(w));
      return out;
    }
  }
  out.untried_signatures = referrers->size() - limit;

  bool incomplete = false;
  for (const TriedSignature& tried : out.signatures) incomplete = incomplete || CouldNotComplete(tried);
  out.result = incomplete ? ImageVerificationResult::kCouldNotComplete
                          : ImageVerificationResult::kFailed;
  out.reason = out.signatures.size() == 1
                   ? out.signatures.front().Summary()
                   : "signature verification failed for all the " +
                         Plural(out.signatures.size(), "signature") + " associated with " +
                         out.artifact_reference;
  if (out.untried_signatures > 0) {
    out.reason += "; " + Plural(out.untried_signatures, "more signature") +
                  " not tried (the limit is " + std::to_string(options_.max_signatures) + ")";
  }
  return out;
}

Result<ImageVerification> VerifyImage(oci::Repository& repository, std::string_view repository_name,
                                      std::string_view reference, notary::TrustPolicy policy,
                                      notary::TrustStore trust_store,
                                      const ImageVerificationOptions& options) {
  SIGNET_ASSIGN_OR_RETURN(ImageVerifier verifier,
                          ImageVerifier::Create(std::move(policy), std::move(trust_store), options));
  return verifier.Verify(repository, repository_name, reference);
}

}  // namespace signet::imagesig
