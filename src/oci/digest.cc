#include "oci/digest.h"

#include <optional>
#include <string>

#include "core/encoding.h"
#include "crypto/digest.h"

namespace signet::oci {
namespace {

// The algorithms the OCI image spec registers for digests, with their hex lengths.
std::optional<crypto::HashAlgorithm> AlgorithmOf(std::string_view name, size_t* hex_length) {
  if (name == "sha256") {
    *hex_length = 64;
    return crypto::HashAlgorithm::kSha256;
  }
  if (name == "sha512") {
    *hex_length = 128;
    return crypto::HashAlgorithm::kSha512;
  }
  return std::nullopt;
}

std::string HashHex(crypto::HashAlgorithm alg, std::string_view bytes) {
  return HexEncode(crypto::Hash(alg, bytes));
}

}  // namespace

Status ValidateDigest(std::string_view digest) {
  const size_t colon = digest.find(':');
  size_t hex_length = 0;
  if (colon == std::string_view::npos ||
      !AlgorithmOf(digest.substr(0, colon), &hex_length)) {
    return InvalidArgumentError("'" + std::string(digest) +
                                "' is not a digest: expected sha256:<64 hex> or sha512:<128 hex>");
  }
  const std::string_view hex = digest.substr(colon + 1);
  bool lower_hex = hex.size() == hex_length;
  for (char c : hex) lower_hex = lower_hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!lower_hex) {
    return InvalidArgumentError("'" + std::string(digest) + "' is not a digest: the " +
                                std::string(digest.substr(0, colon)) + " part must be " +
                                std::to_string(hex_length) + " lower-case hex digits");
  }
  return Status::Ok();
}

std::string Sha256Digest(std::string_view bytes) {
  return "sha256:" + HashHex(crypto::HashAlgorithm::kSha256, bytes);
}

Status VerifyDigest(std::string_view digest, std::string_view bytes, std::string_view what) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  const size_t colon = digest.find(':');
  size_t hex_length = 0;
  const crypto::HashAlgorithm alg = *AlgorithmOf(digest.substr(0, colon), &hex_length);
  const std::string actual = HashHex(alg, bytes);
  if (actual != digest.substr(colon + 1)) {
    return InvalidArgumentError(std::string(what) + " does not match its digest " +
                                std::string(digest) + ": the content is " +
                                std::string(digest.substr(0, colon)) + ":" + actual);
  }
  return Status::Ok();
}

Result<std::string> ReferrersTag(std::string_view digest) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  // The spec truncates the hex to 64 characters so that a sha512 tag stays within 128.
  const size_t colon = digest.find(':');
  return std::string(digest.substr(0, colon)) + "-" + std::string(digest.substr(colon + 1, 64));
}

}  // namespace signet::oci
