// HMAC-SHA256 (RFC 2104), for AWS Signature Version 4.
#pragma once

#include <string>
#include <string_view>

namespace signet::crypto {

// Raw 32-byte MAC of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace signet::crypto
