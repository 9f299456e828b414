#include "crypto/evp_key.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "crypto/openssl_util.h"

namespace signet::crypto {

Result<KeyType> ClassifyKey(EVP_PKEY* pkey) {
  if (pkey == nullptr) return InvalidArgumentError("unsupported key: no key");
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) != 1) {
        ERR_clear_error();
        return InvalidArgumentError(
            "unsupported key: EC key with explicit curve parameters (a named curve P-256, P-384 "
            "or P-521 is required)");
      }
      const std::string_view name(group, len);
      if (name == "prime256v1" || name == "P-256") return KeyType::kEcP256;
      if (name == "secp384r1" || name == "P-384") return KeyType::kEcP384;
      if (name == "secp521r1" || name == "P-521") return KeyType::kEcP521;
      return InvalidArgumentError("unsupported key: EC curve " + std::string(name) +
                                  " (P-256, P-384 or P-521 is required)");
    }
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_get_bits(pkey);
      if (bits == 2048) return KeyType::kRsa2048;
      if (bits == 3072) return KeyType::kRsa3072;
      if (bits == 4096) return KeyType::kRsa4096;
      return InvalidArgumentError("unsupported key: RSA " + std::to_string(bits) +
                                  " bits (2048, 3072 or 4096 is required)");
    }
    default: {
      const char* name = EVP_PKEY_get0_type_name(pkey);
      return InvalidArgumentError(std::string("unsupported key: ") +
                                  (name != nullptr ? name : "unknown type") +
                                  " (EC P-256/384/521 or RSA 2048/3072/4096 is required)");
    }
  }
}

size_t EcdsaScalarSize(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return 32;
    case KeyType::kEcP384:
      return 48;
    case KeyType::kEcP521:
      return 66;
    default:
      return 0;
  }
}

Status ConfigureSignatureContext(EVP_PKEY_CTX* ctx, KeyType type) {
  const HashAlgorithm hash = HashForAlgorithm(AlgorithmForKey(type));
  if (EVP_PKEY_CTX_set_signature_md(ctx, EvpMd(hash)) <= 0) {
    return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_CTX_set_signature_md");
  }
  if (IsEcdsa(AlgorithmForKey(type))) return Status::Ok();
  // RSASSA-PSS as JWS PS256/384/512 (RFC 7518 §3.5): MGF1 with the same hash, salt = hash length.
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EvpMd(hash)) <= 0 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, static_cast<int>(DigestSize(hash))) <= 0) {
    return OpenSslError(ErrorCode::kInternal, "configuring RSASSA-PSS");
  }
  return Status::Ok();
}

}  // namespace signet::crypto
