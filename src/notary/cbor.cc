#include "notary/cbor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace signet::notary {

// ---------------------------------------------------------------------------------------------
// CborValue

CborValue CborValue::Unsigned(uint64_t v) {
  CborValue out;
  out.type_ = CborType::kUnsigned;
  out.argument_ = v;
  return out;
}

CborValue CborValue::Int(int64_t v) {
  if (v >= 0) return Unsigned(static_cast<uint64_t>(v));
  // -1 - n = v  ⇔  n = -(v + 1), which cannot overflow for any negative int64.
  return NegativeFromArgument(static_cast<uint64_t>(-(v + 1)));
}

CborValue CborValue::NegativeFromArgument(uint64_t n) {
  CborValue out;
  out.type_ = CborType::kNegative;
  out.argument_ = n;
  return out;
}

CborValue CborValue::Bytes(std::string bytes) {
  CborValue out;
  out.type_ = CborType::kBytes;
  out.argument_ = 0;
  out.string_ = std::move(bytes);
  return out;
}

CborValue CborValue::Text(std::string text) {
  CborValue out;
  out.type_ = CborType::kText;
  out.argument_ = 0;
  out.string_ = std::move(text);
  return out;
}

CborValue CborValue::Array(std::vector<CborValue> items) {
  CborValue out;
  out.type_ = CborType::kArray;
  out.argument_ = 0;
  out.items_ = std::move(items);
  return out;
}

CborValue CborValue::Map(std::vector<MapEntry> entries) {
  CborValue out;
  out.type_ = CborType::kMap;
  out.argument_ = 0;
  out.entries_ = std::move(entries);
  return out;
}

CborValue CborValue::Tag(uint64_t tag, CborValue content) {
  CborValue out;
  out.type_ = CborType::kTag;
  out.argument_ = tag;
  out.items_.push_back(std::move(content));
  return out;
}

CborValue CborValue::Bool(bool v) { return Simple(v ? 21 : 20); }
CborValue CborValue::Null() { return Simple(22); }

CborValue CborValue::Simple(uint8_t v) {
  CborValue out;
  out.type_ = CborType::kSimple;
  out.argument_ = v;
  return out;
}

CborValue CborValue::Float(uint64_t bits, uint8_t width) {
  CborValue out;
  out.type_ = CborType::kFloat;
  out.argument_ = bits;
  out.float_width_ = width;
  return out;
}

std::optional<int64_t> CborValue::AsInt64() const {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (argument_ > kMax) return std::nullopt;
  if (type_ == CborType::kUnsigned) return static_cast<int64_t>(argument_);
  if (type_ == CborType::kNegative) return -1 - static_cast<int64_t>(argument_);
  return std::nullopt;
}

double CborValue::AsDouble() const {
  switch (float_width_) {
    case 2: {
      // IEEE 754 binary16, widened exactly (RFC 8949 Appendix D).
      const auto half = static_cast<uint16_t>(argument_);
      const int exponent = (half >> 10) & 0x1f;
      const int mantissa = half & 0x3ff;
      double value;
      if (exponent == 0) {
        value = std::ldexp(mantissa, -24);
      } else if (exponent != 31) {
        value = std::ldexp(mantissa + 1024, exponent - 25);
      } else {
        value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::quiet_NaN();
      }
      return (half & 0x8000) ? -value : value;
    }
    case 4:
      return static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(argument_)));
    case 8:
      return std::bit_cast<double>(argument_);
    default:
      return 0;
  }
}

const CborValue* CborValue::Find(std::string_view text_key) const {
  for (const auto& [key, value] : entries_) {
    if (key.is_text() && key.string() == text_key) return &value;
  }
  return nullptr;
}

const CborValue* CborValue::Find(int64_t int_key) const {
  for (const auto& [key, value] : entries_) {
    if (key.AsInt64() == int_key) return &value;
  }
  return nullptr;
}

bool operator==(const CborValue& a, const CborValue& b) {
  if (a.type_ != b.type_) return false;
  // Maps are unordered: two maps are equal when their deterministic encodings are, which is
  // also how the decoder tells duplicate keys apart.
  if (a.type_ == CborType::kMap) return EncodeCbor(a) == EncodeCbor(b);
  return a.argument_ == b.argument_ && a.float_width_ == b.float_width_ && a.string_ == b.string_ &&
         a.items_ == b.items_;
}

// ---------------------------------------------------------------------------------------------
// Decoding

