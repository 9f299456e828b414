#include "notary/verifier.h"

#include <algorithm>
#include <utility>

#include "crypto/chain_verifier.h"
#include "notary/cose_envelope.h"
#include "notary/jws_envelope.h"
#include "notary/timestamp_countersignature.h"

namespace signet::notary {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string DescribeTarget(const Descriptor& d) {
  return "{mediaType " + Quote(d.media_type) + ", digest " + Quote(d.digest) + ", size " +
         std::to_string(d.size) + "}";
}

Result<EnvelopeContent> ParseEnvelope(std::string_view envelope, std::string_view media_type) {
  if (media_type == kJwsMediaType) return ParseJwsEnvelope(envelope);
  if (media_type == kCoseMediaType) return ParseCoseEnvelope(envelope);
  return InvalidArgumentError("signature envelope format with media type " + Quote(media_type) +
                              " is not supported");
}

// Critical extended attributes: the verifier must understand every one (signature
// specification), and a named verification plugin would have to run. signet runs no plugins, so
// an envelope that names one fails with notation's "plugin not found" message, which is what
// notation itself reports when the plugin is not installed.
Status CheckCriticalAttributes(const SignedAttributes& attributes,
                               const std::vector<std::string>& processed) {
  if (const ExtendedAttribute* plugin = attributes.Find(kVerificationPluginAttribute);
      plugin != nullptr) {
    if (!plugin->critical) {
      return InvalidArgumentError(std::string(kVerificationPluginAttribute) +
                                  " is not a critical Extended attribute");
    }
    if (plugin->value.find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgumentError(std::string(kVerificationPluginAttribute) +
                                  " from extended attribute is an empty string");
    }
    return InvalidArgumentError(
        "error while locating the verification plugin " + Quote(plugin->value) +
        ", make sure the plugin is installed successfully before verifying the signature. "
        "error: plugin not found");
  }
  for (const ExtendedAttribute& attribute : attributes.extended_attributes) {
    if (!attribute.critical) continue;
    if (std::find(processed.begin(), processed.end(), attribute.key) == processed.end()) {
      return InvalidArgumentError(
          "the signature has the critical attribute " + Quote(attribute.key) +
          ", which this verifier does not process (unknown critical attributes are refused)");
    }
  }
  return Status::Ok();
}

Status CheckIntegrity(std::string_view envelope, std::string_view media_type,
                      const VerificationRequest& request, const std::vector<std::string>& processed,
                      crypto::ChainValidationCache* chain_cache,
                      std::optional<EnvelopeContent>& content_out,
                      std::optional<Descriptor>& target_out) {
  SIGNET_ASSIGN_OR_RETURN(EnvelopeContent content, ParseEnvelope(envelope, media_type));
  // The parsers guarantee a non-empty chain and an algorithm equal to the leaf key's.
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey leaf_key,
                          content.certificate_chain.front().public_key());
  if (Status s = leaf_key.Verify(content.signed_bytes, content.signature); !s.ok()) {
    std::string message =
        "signature is invalid: it does not verify with the public key of x5c[0] " +
        Quote(content.certificate_chain.front().Subject());
    if (s.message() != "signature is invalid") message += ": " + s.message();
    return InvalidArgumentError(std::move(message));
  }
  const Status chain =
      chain_cache != nullptr
          ? chain_cache->Verify(content.certificate_chain, crypto::CertificatePurpose::kCodeSigning)
          : crypto::VerifyCertificateChain(content.certificate_chain, std::nullopt,
                                           crypto::CertificatePurpose::kCodeSigning);
  if (Status s = chain; !s.ok()) {
    return InvalidArgumentError("certificate-chain is invalid, " + s.message());
  }
  SIGNET_RETURN_IF_ERROR(CheckCriticalAttributes(content.signed_attributes, processed));
  if (content.payload_content_type != kPayloadContentType) {
    return InvalidArgumentError("payload content type " + Quote(content.payload_content_type) +
                                " not supported");
  }
  SIGNET_ASSIGN_OR_RETURN(Descriptor target, ParsePayload(content.payload));
  if (!SameContent(target, request.expected_target)) {
    return InvalidArgumentError("content descriptor mismatch: the signature is for " +
                                DescribeTarget(target) + ", not " +
                                DescribeTarget(request.expected_target));
  }
  content_out = std::move(content);
  target_out = std::move(target);
  return Status::Ok();
}

