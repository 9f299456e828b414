// RAII owners for OpenSSL objects and the conversion of OpenSSL's error queue into a Status.
// Internal to crypto/ (other modules never see OpenSSL types except through raw() accessors).
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>
#include <vector>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/digest.h"

namespace signet::crypto {

template <auto Fn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;

// Initialised EVP_PKEY_CTXs of one key, for reuse: setting a context up fetches the algorithm
// from OpenSSL's provider store under a global lock, which costs more than an ECDSA operation
// when many threads sign or verify at once. A context holds no per-operation state once the
// operation returns, so it can serve the next call of the same kind.
class PkeyContextPool {
 public:
  static constexpr size_t kMaxIdle = 16;  // about the number of threads using one key at once
  EvpPkeyCtxPtr Take();                   // nullptr when none is idle: make one
  void Give(EvpPkeyCtxPtr ctx);

 private:
  std::mutex mu_;
  std::vector<EvpPkeyCtxPtr> idle_;
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;

// Drains OpenSSL's thread-local error queue into a Status of `code` whose message is
// "what: <first OpenSSL reason>".
Status OpenSslError(ErrorCode code, std::string_view what);

// The EVP message digest of `alg` (a static object; never null).
const EVP_MD* EvpMd(HashAlgorithm alg);

// A read-only memory BIO over `bytes` (which must outlive it); null if `bytes` exceeds INT_MAX
// or memory runs out.
BioPtr MemoryBio(std::string_view bytes);
// Everything written to a memory BIO so far.
std::string BioContents(BIO* bio);

// Runs an i2d_* style encoder into a std::string; empty on failure.
template <typename T, typename Fn>
std::string EncodeDer(T* obj, Fn i2d) {
  const int len = i2d(obj, nullptr);
  if (len <= 0) return {};
  std::string out(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (i2d(obj, &p) != len) return {};
  return out;
}

}  // namespace signet::crypto
