// A small, strict, bounded CBOR (RFC 8949) decoder and deterministic encoder, for COSE_Sign1
// envelopes (cose_envelope.h). It is the one hand-written parser of untrusted bytes in signet,
// so it stays small and refuses rather than guesses:
//
//   decoder: all major types 0–7; definite lengths only (indefinite lengths, "break" and the
//            reserved additional-information values 28–30 are errors); text strings must be valid
//            UTF-8; maps must not repeat a key; the whole input must be exactly one data item;
//            nesting depth and the total number of data items are bounded (CborLimits), and no
//            length is trusted before the bytes it announces are known to be there. Non-shortest
//            ("non-preferred") heads are accepted, as RFC 8949 allows and go-cose does.
//   encoder: shortest-form heads and length-first map key order (RFC 7049 §3.9 "canonical",
//            fxamacker/cbor SortCanonical — what go-cose and therefore Notation emit), so equal
//            values always encode to equal bytes.
//
// Values are plain copyable data; thread-safe once built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace signet::notary {

enum class CborType {
  kUnsigned,  // major 0
  kNegative,  // major 1: the value is -1 - argument
  kBytes,     // major 2
  kText,      // major 3 (UTF-8)
  kArray,     // major 4
  kMap,       // major 5
  kTag,       // major 6
  kSimple,    // major 7: false (20), true (21), null (22), undefined (23), other simple values
  kFloat,     // major 7: half, single or double precision
};

class CborValue {
 public:
  using MapEntry = std::pair<CborValue, CborValue>;

  CborValue() = default;  // null

  static CborValue Unsigned(uint64_t v);
  static CborValue Int(int64_t v);
  // -1 - n, for the negative integers below INT64_MIN.
  static CborValue NegativeFromArgument(uint64_t n);
  static CborValue Bytes(std::string bytes);
  // Precondition: valid UTF-8 (the encoder writes the bytes as they are).
  static CborValue Text(std::string text);
  static CborValue Array(std::vector<CborValue> items);
  // Precondition: no key appears twice. Encoding sorts the entries.
  static CborValue Map(std::vector<MapEntry> entries);
  static CborValue Tag(uint64_t tag, CborValue content);
  static CborValue Bool(bool v);
  static CborValue Null();
  static CborValue Simple(uint8_t v);  // 0–19 or 32–255
  // `width` is 2, 4 or 8 bytes; `bits` the IEEE 754 bit pattern of that width.
  static CborValue Float(uint64_t bits, uint8_t width);

  CborType type() const { return type_; }
  bool is_int() const { return type_ == CborType::kUnsigned || type_ == CborType::kNegative; }
  bool is_bytes() const { return type_ == CborType::kBytes; }
  bool is_text() const { return type_ == CborType::kText; }
  bool is_array() const { return type_ == CborType::kArray; }
  bool is_map() const { return type_ == CborType::kMap; }
  bool is_tag() const { return type_ == CborType::kTag; }

  // The integer, when it is one that fits int64_t.
  std::optional<int64_t> AsInt64() const;
  // kUnsigned/kNegative: the head's argument; kTag: the tag number; kSimple: the simple value;
  // kFloat: the bit pattern.
  uint64_t argument() const { return argument_; }
  // kBytes and kText.
  const std::string& string() const { return string_; }
  // kArray elements; kTag: exactly one element, the tagged content.
  const std::vector<CborValue>& items() const { return items_; }
  const std::vector<MapEntry>& entries() const { return entries_; }
  const CborValue& tag_content() const { return items_.front(); }  // precondition: is_tag()
  uint8_t float_width() const { return float_width_; }
  // The float as a double (half and single precision widened exactly).
  double AsDouble() const;

  // Map lookup by text or integer key; nullptr when absent or when this is not a map.
  const CborValue* Find(std::string_view text_key) const;
  const CborValue* Find(int64_t int_key) const;

  // Where the decoder found this item in its input: the item's full encoding (head included) is
  // input.substr(encoded_offset(), encoded_size()). Zero for values built in code. COSE needs it
  // because a signature covers the protected header exactly as it was transmitted.
  size_t encoded_offset() const { return encoded_offset_; }
  size_t encoded_size() const { return encoded_size_; }

  // Value equality: maps compare regardless of entry order; the encoded span is not compared.
  friend bool operator==(const CborValue& a, const CborValue& b);

 private:
  friend class CborDecoder;

  CborType type_ = CborType::kSimple;
  uint64_t argument_ = 22;  // null
  uint8_t float_width_ = 0;
  std::string string_;
  std::vector<CborValue> items_;
  std::vector<MapEntry> entries_;
  size_t encoded_offset_ = 0;
  size_t encoded_size_ = 0;
};

struct CborLimits {
  size_t max_depth = 16;      // nesting of arrays, maps and tags; a scalar at top level is depth 1
  size_t max_items = 100000;  // data items in total, map keys included
};

// Decodes exactly one data item spanning all of `bytes`. InvalidArgument "CBOR: ..." naming what
// is wrong and at which byte offset.
Result<CborValue> DecodeCbor(std::string_view bytes, const CborLimits& limits = {});

// Deterministic encoding (see the file comment).
std::string EncodeCbor(const CborValue& value);

}  // namespace signet::notary
