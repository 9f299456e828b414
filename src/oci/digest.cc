#include "oci/digest.h"

#include <openssl/evp.h>

#include <string>

#include "core/encoding.h"

namespace signet::oci {
namespace {

// The OpenSSL digest and hex length for a registered algorithm, or nullptr.
const EVP_MD* AlgorithmOf(std::string_view name, size_t* hex_length) {
  if (name == "sha256") {
    *hex_length = 64;
    return EVP_sha256();
  }
  if (name == "sha512") {
    *hex_length = 128;
    return EVP_sha512();
  }
  return nullptr;
}

std::string HashHex(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest fails only on allocation failure, which signet treats as fatal elsewhere too.
  if (EVP_Digest(bytes.data(), bytes.size(), out, &length, md, nullptr) != 1) std::abort();
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), length));
}

}  // namespace

Status ValidateDigest(std::string_view digest) {
  const size_t colon = digest.find(':');
  size_t hex_length = 0;
  if (colon == std::string_view::npos ||
      AlgorithmOf(digest.substr(0, colon), &hex_length) == nullptr) {
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
  return "sha256:" + HashHex(EVP_sha256(), bytes);
}

Status VerifyDigest(std::string_view digest, std::string_view bytes, std::string_view what) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  const size_t colon = digest.find(':');
  size_t hex_length = 0;
  const EVP_MD* md = AlgorithmOf(digest.substr(0, colon), &hex_length);
  const std::string actual = HashHex(md, bytes);
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
