// ECDSA signature encodings: raw R‖S (JWS, PKCS#11) ⇄ DER SEQUENCE{r, s} (X.509, OpenSSL).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::crypto {

// `raw` is R‖S, each half of equal length (32, 48 or 66 bytes).
Result<std::string> EcdsaRawToDer(std::string_view raw);
// `scalar_bytes` is the curve's field size in bytes (32, 48, 66); R and S are left-padded.
Result<std::string> EcdsaDerToRaw(std::string_view der, size_t scalar_bytes);

}  // namespace signet::crypto
