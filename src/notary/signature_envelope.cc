#include "notary/signature_envelope.h"

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

}  // namespace signet::notary
