#include "crypto/digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "core/encoding.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

// Digest failures can only come from memory exhaustion or a broken OpenSSL build: not from input.
[[noreturn]] void DigestFailure(const char* what) {
  std::fprintf(stderr, "signet: %s failed\n", what);
  std::abort();
}

// The implementation of `alg`, fetched once. EVP_DigestInit_ex given the legacy EVP_sha256()
// object fetches the implementation again on every call (OpenSSL 3), which costs more than
// hashing a short message (a SigV4 canonical request). Falls back to the legacy object should
// the fetch fail.
const EVP_MD* FetchedMd(HashAlgorithm alg) {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static EVP_MD* const kSha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static EVP_MD* const kSha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  const EVP_MD* fetched = nullptr;
  switch (alg) {
    case HashAlgorithm::kSha256:
      fetched = kSha256;
      break;
    case HashAlgorithm::kSha384:
      fetched = kSha384;
      break;
    case HashAlgorithm::kSha512:
      fetched = kSha512;
      break;
  }
  return fetched != nullptr ? fetched : EvpMd(alg);
}

}  // namespace

std::string_view HashAlgorithmName(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSha256:
      return "sha256";
    case HashAlgorithm::kSha384:
      return "sha384";
    case HashAlgorithm::kSha512:
      return "sha512";
  }
  return "unknown";
}

size_t DigestSize(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha384:
      return 48;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

struct Digest::Impl {
  EvpMdCtxPtr ctx;
};

Digest::Digest(HashAlgorithm alg) : alg_(alg), impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), FetchedMd(alg), nullptr) != 1) {
    DigestFailure("EVP_DigestInit_ex");
  }
}

Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;
Digest::~Digest() = default;

void Digest::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()) != 1) {
    DigestFailure("EVP_DigestUpdate");
  }
}

std::string Digest::Finish() {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) !=
      1) {
    DigestFailure("EVP_DigestFinal_ex");
  }
  out.resize(len);
  return out;
}

std::string Hash(HashAlgorithm alg, std::string_view bytes) {
  Digest d(alg);
  d.Update(bytes);
  return d.Finish();
}

struct Md5Stream::Impl {
  EvpMdCtxPtr ctx;
};

Md5Stream::Md5Stream() : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_md5(), nullptr) != 1) {
    DigestFailure("EVP_DigestInit_ex(md5)");
  }
}
Md5Stream::Md5Stream(Md5Stream&&) noexcept = default;
Md5Stream& Md5Stream::operator=(Md5Stream&&) noexcept = default;
Md5Stream::~Md5Stream() = default;

void Md5Stream::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()) != 1) {
    DigestFailure("EVP_DigestUpdate(md5)");
  }
}

std::string Md5Stream::Finish() {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) !=
      1) {
    DigestFailure("EVP_DigestFinal_ex(md5)");
  }
  out.resize(len);
  return out;
}

std::string Md5(std::string_view bytes) {
  Md5Stream md5;
  md5.Update(bytes);
  return md5.Finish();
}

std::string FormatDigest(HashAlgorithm alg, std::string_view raw_digest) {
  return std::string(HashAlgorithmName(alg)) + ":" + HexEncode(raw_digest);
}

Result<ParsedDigest> ParseDigest(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("malformed digest: expected \"<algorithm>:<hex>\"");
  }
  const std::string_view name = text.substr(0, colon);
  const std::string_view hex = text.substr(colon + 1);
  HashAlgorithm alg;
  if (name == "sha256") {
    alg = HashAlgorithm::kSha256;
  } else if (name == "sha384") {
    alg = HashAlgorithm::kSha384;
  } else if (name == "sha512") {
    alg = HashAlgorithm::kSha512;
  } else {
    return InvalidArgumentError("unsupported digest algorithm \"" +
                                std::string(name.substr(0, 32)) +
                                "\" (expected sha256, sha384 or sha512)");
  }
  const size_t want = 2 * DigestSize(alg);
  if (hex.size() != want) {
    return InvalidArgumentError("malformed " + std::string(name) + " digest: expected " +
                                std::to_string(want) + " hex digits, got " +
                                std::to_string(hex.size()));
  }
  // The OCI image specification allows lower-case hex only, so a digest has one spelling.
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidArgumentError("malformed " + std::string(name) +
                                  " digest: only lower-case hex digits are allowed");
    }
  }
  SIGNET_ASSIGN_OR_RETURN(std::string raw, HexDecode(hex));
  return ParsedDigest{alg, std::move(raw)};
}

}  // namespace signet::crypto
