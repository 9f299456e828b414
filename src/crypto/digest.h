// Message digests: SHA-256, SHA-384, SHA-512, one-shot and streaming.
//
// Digest is move-only and not thread-safe; use one per stream.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::crypto {

enum class HashAlgorithm { kSha256, kSha384, kSha512 };

// "sha256", "sha384", "sha512": the prefix of an OCI digest string.
std::string_view HashAlgorithmName(HashAlgorithm alg);
size_t DigestSize(HashAlgorithm alg);

class Digest {
 public:
  explicit Digest(HashAlgorithm alg);
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  ~Digest();

  HashAlgorithm algorithm() const { return alg_; }
  void Update(std::string_view bytes);
  // The raw digest of everything passed to Update. The Digest must not be used afterwards.
  std::string Finish();

 private:
  struct Impl;
  HashAlgorithm alg_;
  std::unique_ptr<Impl> impl_;
};

std::string Hash(HashAlgorithm alg, std::string_view bytes);
inline std::string Sha256(std::string_view bytes) { return Hash(HashAlgorithm::kSha256, bytes); }
inline std::string Sha384(std::string_view bytes) { return Hash(HashAlgorithm::kSha384, bytes); }
// MD5, raw 16 bytes. Not for security: only for the S3 ETag and Content-MD5, which S3 defines so.
std::string Md5(std::string_view bytes);
// Streaming MD5, for the same uses (the ETag of an object written in a stream).
class Md5Stream {
 public:
  Md5Stream();
  Md5Stream(Md5Stream&&) noexcept;
  Md5Stream& operator=(Md5Stream&&) noexcept;
  ~Md5Stream();
  void Update(std::string_view bytes);
  std::string Finish();  // raw 16 bytes; the stream must not be used afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "sha256:<lower-case hex>" for an OCI descriptor.
std::string FormatDigest(HashAlgorithm alg, std::string_view raw_digest);
// Parses "sha256:<64 hex>" / "sha384:<96 hex>" / "sha512:<128 hex>" into (algorithm, raw bytes).
struct ParsedDigest {
  HashAlgorithm algorithm;
  std::string raw;
};
Result<ParsedDigest> ParseDigest(std::string_view text);

}  // namespace signet::crypto
