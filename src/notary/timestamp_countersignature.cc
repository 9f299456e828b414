#include "notary/timestamp_countersignature.h"

#include <string>

#include "crypto/chain_verifier.h"
#include "crypto/timestamp_token.h"

namespace signet::notary {
namespace {

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The chain must be valid at `at`: verifyTimestamp's branch without a timestamp.
Status CheckChainValidAt(const std::vector<crypto::Certificate>& chain, Timestamp at) {
  for (const crypto::Certificate& cert : chain) {
    if (at < cert.not_before()) {
      return InvalidArgumentError(
          "verification time is before certificate " + Quoted(cert.Subject()) +
          " validity period, it will be valid from " + Quoted(FormatRfc1123(cert.not_before())));
    }
    if (at > cert.not_after()) {
      return InvalidArgumentError("verification time is after certificate " +
                                  Quoted(cert.Subject()) + " validity period, it was expired at " +
                                  Quoted(FormatRfc1123(cert.not_after())));
    }
  }
  return Status::Ok();
}

Status VerifyTimestamp(const EnvelopeContent& content, VerifyTimestampMode mode,
                       const std::vector<crypto::Certificate>& tsa_roots, bool tsa_store_configured,
                       Timestamp now) {
  const auto& chain = content.certificate_chain;
  bool perform = tsa_store_configured;
  if (perform && mode == VerifyTimestampMode::kAfterCertExpiry) {
    bool expired = false;
    for (const crypto::Certificate& cert : chain) expired = expired || now > cert.not_after();
    perform = expired;
  }
  if (!perform) return CheckChainValidAt(chain, now);

  // 1. The countersignature must be present.
  if (content.unsigned_attributes.timestamp_token.empty()) {
    return InvalidArgumentError(
        "no timestamp countersignature was found in the signature envelope");
  }
  if (tsa_roots.empty()) {
    return InvalidArgumentError("no trusted TSA certificate found in trust store");
  }

  // 2. It must verify, over the signature bytes, against the TSA roots (at its genTime).
  auto token = crypto::VerifyTimestampToken(content.unsigned_attributes.timestamp_token,
                                            content.signature, tsa_roots);
  if (!token.ok()) {
    return InvalidArgumentError("failed to verify the timestamp countersignature with error: " +
                                token.status().message());
  }
  const std::string interval =
      "[" + FormatRfc3339(token->earliest) + ", " + FormatRfc3339(token->latest) + "]";
  if (token->earliest < content.signed_attributes.signing_time) {
    return InvalidArgumentError("timestamp " + interval +
                                " is not bounded after the signing time " +
                                Quoted(FormatRfc3339(content.signed_attributes.signing_time)));
  }

  // 3. The TSA chain must be a valid timestamping chain.
  if (Status s = crypto::VerifyCertificateChain(token->tsa_chain, token->gen_time,
                                                crypto::CertificatePurpose::kTimestamping);
      !s.ok()) {
    return InvalidArgumentError(
        "failed to validate the timestamping certificate chain with error: " + s.message());
  }

  // 4. The timestamp interval must lie within every signing certificate's validity.
  for (const crypto::Certificate& cert : chain) {
    if (token->earliest < cert.not_before()) {
      return InvalidArgumentError("timestamp can be before certificate " + Quoted(cert.Subject()) +
                                  " validity period, it will be valid from " +
                                  Quoted(FormatRfc1123(cert.not_before())));
    }
    if (token->latest > cert.not_after()) {
      return InvalidArgumentError("timestamp can be after certificate " + Quoted(cert.Subject()) +
                                  " validity period, it was expired at " +
                                  Quoted(FormatRfc1123(cert.not_after())));
    }
  }

  // 5. notation-go now checks the TSA chain's revocation status over OCSP/CRL. signet verifies
  //    offline and skips it: a revoked TSA certificate is not detected (see the header).
  return Status::Ok();
}

}  // namespace

Status VerifyAuthenticTimestamp(const EnvelopeContent& content, VerifyTimestampMode mode,
                                const std::vector<crypto::Certificate>& tsa_roots,
                                bool tsa_store_configured, Timestamp now) {
  if (content.certificate_chain.empty()) {
    return InvalidArgumentError("the signature envelope has no certificate chain");
  }
  if (content.signed_attributes.scheme == SigningScheme::kX509) {
    return VerifyTimestamp(content, mode, tsa_roots, tsa_store_configured, now);
  }
  // notary.x509.signingAuthority: the signed signing time is authentic.
  const Timestamp signing_time = content.signed_attributes.signing_time;
  for (const crypto::Certificate& cert : content.certificate_chain) {
    if (signing_time < cert.not_before() || signing_time > cert.not_after()) {
      return InvalidArgumentError("certificate " + Quoted(cert.Subject()) +
                                  " was not valid when the digital signature was produced at " +
                                  Quoted(FormatRfc1123(signing_time)));
    }
  }
  return Status::Ok();
}

}  // namespace signet::notary
