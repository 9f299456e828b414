#include "notary/signature_envelope.h"

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
  const auto& chain = options.certificate_chain;
  if (chain.empty()) return InvalidArgumentError("cannot sign: the certificate chain is empty");
  if (chain.size() > kMaxCertificateChainLength) {
    return InvalidArgumentError("cannot sign: the certificate chain is longer than " +
                                std::to_string(kMaxCertificateChainLength));
  }
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey leaf_key, chain.front().public_key());
  if (!(leaf_key == signer.public_key())) {
    return InvalidArgumentError("cannot sign: the leaf certificate \"" + chain.front().Subject() +
                                "\" is not for the signing key");
  }
  if (Status s = crypto::VerifyCertificateChain(chain, options.signing_time,
                                                crypto::CertificatePurpose::kCodeSigning);
      !s.ok()) {
    return InvalidArgumentError("cannot sign: certificate chain is invalid: " + s.message());
  }
  if (options.expiry && *options.expiry <= options.signing_time) {
    return InvalidArgumentError("cannot sign: expiry cannot be equal or before the signing time");
  }
  return Status::Ok();
}

}  // namespace signet::notary
