#include "crypto/aes_gcm.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <climits>

#include "core/ids.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status CheckKey(const SecretBytes& key) {
  if (key.size() != kAesGcmKeySize) {
    return InvalidArgumentError("AES-256-GCM key must be 32 bytes, got " +
                                std::to_string(key.size()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> AesGcmSeal(const SecretBytes& key, const SecretBytes& plaintext,
                               std::string_view aad) {
  SIGNET_RETURN_IF_ERROR(CheckKey(key));
  if (plaintext.size() > INT_MAX / 2 || aad.size() > INT_MAX / 2) {
    return InvalidArgumentError("AES-256-GCM input is too large");
  }
  const std::string nonce = RandomBytes(kNonceSize);
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key.reveal()),
                                 Bytes(nonce)) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM init");
  }
  std::string out = nonce;
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  auto* ct = reinterpret_cast<unsigned char*>(out.data()) + kNonceSize;
  int len = 0;
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM aad");
  }
  int written = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), ct, &len, Bytes(plaintext.reveal()),
                          static_cast<int>(plaintext.size())) != 1) {
      return OpenSslError(ErrorCode::kInternal, "AES-256-GCM encrypt");
    }
    written = len;
  }
  if (EVP_EncryptFinal_ex(ctx.get(), ct + written, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          ct + plaintext.size()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM finish");
  }
  return out;
}

Result<SecretBytes> AesGcmOpen(const SecretBytes& key, std::string_view sealed,
                               std::string_view aad) {
  SIGNET_RETURN_IF_ERROR(CheckKey(key));
  if (sealed.size() < kNonceSize + kTagSize) {
    return InvalidArgumentError("sealed data is truncated (" + std::to_string(sealed.size()) +
                                " bytes; at least 28 expected)");
  }
  if (sealed.size() > INT_MAX / 2 || aad.size() > INT_MAX / 2) {
    return InvalidArgumentError("AES-256-GCM input is too large");
  }
  const std::string_view nonce = sealed.substr(0, kNonceSize);
  const std::string_view ct = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key.reveal()),
                                 Bytes(nonce)) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM init");
  }
  int len = 0;
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM aad");
  }
  // Decrypt straight into SecretBytes so no unwiped copy of the plaintext is left behind.
  SecretBytes plaintext;
  plaintext.Resize(ct.size());
  auto* pt = reinterpret_cast<unsigned char*>(plaintext.mutable_data());
  int written = 0;
  if (!ct.empty()) {
    if (EVP_DecryptUpdate(ctx.get(), pt, &len, Bytes(ct), static_cast<int>(ct.size())) != 1) {
      return OpenSslError(ErrorCode::kInternal, "AES-256-GCM decrypt");
    }
    written = len;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          tag.data()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "AES-256-GCM set tag");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), pt + written, &len) != 1) {
    ERR_clear_error();
    return FailedPreconditionError("decryption failed (wrong master key or tampered data)");
  }
  return plaintext;
}

}  // namespace signet::crypto
