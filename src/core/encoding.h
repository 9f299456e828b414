// Byte encodings: base64 (RFC 4648 §4, padded), base64url (§5, no padding), lower-case hex.
//
// Byte strings are std::string throughout signet. Decoders are strict: they reject characters
// outside the alphabet, whitespace, wrong padding and non-zero trailing bits, so two different
// texts never decode to the same bytes (a JWS with a stray "=" must not verify).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace signet {

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);
// Accepts upper- and lower-case digits.
Result<std::string> HexDecode(std::string_view text);

// The length of UTF-8 text in characters (code points: bytes that are not continuation bytes),
// as AWS models count a string's min and max.
size_t Utf8Length(std::string_view text);

}  // namespace signet