namespace {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

class CborDecoder {
 public:
  CborDecoder(std::string_view input, const CborLimits& limits) : in_(input), limits_(limits) {}

  Result<CborValue> DecodeAll() {
    CborValue value;
    SIGNET_RETURN_IF_ERROR(DecodeItem(1, value));
    if (pos_ != in_.size()) {
      return Error("trailing bytes after the data item (" + std::to_string(in_.size() - pos_) +
                   " bytes)");
    }
    return value;
  }

 private:
  Status Error(const std::string& what) const {
    return InvalidArgumentError("CBOR: " + what + " at byte " + std::to_string(pos_));
  }

  size_t Remaining() const { return in_.size() - pos_; }

  // Refuses a container before allocating room for more items than the limit allows.
  Status CheckItemBudget(uint64_t more) const {
    if (more > limits_.max_items - std::min(items_, limits_.max_items)) {
      return Error("more than " + std::to_string(limits_.max_items) + " data items");
    }
    return Status::Ok();
  }

  // Reads the initial byte and its argument. `additional` is the raw additional information.
  Status ReadHead(int& major, int& additional, uint64_t& argument) {
    if (Remaining() < 1) return Error("truncated input: expected a data item");
    const auto initial = static_cast<unsigned char>(in_[pos_]);
    major = initial >> 5;
    additional = initial & 0x1f;
    if (additional < 24) {
      argument = static_cast<uint64_t>(additional);
      ++pos_;
      return Status::Ok();
    }
    if (additional == 31) {
      return major == 7 ? Error("unexpected \"break\" (0xff)")
                        : Error("indefinite-length items are not allowed");
    }
    if (additional > 27) {
      return Error("reserved additional information value " + std::to_string(additional));
    }
    const size_t n = size_t{1} << (additional - 24);  // 1, 2, 4 or 8 bytes
    if (Remaining() < 1 + n) {
      return Error("truncated input: head needs " + std::to_string(n) + " more bytes");
    }
    argument = 0;
    for (size_t i = 1; i <= n; ++i) {
      argument = (argument << 8) | static_cast<unsigned char>(in_[pos_ + i]);
    }
    pos_ += 1 + n;
    return Status::Ok();
  }

