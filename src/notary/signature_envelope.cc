#include "notary/signature_envelope.h"

#include <algorithm>

#include "crypto/chain_verifier.h"

namespace signet::notary {

std::string_view SigningSchemeName(SigningScheme scheme) {
  switch (scheme) {
    case SigningScheme::kX509:
      return "notary.x509";
    case SigningScheme::kX509SigningAuthority:
      return "notary.x509.signingAuthority";
  }
  return "unknown";
}

std::optional<SigningScheme> ParseSigningScheme(std::string_view name) {
  for (SigningScheme scheme : {SigningScheme::kX509, SigningScheme::kX509SigningAuthority}) {
    if (SigningSchemeName(scheme) == name) return scheme;
  }
  return std::nullopt;
}

const ExtendedAttribute* SignedAttributes::Find(std::string_view key) const {
  for (const ExtendedAttribute& attribute : extended_attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

Status ValidateSignOptions(const SignOptions& options, const crypto::Signer& signer) {
  return SigningChain(options.certificate_chain).Check(options, signer);
}

SigningChain::SigningChain(std::vector<crypto::Certificate> chain)
    : certificates_(std::move(chain)) {
  if (certificates_.empty()) {
    shape_ = InvalidArgumentError("cannot sign: the certificate chain is empty");
    return;
  }
  if (certificates_.size() > kMaxCertificateChainLength) {
    shape_ = InvalidArgumentError("cannot sign: the certificate chain is longer than " +
                                  std::to_string(kMaxCertificateChainLength));
    return;
  }
  Result<crypto::PublicKey> leaf_key = certificates_.front().public_key();
  if (!leaf_key.ok()) {
    shape_ = leaf_key.status();
    return;
  }
  leaf_key_ = std::move(leaf_key).value();
  rules_ok_ = crypto::VerifyCertificateChain(certificates_, std::nullopt,
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok();
  valid_from_ = certificates_.front().not_before();
  valid_until_ = certificates_.front().not_after();
  for (const crypto::Certificate& certificate : certificates_) {
    valid_from_ = std::max(valid_from_, certificate.not_before());
    valid_until_ = std::min(valid_until_, certificate.not_after());
  }
}

Status SigningChain::Check(const SignOptions& options, const crypto::Signer& signer) const {
  SIGNET_RETURN_IF_ERROR(shape_);
  if (!(*leaf_key_ == signer.public_key())) {
    return InvalidArgumentError("cannot sign: the leaf certificate \"" +
                                certificates_.front().Subject() + "\" is not for the signing key");
  }
  // The chain rules passed without a time, and VerifyCertificateChain's validity check is every
  // certificate valid at the time, bounds inclusive: then the chain is valid at signing_time.
  // Otherwise the full check at signing_time, for its message.
  if (!rules_ok_ || options.signing_time < valid_from_ || options.signing_time > valid_until_) {
    Status s = crypto::VerifyCertificateChain(certificates_, options.signing_time,
                                              crypto::CertificatePurpose::kCodeSigning);
    if (s.ok()) return InternalError("cannot sign: the certificate chain was refused");
    return InvalidArgumentError("cannot sign: certificate chain is invalid: " + s.message());
  }
  if (options.expiry && *options.expiry <= options.signing_time) {
    return InvalidArgumentError("cannot sign: expiry cannot be equal or before the signing time");
  }
  return Status::Ok();
}

}  // namespace signet::notary
