// Verifying a container image's Notary Project signatures, as `notation verify` does
// (notation-go verify.go): resolve the reference to a manifest digest, select the trust policy
// statement for "<registry>/<repository>@<digest>", list the signature manifests that refer to
// the digest, and verify them one by one (at most max_signatures) until one passes. Every
// signature tried is reported with its per-check outcome; a failure the level only logs
// (permissive, audit) is a warning of a verified signature, not a failure.
//
// "Could not complete" (a registry or revocation service that did not answer) is kept apart from
// "failed", and is never "verified".
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/chain_validation_cache.h"
#include "notary/revocation_checker.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "notary/verification_outcome.h"
#include "notary/verifier.h"
#include "oci/repository.h"

namespace signet::imagesig {

inline constexpr size_t kDefaultMaxSignatures = 100;  // notation-go's maxSignatureAttempts

struct ImageVerificationOptions {
  // clock: "now" for expiry and certificate validity (nullptr: SystemClock(); not owned).
  // revocation_checker: null skips the revocation check (reported as skipped).
  const Clock* clock = nullptr;
  std::shared_ptr<const notary::RevocationChecker> revocation_checker = nullptr;
  size_t max_signatures = kDefaultMaxSignatures;
  // Remembers certificate chains that validated (notary::VerifierOptions::chain_cache); null:
  // every chain is validated afresh.
  std::shared_ptr<crypto::ChainValidationCache> chain_cache = nullptr;
};

enum class ImageVerificationResult {
  kVerified,          // a signature passed every enforced check
  kFailed,            // signatures were found and none passed
  kNoSignature,       // no Notary signature refers to the image
  kCouldNotComplete,  // none passed, and at least one could not be checked (registry, revocation)
  kSkipped,           // the trust policy statement has level "skip": nothing was checked
};
std::string_view ImageVerificationResultName(ImageVerificationResult result);  // "verified", …

// One signature manifest that was tried.
struct TriedSignature {
  oci::Descriptor manifest;         // the signature manifest (from the referrers list)
  std::string envelope_media_type;  // empty when the manifest could not be read
  // The Verifier's outcome; nullopt when the signature could not be verified at all (the
  // manifest or envelope could not be fetched or is malformed; `error` says why).
  std::optional<notary::VerificationOutcome> outcome;
  Status error;
  // From the envelope's signed attributes once integrity passed; empty otherwise.
  std::string profile_version_arn;
  std::string job_arn;

  bool verified() const { return outcome && outcome->verified(); }
  // "verified", or "failed: authenticity: …", or "could not complete: …".
  std::string Summary() const;
};

struct ImageVerification {
  ImageVerificationResult result = ImageVerificationResult::kFailed;
  oci::Descriptor image;           // the resolved image manifest
  bool reference_was_tag = false;  // the reference named a tag
  std::string artifact_reference;  // "<repository_name>@<digest>", what the policy matched
  std::string policy_name;         // the trust policy statement applied
  std::string level_name;          // its level ("strict", "permissive", "audit", "skip", "custom")
  std::vector<TriedSignature> signatures;  // in the order tried; the verified one is last
  size_t untried_signatures = 0;           // beyond max_signatures
  std::string reason;                      // why not verified; empty when verified
  // Logged failures of the verified signature ("expiry: …") and notes such as a tag reference.
  std::vector<std::string> warnings;

  bool verified() const { return result == ImageVerificationResult::kVerified; }
  // The signature that passed; nullptr unless verified().
  const TriedSignature* verified_signature() const;
};

// Verifies images against one trust policy (kind OCI) and trust store, loaded once; reusable.
// Thread-safe: Verify is const; concurrent calls need repositories that are thread-safe or
// distinct (RegistryImageVerifier, registry_image_verifier.h, manages them for registries).
class ImageVerifier {
 public:
  // InvalidArgument when `policy` is not an OCI trust policy or max_signatures is 0.
  static Result<ImageVerifier> Create(notary::TrustPolicy policy, notary::TrustStore trust_store,
                                      ImageVerificationOptions options = {});

  // `repository_name` is "registry/repository" as the policy's registryScopes name it (for an
  // image layout, any name the policy scopes, e.g. "local/oci-layout"); `reference` is a tag or
  // a digest in `repository`. Errors (no result): the reference cannot be resolved, no trust
  // policy statement applies (NotFound), the referrers cannot be listed (the Repository's
  // error, e.g. Unavailable). Everything about signatures is in the ImageVerification.
  Result<ImageVerification> Verify(oci::Repository& repository, std::string_view repository_name,
                                   std::string_view reference) const;

 private:
  ImageVerifier(notary::TrustPolicy policy, notary::Verifier verifier,
                ImageVerificationOptions options)
      : policy_(std::move(policy)), verifier_(std::move(verifier)), options_(std::move(options)) {}

  notary::TrustPolicy policy_;
  notary::Verifier verifier_;
  ImageVerificationOptions options_;
};

// One-shot form of ImageVerifier::Create + Verify.
Result<ImageVerification> VerifyImage(oci::Repository& repository, std::string_view repository_name,
                                      std::string_view reference, notary::TrustPolicy policy,
                                      notary::TrustStore trust_store,
                                      const ImageVerificationOptions& options = {});

}  // namespace signet::imagesig