  Status DecodeItem(size_t depth, CborValue& out) {
    if (depth > limits_.max_depth) {
      return Error("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (++items_ > limits_.max_items) {
      return Error("more than " + std::to_string(limits_.max_items) + " data items");
    }
    const size_t start = pos_;
    int major = 0;
    int additional = 0;
    uint64_t argument = 0;
    SIGNET_RETURN_IF_ERROR(ReadHead(major, additional, argument));
    out.argument_ = 0;
    switch (major) {
      case 0:
      case 1:
        out.type_ = major == 0 ? CborType::kUnsigned : CborType::kNegative;
        out.argument_ = argument;
        break;
      case 2:
      case 3: {
        // The declared length is checked against the bytes present before anything is copied.
        if (argument > Remaining()) {
          return Error("truncated input: string declares " + std::to_string(argument) + " bytes, " +
                       std::to_string(Remaining()) + " remain");
        }
        const auto n = static_cast<size_t>(argument);
        out.string_.assign(in_.substr(pos_, n));
        if (major == 3 && !IsValidUtf8(out.string_)) return Error("text string is not UTF-8");
        pos_ += n;
        out.type_ = major == 2 ? CborType::kBytes : CborType::kText;
        break;
      }
      case 4: {
        // Every item takes at least one byte: a count above the bytes left is a lie.
        if (argument > Remaining()) {
          return Error("truncated input: array declares " + std::to_string(argument) + " items");
        }
        SIGNET_RETURN_IF_ERROR(CheckItemBudget(argument));
        out.type_ = CborType::kArray;
        out.items_.resize(static_cast<size_t>(argument));
        for (auto& item : out.items_) SIGNET_RETURN_IF_ERROR(DecodeItem(depth + 1, item));
        break;
      }
      case 5: {
        if (argument > Remaining() / 2) {
          return Error("truncated input: map declares " + std::to_string(argument) + " entries");
        }
        SIGNET_RETURN_IF_ERROR(CheckItemBudget(argument * 2));
        out.type_ = CborType::kMap;
        out.entries_.resize(static_cast<size_t>(argument));
        // Keys are compared in their deterministic encoding, so 0x01 and 0x1801 are the same key.
        std::set<std::string> seen;
        for (auto& [key, value] : out.entries_) {
          SIGNET_RETURN_IF_ERROR(DecodeItem(depth + 1, key));
          if (!seen.insert(EncodeCbor(key)).second) return Error("duplicate map key");
          SIGNET_RETURN_IF_ERROR(DecodeItem(depth + 1, value));
        }
        break;
      }
      case 6:
        out.type_ = CborType::kTag;
        out.argument_ = argument;
        out.items_.resize(1);
        SIGNET_RETURN_IF_ERROR(DecodeItem(depth + 1, out.items_[0]));
        break;
      default:  // 7
        if (additional < 24) {
          out.type_ = CborType::kSimple;
          out.argument_ = argument;
        } else if (additional == 24) {
          if (argument < 32) {
            return Error("simple value " + std::to_string(argument) +
                         " must use the one-byte form");
          }
          out.type_ = CborType::kSimple;
          out.argument_ = argument;
        } else {
          out.type_ = CborType::kFloat;
          out.argument_ = argument;
          out.float_width_ = static_cast<uint8_t>(size_t{1} << (additional - 24));
        }
        break;
    }
    out.encoded_offset_ = start;
    out.encoded_size_ = pos_ - start;
    return Status::Ok();
  }

  std::string_view in_;
  CborLimits limits_;
  size_t pos_ = 0;
  size_t items_ = 0;
};

Result<CborValue> DecodeCbor(std::string_view bytes, const CborLimits& limits) {
  return CborDecoder(bytes, limits).DecodeAll();
}

// ---------------------------------------------------------------------------------------------
// Encoding

namespace {

void AppendHead(std::string& out, int major, uint64_t argument) {
  const auto type_bits = static_cast<unsigned char>(major << 5);
  if (argument < 24) {
    out.push_back(static_cast<char>(type_bits | argument));
    return;
  }
  int n;
  unsigned char additional;
  if (argument <= 0xff) {
    n = 1;
    additional = 24;
  } else if (argument <= 0xffff) {
    n = 2;
    additional = 25;
  } else if (argument <= 0xffffffff) {
    n = 4;
    additional = 26;
  } else {
    n = 8;
    additional = 27;
  }
  out.push_back(static_cast<char>(type_bits | additional));
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((argument >> (8 * i)) & 0xff));
}

void Encode(const CborValue& v, std::string& out) {
  switch (v.type()) {
    case CborType::kUnsigned:
      AppendHead(out, 0, v.argument());
      break;
    case CborType::kNegative:
      AppendHead(out, 1, v.argument());
      break;
    case CborType::kBytes:
    case CborType::kText:
      AppendHead(out, v.is_bytes() ? 2 : 3, v.string().size());
      out += v.string();
      break;
    case CborType::kArray:
      AppendHead(out, 4, v.items().size());
      for (const auto& item : v.items()) Encode(item, out);
      break;
    case CborType::kMap: {
      // Length-first, then bytewise, on the encoded keys.
      std::vector<std::pair<std::string, const CborValue*>> sorted;
      sorted.reserve(v.entries().size());
      for (const auto& [key, value] : v.entries()) {
        std::string encoded_key;
        Encode(key, encoded_key);
        sorted.emplace_back(std::move(encoded_key), &value);
      }
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        if (a.first.size() != b.first.size()) return a.first.size() < b.first.size();
        return a.first < b.first;
      });
      AppendHead(out, 5, sorted.size());
      for (const auto& [encoded_key, value] : sorted) {
        out += encoded_key;
        Encode(*value, out);
      }
      break;
    }
    case CborType::kTag:
      AppendHead(out, 6, v.argument());
      Encode(v.tag_content(), out);
      break;
    case CborType::kSimple:
      if (v.argument() < 24) {
        out.push_back(static_cast<char>(0xe0 | v.argument()));
      } else {
        out.push_back(static_cast<char>(0xf8));
        out.push_back(static_cast<char>(v.argument() & 0xff));
      }
      break;
    case CborType::kFloat: {
      const int n = v.float_width() == 2 ? 2 : v.float_width() == 4 ? 4 : 8;
      out.push_back(static_cast<char>(0xe0 | (n == 2 ? 25 : n == 4 ? 26 : 27)));
      for (int i = n - 1; i >= 0; --i) {
        out.push_back(static_cast<char>((v.argument() >> (8 * i)) & 0xff));
      }
      break;
    }
  }
}

}  // namespace

std::string EncodeCbor(const CborValue& value) {
  std::string out;
  Encode(value, out);
  return out;
}

}  // namespace signet::notary
