#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

namespace signet::crypto {

Status OpenSslError(ErrorCode code, std::string_view what) {
  std::string message(what);
  const unsigned long first = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (first != 0) {
    const char* reason = ERR_reason_error_string(first);
    message += ": ";
    message += reason != nullptr ? reason : "unknown OpenSSL error";
  }
  // The rest of the queue describes the same failure from further down the stack; a stale queue
  // would be misattributed to the next call on this thread.
  ERR_clear_error();
  return Status(code, std::move(message));
}

const EVP_MD* EvpMd(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  std::fprintf(stderr, "signet: unknown HashAlgorithm %d\n", static_cast<int>(alg));
  std::abort();
}

BioPtr MemoryBio(std::string_view bytes) {
  // BIO_new_mem_buf takes an int length, and -1 would mean "strlen".
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int): OpenSSL's type
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(len));
}

EvpPkeyCtxPtr PkeyContextPool::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.empty()) return nullptr;
  EvpPkeyCtxPtr ctx = std::move(idle_.back());
  idle_.pop_back();
  return ctx;
}

void PkeyContextPool::Give(EvpPkeyCtxPtr ctx) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(ctx));
}

}  // namespace signet::crypto
