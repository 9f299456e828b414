#include "crypto/ecdsa_signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

bool IsScalarSize(size_t n) { return n == 32 || n == 48 || n == 66; }

}  // namespace

Result<std::string> EcdsaRawToDer(std::string_view raw) {
  if (raw.size() % 2 != 0 || !IsScalarSize(raw.size() / 2)) {
    return InvalidArgumentError(
        "malformed ECDSA signature: raw R||S must be 64, 96 or 132 bytes, got " +
        std::to_string(raw.size()));
  }
  const int half = static_cast<int>(raw.size() / 2);
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BignumPtr r(BN_bin2bn(bytes, half, nullptr));
  BignumPtr s(BN_bin2bn(bytes + half, half, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig) return OpenSslError(ErrorCode::kInternal, "ECDSA_SIG allocation");
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "ECDSA_SIG_set0");
  }
  r.release();  // owned by sig now
  s.release();
  std::string der = EncodeDer(sig.get(), i2d_ECDSA_SIG);
  if (der.empty()) return OpenSslError(ErrorCode::kInternal, "i2d_ECDSA_SIG");
  return der;
}

Result<std::string> EcdsaDerToRaw(std::string_view der, size_t scalar_bytes) {
  if (!IsScalarSize(scalar_bytes)) {
    return InvalidArgumentError("ECDSA scalar size must be 32, 48 or 66 bytes, got " +
                                std::to_string(scalar_bytes));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));  // NOLINT
  if (!sig) {
    ERR_clear_error();
    return InvalidArgumentError("malformed ECDSA signature: not a DER SEQUENCE of two INTEGERs");
  }
  // Strict DER: no trailing bytes, and the input is the one canonical encoding (BER leniency in
  // d2i would otherwise let two byte strings stand for one signature).
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size() ||
      EncodeDer(sig.get(), i2d_ECDSA_SIG) != der) {
    return InvalidArgumentError("malformed ECDSA signature: not canonical DER");
  }
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_is_negative(r) || BN_is_negative(s)) {
    return InvalidArgumentError("malformed ECDSA signature: negative R or S");
  }
  if (static_cast<size_t>(BN_num_bytes(r)) > scalar_bytes ||
      static_cast<size_t>(BN_num_bytes(s)) > scalar_bytes) {
    return InvalidArgumentError("malformed ECDSA signature: R or S longer than " +
                                std::to_string(scalar_bytes) + " bytes");
  }
  std::string raw(2 * scalar_bytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const int n = static_cast<int>(scalar_bytes);
  if (BN_bn2binpad(r, out, n) != n || BN_bn2binpad(s, out + n, n) != n) {
    return OpenSslError(ErrorCode::kInternal, "BN_bn2binpad");
  }
  return raw;
}

}  // namespace signet::crypto
