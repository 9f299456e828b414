#include "core/encoding.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace signet {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Two output characters per 12 input bits: one table read per pair instead of one per
// character (base64 of envelopes and certificate chains is on every signature's path).
struct PairTable {
  char pairs[4096][2];
};

constexpr PairTable MakePairs(const char* alphabet) {
  PairTable t{};
  for (int i = 0; i < 4096; ++i) {
    t.pairs[i][0] = alphabet[i >> 6];
    t.pairs[i][1] = alphabet[i & 63];
  }
  return t;
}

constexpr PairTable kStdPairs = MakePairs(kStd);
constexpr PairTable kUrlPairs = MakePairs(kUrl);

// Appends the encoding of `in` to `out`.
void Encode(std::string& out, std::string_view in, const char* alphabet, bool pad) {
  const PairTable& pairs = alphabet == kStd ? kStdPairs : kUrlPairs;
  const size_t rest = in.size() % 3;
  const size_t tail = rest == 0 ? 0 : (pad ? 4 : rest + 1);
  const size_t start = out.size();
  out.resize(start + in.size() / 3 * 4 + tail, '=');
  char* o = out.data() + start;
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const uint8_t* const full_end = p + (in.size() - rest);
  for (; p != full_end; p += 3, o += 4) {
    const uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
    std::memcpy(o, pairs.pairs[v >> 12], 2);
    std::memcpy(o + 2, pairs.pairs[v & 0xfff], 2);
  }
  // The last one or two bytes; padding, when wanted, is the '=' the string was filled with.
  if (rest > 0) {
    const uint32_t v = (uint32_t{p[0]} << 16) | (rest == 2 ? uint32_t{p[1]} << 8 : 0);
    o[0] = alphabet[(v >> 18) & 63];
    o[1] = alphabet[(v >> 12) & 63];
    if (rest == 2) o[2] = alphabet[(v >> 6) & 63];
  }
}

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  Encode(out, in, alphabet, pad);
  return out;
}

std::array<int8_t, 256> Table(const char* alphabet) {
  std::array<int8_t, 256> t;
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}

Result<std::string> Decode(std::string_view in, const char* alphabet, bool padded,
                           std::string_view name) {
  static const auto kStdTable = Table(kStd);
  static const auto kUrlTable = Table(kUrl);
  const auto& table = alphabet == kStd ? kStdTable : kUrlTable;
  if (padded) {
    if (in.size() % 4 != 0) {
      return InvalidArgumentError("invalid " + std::string(name) + ": length is not a multiple of 4");
    }
    size_t pads = 0;
    while (pads < 2 && pads < in.size() && in[in.size() - 1 - pads] == '=') ++pads;
    in.remove_suffix(pads);
  } else if (in.size() % 4 == 1) {
    return InvalidArgumentError("invalid " + std::string(name) + ": truncated input");
  }
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const int8_t v = table[static_cast<uint8_t>(in[i])];
    if (v < 0) {
      return InvalidArgumentError("invalid " + std::string(name) + ": illegal data at input byte " +
                                  std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("invalid " + std::string(name) + ": non-canonical trailing bits");
  }
  if (!padded && in.size() % 4 == 1) {
    return InvalidArgumentError("invalid " + std::string(name) + ": truncated input");
  }
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStd, true); }
Result<std::string> Base64Decode(std::string_view text) {
  return Decode(text, kStd, true, "base64");
}
std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kUrl, false); }
Result<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, kUrl, false, "base64url");
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  char* o = out.data();
  for (unsigned char c : bytes) {
    *o++ = kDigits[c >> 4];
    *o++ = kDigits[c & 15];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return InvalidArgumentError("invalid hex: odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("invalid hex: illegal character at input byte " +
                                  std::to_string(hi < 0 ? i : i + 1));
    }
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace signet