Status CheckAuthenticity(const EnvelopeContent& content, const TrustPolicyStatement& statement,
                         const TrustStore& trust_store) {
  const TrustStoreType type = content.signed_attributes.scheme == SigningScheme::kX509
                                  ? TrustStoreType::kCa
                                  : TrustStoreType::kSigningAuthority;
  std::vector<crypto::Certificate> trusted;
  for (const std::string& name : statement.TrustStoreNames(type)) {
    SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> certificates,
                            trust_store.GetCertificates(type, name));
    trusted.insert(trusted.end(), certificates.begin(), certificates.end());
  }
  if (trusted.empty()) {
    return InvalidArgumentError(
        "no trusted certificates are found to verify authenticity (the trust policy "
        "statement " +
        Quote(statement.name) + " names no " + std::string(TrustStoreTypeName(type)) +
        " trust store, which the " +
        std::string(SigningSchemeName(content.signed_attributes.scheme)) +
        " signing scheme needs)");
  }
  // The chain itself was validated under integrity; a byte-equal trusted certificate anchors it.
  const bool anchored =
      std::any_of(content.certificate_chain.begin(), content.certificate_chain.end(),
                  [&](const crypto::Certificate& c) {
                    return std::find(trusted.begin(), trusted.end(), c) != trusted.end();
                  });
  if (!anchored) {
    return InvalidArgumentError(
        "the signature's certificate chain does not contain any trusted certificate");
  }
  const ExtendedAttribute* profile_version =
      content.signed_attributes.Find(kSigningProfileVersionAttribute);
  return MatchTrustedIdentities(statement.trusted_identities, statement.name,
                                content.certificate_chain.front(),
                                profile_version ? std::string_view(profile_version->value)
                                                : std::string_view());
}

Status CheckExpiry(const EnvelopeContent& content, Timestamp now) {
  const std::optional<Timestamp>& expiry = content.signed_attributes.expiry;
  if (expiry && now >= *expiry) {
    return InvalidArgumentError("digital signature has expired on " +
                                Quote(FormatRfc1123(*expiry)));
  }
  return Status::Ok();
}

// Both schemes are judged by VerifyAuthenticTimestamp (timestamp_countersignature.h); this
// supplies what the trust policy says about timestamps.
Status CheckAuthenticTimestamp(const EnvelopeContent& content,
                               const TrustPolicyStatement& statement, const TrustStore& trust_store,
                               Timestamp now) {
  // TSA roots matter to notary.x509 only (notation-go never loads them for signingAuthority).
  const std::vector<std::string> tsa_stores =
      content.signed_attributes.scheme == SigningScheme::kX509
          ? statement.TrustStoreNames(TrustStoreType::kTsa)
          : std::vector<std::string>();
  std::vector<crypto::Certificate> tsa_roots;
  for (const std::string& name : tsa_stores) {
    Result<std::vector<crypto::Certificate>> certificates =
        trust_store.GetCertificates(TrustStoreType::kTsa, name);
    if (!certificates.ok()) {
      return Status(certificates.status().code(), "failed to load tsa trust store with error: " +
                                                      certificates.status().message());
    }
    tsa_roots.insert(tsa_roots.end(), certificates->begin(), certificates->end());
  }
  const VerifyTimestampMode mode =
      statement.verify_timestamp == TimestampVerification::kAfterCertExpiry
          ? VerifyTimestampMode::kAfterCertExpiry
          : VerifyTimestampMode::kAlways;
  return VerifyAuthenticTimestamp(content, mode, tsa_roots, !tsa_stores.empty(), now);
}

Status CheckRevocation(const EnvelopeContent& content, const RevocationChecker& checker) {
  const RevocationStatus status = checker.Check(content);
  switch (status.state) {
    case RevocationStatus::State::kNotRevoked:
      return Status::Ok();
    case RevocationStatus::State::kRevoked:
      return InvalidArgumentError("the signature is revoked: " + status.reason);
    case RevocationStatus::State::kUnknown:
      break;
  }
  return UnavailableError("revocation status could not be determined: " + status.reason);
}

}  // namespace

