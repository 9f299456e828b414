// Fuzzes the strict decoders of core/encoding.h: Base64Decode, Base64UrlDecode and HexDecode.
//
// Invariants: decoding is strict, so a text that decodes is exactly the encoding of what it
// decodes to (hex: up to the case of its digits); and every byte string survives
// encode-then-decode unchanged.
#include <cctype>
#include <string>

#include "core/encoding.h"
#include "fuzz_check.h"

namespace signet {
namespace {

void FuzzEncodings(std::string_view input) {
  if (Result<std::string> decoded = Base64Decode(input); decoded.ok()) {
    SIGNET_FUZZ_CHECK(Base64Encode(*decoded) == input);
  }
  if (Result<std::string> decoded = Base64UrlDecode(input); decoded.ok()) {
    SIGNET_FUZZ_CHECK(Base64UrlEncode(*decoded) == input);
  }
  if (Result<std::string> decoded = HexDecode(input); decoded.ok()) {
    std::string lower(input);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    SIGNET_FUZZ_CHECK(HexEncode(*decoded) == lower);
  }

  Result<std::string> base64 = Base64Decode(Base64Encode(input));
  SIGNET_FUZZ_CHECK(base64.ok() && *base64 == input);
  Result<std::string> base64url = Base64UrlDecode(Base64UrlEncode(input));
  SIGNET_FUZZ_CHECK(base64url.ok() && *base64url == input);
  Result<std::string> hex = HexDecode(HexEncode(input));
  SIGNET_FUZZ_CHECK(hex.ok() && *hex == input);
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzEncodings(signet::fuzz::AsBytes(data, size));
  return 0;
}
