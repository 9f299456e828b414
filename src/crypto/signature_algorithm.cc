#include "crypto/signature_algorithm.h"

namespace signet::crypto {

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return "EC P-256";
    case KeyType::kEcP384:
      return "EC P-384";
    case KeyType::kEcP521:
      return "EC P-521";
    case KeyType::kRsa2048:
      return "RSA 2048";
    case KeyType::kRsa3072:
      return "RSA 3072";
    case KeyType::kRsa4096:
      return "RSA 4096";
  }
  return "unknown";
}

SignatureAlgorithm AlgorithmForKey(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return SignatureAlgorithm::kEs256;
    case KeyType::kEcP384:
      return SignatureAlgorithm::kEs384;
    case KeyType::kEcP521:
      return SignatureAlgorithm::kEs512;
    case KeyType::kRsa2048:
      return SignatureAlgorithm::kPs256;
    case KeyType::kRsa3072:
      return SignatureAlgorithm::kPs384;
    case KeyType::kRsa4096:
      return SignatureAlgorithm::kPs512;
  }
  return SignatureAlgorithm::kEs384;
}

std::string_view JwsAlgorithmName(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kEs256:
      return "ES256";
    case SignatureAlgorithm::kEs384:
      return "ES384";
    case SignatureAlgorithm::kEs512:
      return "ES512";
    case SignatureAlgorithm::kPs256:
      return "PS256";
    case SignatureAlgorithm::kPs384:
      return "PS384";
    case SignatureAlgorithm::kPs512:
      return "PS512";
  }
  return "unknown";
}

std::optional<SignatureAlgorithm> ParseJwsAlgorithm(std::string_view name) {
  // Case-sensitive, as JWS (RFC 7515 §4.1.1) requires.
  for (SignatureAlgorithm alg :
       {SignatureAlgorithm::kEs256, SignatureAlgorithm::kEs384, SignatureAlgorithm::kEs512,
        SignatureAlgorithm::kPs256, SignatureAlgorithm::kPs384, SignatureAlgorithm::kPs512}) {
    if (JwsAlgorithmName(alg) == name) return alg;
  }
  return std::nullopt;
}

HashAlgorithm HashForAlgorithm(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kEs256:
    case SignatureAlgorithm::kPs256:
      return HashAlgorithm::kSha256;
    case SignatureAlgorithm::kEs384:
    case SignatureAlgorithm::kPs384:
      return HashAlgorithm::kSha384;
    case SignatureAlgorithm::kEs512:
    case SignatureAlgorithm::kPs512:
      return HashAlgorithm::kSha512;
  }
  return HashAlgorithm::kSha384;
}

bool IsEcdsa(SignatureAlgorithm alg) {
  return alg == SignatureAlgorithm::kEs256 || alg == SignatureAlgorithm::kEs384 ||
         alg == SignatureAlgorithm::kEs512;
}

}  // namespace signet::crypto