Verifier::Verifier(TrustPolicy policy, TrustStore trust_store, VerifierOptions options)
    : policy_(std::move(policy)),
      trust_store_(std::move(trust_store)),
      options_(std::move(options)) {}

Result<VerificationOutcome> Verifier::Verify(std::string_view envelope, std::string_view media_type,
                                             const VerificationRequest& request) const {
  const TrustPolicyStatement* statement = nullptr;
  if (policy_.kind() == TrustPolicy::Kind::kOci) {
    SIGNET_ASSIGN_OR_RETURN(statement, policy_.ForArtifact(request.artifact_reference));
  } else {
    SIGNET_ASSIGN_OR_RETURN(statement, policy_.ForBlob(request.blob_policy_name));
  }
  const Timestamp now = (options_.clock != nullptr ? *options_.clock : SystemClock()).Now();

  VerificationOutcome outcome;
  outcome.policy_name_ = statement->name;
  outcome.level_name_ = statement->level.name();
  for (CheckResult& result : outcome.checks_) result.action = statement->level.action(result.check);

  if (statement->level.skips_verification()) {
    outcome.result_ = VerificationResult::kSkipped;
    outcome.reason_ =
        "trust policy statement " + Quote(statement->name) + " skips signature verification";
    for (CheckResult& result : outcome.checks_) result.message = "the verification level is skip";
    return outcome;
  }

  // Records the result of `check`; returns true when it decides the outcome.
  const auto record = [&outcome](VerificationCheck check, const Status& status) {
    CheckResult& result = outcome.checks_[static_cast<size_t>(check)];
    if (status.ok()) {
      result.status = CheckStatus::kPassed;
      result.message.clear();
      return false;
    }
    result.status = CheckStatus::kFailed;
    result.message = status.message();
    if (result.action != VerificationAction::kEnforce) return false;
    outcome.result_ = status.code() == ErrorCode::kUnavailable
                          ? VerificationResult::kCouldNotComplete
                          : VerificationResult::kFailed;
    outcome.failed_check_ = check;
    outcome.reason_ = result.message;
    return true;
  };
  const auto skip = [&outcome](VerificationCheck check, std::string why) {
    outcome.checks_[static_cast<size_t>(check)].message = std::move(why);
  };

  // Integrity is enforced at every level but skip.
  if (record(VerificationCheck::kIntegrity,
             CheckIntegrity(envelope, media_type, request, options_.processed_critical_attributes,
                            options_.chain_cache.get(), outcome.envelope_, outcome.target_))) {
    return outcome;
  }
  const EnvelopeContent& content = *outcome.envelope_;

  // notation-go's order: authenticity, expiry, authentic timestamp, revocation.
  if (record(VerificationCheck::kAuthenticity,
             CheckAuthenticity(content, *statement, trust_store_))) {
    return outcome;
  }
  if (record(VerificationCheck::kExpiry, CheckExpiry(content, now))) return outcome;
  if (record(VerificationCheck::kAuthenticTimestamp,
             CheckAuthenticTimestamp(content, *statement, trust_store_, now))) {
    return outcome;
  }
  if (statement->level.action(VerificationCheck::kRevocation) == VerificationAction::kSkip) {
    skip(VerificationCheck::kRevocation, "the trust policy skips the revocation check");
  } else if (options_.revocation_checker == nullptr) {
    skip(VerificationCheck::kRevocation, "no revocation checker is configured");
  } else if (record(VerificationCheck::kRevocation,
                    CheckRevocation(content, *options_.revocation_checker))) {
    return outcome;
  }

  for (const auto& [key, value] : request.required_metadata) {
    const auto it = outcome.target_->annotations.find(key);
    if (it == outcome.target_->annotations.end() || it->second != value) {
      outcome.result_ = VerificationResult::kFailed;
      outcome.reason_ = "unable to find specified metadata in the signature (";
      outcome.reason_.append(key).append("=").append(value).append(")");
      return outcome;
    }
  }
  outcome.result_ = VerificationResult::kVerified;
  return outcome;
}

}  // namespace signet::notary
