// The six signature algorithms of the Notary Project signature specification, and the key types
// that determine them. The key decides the algorithm; a caller never picks one.
//
//   EC P-256 → ES256   EC P-384 → ES384   EC P-521 → ES512
//   RSA 2048 → PS256   RSA 3072 → PS384   RSA 4096 → PS512   (RSASSA-PSS, salt = hash length)
#pragma once

#include <optional>
#include <string_view>

#include "crypto/digest.h"

namespace signet::crypto {

enum class KeyType { kEcP256, kEcP384, kEcP521, kRsa2048, kRsa3072, kRsa4096 };
enum class SignatureAlgorithm { kEs256, kEs384, kEs512, kPs256, kPs384, kPs512 };

std::string_view KeyTypeName(KeyType type);  // "EC P-384", "RSA 3072"
SignatureAlgorithm AlgorithmForKey(KeyType type);
std::string_view JwsAlgorithmName(SignatureAlgorithm alg);  // "ES384"
std::optional<SignatureAlgorithm> ParseJwsAlgorithm(std::string_view name);
HashAlgorithm HashForAlgorithm(SignatureAlgorithm alg);
bool IsEcdsa(SignatureAlgorithm alg);

}  // namespace signet::crypto
