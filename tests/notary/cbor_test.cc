#include "notary/cbor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include "core/encoding.h"

namespace signet::notary {
namespace {

// Hex with optional spaces between bytes.
std::string Hex(std::string_view hex) {
  std::string compact;
  for (char c : hex) {
    if (c != ' ') compact.push_back(c);
  }
  return HexDecode(compact).value();
}

// RFC 8949 Appendix A examples in preferred serialization: decode then encode gives them back.
class CborRoundTripTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CborRoundTripTest, DecodeThenEncodeIsIdentity) {
  const std::string bytes = Hex(GetParam());
  auto decoded = DecodeCbor(bytes);
  ASSERT_TRUE(decoded.ok()) << GetParam() << ": " << decoded.status().ToString();
  EXPECT_EQ(HexEncode(EncodeCbor(*decoded)), HexEncode(bytes));
  EXPECT_EQ(decoded->encoded_offset(), 0u);
  EXPECT_EQ(decoded->encoded_size(), bytes.size());
}

INSTANTIATE_TEST_SUITE_P(
    Rfc8949AppendixA, CborRoundTripTest,
    ::testing::Values(
        "00", "01", "0a", "17", "1818", "1819", "1864", "1903e8", "1a000f4240",
        "1b000000e8d4a51000", "1bffffffffffffffff", "20", "29", "3863", "3903e7",
        "3bffffffffffffffff", "f90000", "f98000", "f93c00", "fb3ff199999999999a", "f93e00",
        "f97bff", "fa47c35000", "fa7f7fffff", "fb7e37e43c8800759c", "f90001", "f90400", "f9c400",
        "fbc010666666666666", "f97c00", "f97e00", "f9fc00", "f4", "f5", "f6", "f7", "f0", "f8ff",
        "c074323031332d30332d32315432303a30343a30305a", "c11a514b67b0", "c1fb41d452d9ec200000",
        "d74401020304", "d818456449455446", "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
        "40", "4401020304", "60", "6161", "6449455446", "62225c", "62c3bc", "63e6b0b4",
        "64f0908591", "80", "83010203", "8301820203820405",
        "98190102030405060708090a0b0c0d0e0f101112131415161718181819", "a0", "a201020304",
        "a26161016162820203", "826161a161626163", "a56161614161626142616361436164614461656145"));

TEST(CborTest, IntegersAndAccessors) {
  EXPECT_EQ(DecodeCbor(Hex("1bffffffffffffffff"))->AsInt64(), std::nullopt);
  EXPECT_EQ(DecodeCbor(Hex("1b7fffffffffffffff"))->AsInt64(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(DecodeCbor(Hex("3b7fffffffffffffff"))->AsInt64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(DecodeCbor(Hex("3b8000000000000000"))->AsInt64(), std::nullopt);
  EXPECT_EQ(DecodeCbor(Hex("3863"))->AsInt64(), -100);
  EXPECT_EQ(EncodeCbor(CborValue::Int(std::numeric_limits<int64_t>::min())),
            Hex("3b7fffffffffffffff"));
  EXPECT_EQ(EncodeCbor(CborValue::Int(-38)), Hex("3825"));
  EXPECT_EQ(EncodeCbor(CborValue::Int(1661408324)), Hex("1a63071444"));
  EXPECT_EQ(DecodeCbor(Hex("64f0908591"))->string(), "\xf0\x90\x85\x91");
  EXPECT_EQ(DecodeCbor(Hex("f4"))->argument(), 20u);
}

TEST(CborTest, FloatsWidenExactly) {
  EXPECT_EQ(DecodeCbor(Hex("f93c00"))->AsDouble(), 1.0);
  EXPECT_EQ(DecodeCbor(Hex("f97bff"))->AsDouble(), 65504.0);
  EXPECT_EQ(DecodeCbor(Hex("f90001"))->AsDouble(), 5.960464477539063e-8);
  EXPECT_EQ(DecodeCbor(Hex("f9c400"))->AsDouble(), -4.0);
  EXPECT_EQ(DecodeCbor(Hex("fa47c35000"))->AsDouble(), 100000.0);
  EXPECT_EQ(DecodeCbor(Hex("fb3ff199999999999a"))->AsDouble(), 1.1);
  EXPECT_TRUE(std::isinf(DecodeCbor(Hex("f9fc00"))->AsDouble()));
  EXPECT_TRUE(std::isnan(DecodeCbor(Hex("f97e00"))->AsDouble()));
}

TEST(CborTest, MapKeysEncodeLengthFirst) {
  // Length-first (RFC 7049 canonical) and bytewise (RFC 8949 core) order differ here: 100
  // encodes as 18 64 (two bytes), -1 as 20 (one byte).
  std::vector<CborValue::MapEntry> entries;
  entries.emplace_back(CborValue::Text("aa"), CborValue::Int(1));
  entries.emplace_back(CborValue::Int(100), CborValue::Int(2));
  entries.emplace_back(CborValue::Text("b"), CborValue::Int(3));
  entries.emplace_back(CborValue::Int(-1), CborValue::Int(4));
  EXPECT_EQ(HexEncode(EncodeCbor(CborValue::Map(std::move(entries)))),
            "a4"
            "2004"
            "186402"
            "616203"
            "62616101");
}

TEST(CborTest, MapsCompareRegardlessOfOrder) {
  auto unsorted = DecodeCbor(Hex("a2 02 61 62 01 61 61"));  // {2: "b", 1: "a"}
  ASSERT_TRUE(unsorted.ok());
  auto sorted = DecodeCbor(EncodeCbor(*unsorted));
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(HexEncode(EncodeCbor(*unsorted)), "a2016161026162");
  EXPECT_EQ(*sorted, *unsorted);
  EXPECT_NE(*sorted, *DecodeCbor(Hex("a2 01 61 61 02 61 63")));
  EXPECT_NE(*sorted, *DecodeCbor(Hex("a1 01 61 61")));
  EXPECT_NE(CborValue::Map({}), CborValue::Array({}));
}

TEST(CborTest, NonPreferredHeadsAreAcceptedAndReencodedShortest) {
  auto v = DecodeCbor(Hex("1b0000000000000001"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->AsInt64(), 1);
  EXPECT_EQ(EncodeCbor(*v), Hex("01"));
  auto s = DecodeCbor(Hex("7800"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(EncodeCbor(*s), Hex("60"));
}

TEST(CborTest, EncodedSpansPointIntoTheInput) {
  const std::string bytes = Hex("d28243a10126a1182101");  // 18([h'a10126', {33: 1}])
  auto v = DecodeCbor(bytes);
  ASSERT_TRUE(v.ok());
  const CborValue& protected_item = v->tag_content().items()[0];
  EXPECT_EQ(protected_item.encoded_offset(), 2u);
  EXPECT_EQ(protected_item.encoded_size(), 4u);
  EXPECT_EQ(bytes.substr(2, 4), Hex("43a10126"));
  EXPECT_EQ(v->tag_content().items()[1].Find(33)->AsInt64(), 1);
  EXPECT_EQ(v->tag_content().items()[1].Find("x"), nullptr);
}

TEST(CborTest, BuildsAndFinds) {
  std::vector<CborValue::MapEntry> entries;
  entries.emplace_back(CborValue::Int(1), CborValue::Int(-7));
  entries.emplace_back(CborValue::Text("k"),
                       CborValue::Array({CborValue::Bytes("\x01"), CborValue::Bool(true),
                                         CborValue::Null(), CborValue::Tag(1, CborValue::Int(5))}));
  const CborValue map = CborValue::Map(std::move(entries));
  const std::string encoded = EncodeCbor(map);
  EXPECT_EQ(HexEncode(encoded),
            "a2"
            "0126"
            "616b"
            "84"
            "4101"
            "f5"
            "f6"
            "c105");
  auto decoded = DecodeCbor(encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, map);
  EXPECT_EQ(decoded->Find(1)->AsInt64(), -7);
  EXPECT_EQ(decoded->Find("k")->items()[3].tag_content().AsInt64(), 5);
}

// Every malformed class is an error with a message, never a crash.
struct Malformed {
  const char* name;
  const char* hex;
  const char* message;
};

class CborMalformedTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(CborMalformedTest, IsRefused) {
  auto v = DecodeCbor(Hex(GetParam().hex));
  ASSERT_FALSE(v.ok()) << GetParam().name;
  EXPECT_EQ(v.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find(GetParam().message), std::string::npos)
      << v.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    AllClasses, CborMalformedTest,
    ::testing::Values(
        Malformed{"Empty", "", "truncated"}, Malformed{"TruncatedHead", "19 01", "truncated"},
        Malformed{"TruncatedUint64", "1b 00 00 00", "truncated"},
        Malformed{"TruncatedBytes", "44 01 02", "truncated"},
        Malformed{"TruncatedText", "62 61", "truncated"},
        Malformed{"TruncatedArray", "83 01 02", "truncated"},
        Malformed{"TruncatedMap", "a2 01 02 03", "truncated"},
        Malformed{"TruncatedTag", "c1", "truncated"},
        Malformed{"TruncatedFloat", "fa 00 00", "truncated"},
        Malformed{"IndefiniteBytes", "5f 41 01 ff", "indefinite"},
        Malformed{"IndefiniteText", "7f 61 61 ff", "indefinite"},
        Malformed{"IndefiniteArray", "9f 01 ff", "indefinite"},
        Malformed{"IndefiniteMap", "bf 01 02 ff", "indefinite"},
        Malformed{"LoneBreak", "ff", "break"}, Malformed{"Reserved28", "1c", "reserved"},
        Malformed{"Reserved29", "3d", "reserved"}, Malformed{"Reserved30", "fe", "reserved"},
        Malformed{"HugeBytes", "5b ff ff ff ff ff ff ff ff", "declares"},
        Malformed{"HugeText", "7a ff ff ff ff 61", "declares"},
        Malformed{"HugeArray", "9b ff ff ff ff ff ff ff ff 00", "declares"},
        Malformed{"HugeMap", "bb 7f ff ff ff ff ff ff ff 00 00", "declares"},
        Malformed{"ArrayCountAboveBytesLeft", "9a 00 01 00 00 00 00", "declares"},
        Malformed{"TrailingBytes", "00 00", "trailing"},
        Malformed{"InvalidUtf8", "62 c3 28", "UTF-8"},
        Malformed{"Utf8Surrogate", "63 ed a0 80", "UTF-8"},
        Malformed{"Utf8Overlong", "62 c0 80", "UTF-8"},
        Malformed{"Utf8AboveMax", "64 f4 90 80 80", "UTF-8"},
        Malformed{"DuplicateMapKey", "a2 01 02 01 03", "duplicate"},
        Malformed{"DuplicateMapKeyNonPreferred", "a2 01 02 18 01 03", "duplicate"},
        Malformed{"DuplicateTextKey", "a2 61 61 00 61 61 01", "duplicate"},
        Malformed{"TwoByteSimpleBelow32", "f8 10", "simple value"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

std::string Nested(size_t depth) {
  // depth - 1 one-element arrays around an integer: `depth` levels in all.
  return std::string(depth - 1, '\x81') + std::string(1, '\x00');
}

TEST(CborTest, NestingIsBounded) {
  EXPECT_TRUE(DecodeCbor(Nested(16)).ok());
  auto too_deep = DecodeCbor(Nested(17));
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.status().message().find("nesting deeper than 16"), std::string::npos);
  // Far deeper input fails just as cleanly (no stack exhaustion).
  EXPECT_FALSE(DecodeCbor(Nested(100000)).ok());
  EXPECT_FALSE(DecodeCbor(std::string(100000, '\xc1') + std::string(1, '\x00')).ok());  // tags
  EXPECT_TRUE(DecodeCbor(Nested(40), CborLimits{.max_depth = 40, .max_items = 100}).ok());
}

TEST(CborTest, ItemCountIsBounded) {
  const CborLimits limits{.max_depth = 4, .max_items = 10};
  EXPECT_TRUE(DecodeCbor(Hex("890102030405060708 09"), limits).ok());  // 1 + 9 items
  auto too_many = DecodeCbor(Hex("8a0102030405060708090a"), limits);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("more than 10 data items"), std::string::npos);
  // A container is refused before room for its declared items is allocated.
  EXPECT_FALSE(DecodeCbor(Hex("b9 ff ff") + std::string(0x1fffe, '\x00'), limits).ok());
}

TEST(CborTest, EveryPrefixOfAValidItemIsRefused) {
  const std::string valid =
      Hex("d2 84 43 a1 01 26 a2 18 21 82 42 01 02 43 03 04 05 61 61 fb 3f f1 99 99 99 99 99 9a"
          " 4a 68 65 6c 6c 6f 20 43 4f 53 45 41 00");
  ASSERT_TRUE(DecodeCbor(valid).ok());
  for (size_t n = 0; n < valid.size(); ++n) {
    EXPECT_FALSE(DecodeCbor(valid.substr(0, n)).ok()) << "prefix of " << n << " bytes";
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A small in-test fuzzer: random and mutated inputs never crash (ASan/UBSan builds check that
// nothing out of bounds happens either), and whatever decodes re-encodes to something that
// decodes to the same value.
TEST(CborTest, RandomAndMutatedInputsNeverCrash) {
  std::mt19937 rng(20240618);
  const std::string seed = ReadFile(std::string(SIGNET_TESTDATA_DIR) +
                                    "/notation-vectors/notation-go/internal/testdata/"
                                    "cose_signature.sig");
  ASSERT_FALSE(seed.empty());
  auto check = [](const std::string& input) {
    auto v = DecodeCbor(input);
    if (!v.ok()) return;
    auto again = DecodeCbor(EncodeCbor(*v));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *v);
  };
  for (int i = 0; i < 20000; ++i) {
    std::string input(rng() % 48, '\0');
    for (char& c : input) c = static_cast<char>(rng() & 0xff);
    check(input);
  }
  for (int i = 0; i < 3000; ++i) {
    std::string input = seed;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) input[rng() % input.size()] = static_cast<char>(rng() & 0xff);
    if (rng() % 4 == 0) input.resize(rng() % input.size());
    check(input);
  }
}

}  // namespace
}  // namespace signet::notary
