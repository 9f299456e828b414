#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

// Only allocation failure inside OpenSSL fails an HMAC; there is no sensible recovery.
[[noreturn]] void HmacFailure(const char* what) {
  std::fprintf(stderr, "signet: HMAC-SHA256 failed (%s)\n", what);
  std::abort();
}

using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OpenSslDeleter<EVP_MAC_CTX_free>>;

// This thread's HMAC-SHA256 context, its algorithms fetched once. OpenSSL's one-shot HMAC()
// fetches the MAC and the digest on every call (OpenSSL 3), several times the cost of the MAC
// of a short message; a context is re-keyed by each EVP_MAC_init instead.
EVP_MAC_CTX* ThreadHmacContext() {
  thread_local const EvpMacCtxPtr ctx = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) HmacFailure("EVP_MAC_fetch");
    EvpMacCtxPtr made(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA2-256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (!made || EVP_MAC_CTX_set_params(made.get(), params) != 1) {
      HmacFailure("EVP_MAC_CTX_set_params");
    }
    return made;
  }();
  return ctx.get();
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  EVP_MAC_CTX* ctx = ThreadHmacContext();
  // HMAC keys may be empty; EVP_MAC_init reads a null key as "keep the previous key".
  static const unsigned char kNoKey = 0;
  const auto* key_bytes =
      key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_init(ctx, key_bytes, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &len, sizeof out) != 1) {
    HmacFailure("EVP_MAC_init/update/final");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace signet::crypto
