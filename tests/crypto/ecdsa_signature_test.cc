#include "crypto/ecdsa_signature.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/ids.h"

namespace signet::crypto {
namespace {

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

TEST(EcdsaSignatureTest, RawToDerKnownEncoding) {
  // R = 1, S = 0x80 (needs a leading zero byte to stay positive), P-256 widths.
  std::string raw(64, '\0');
  raw[31] = 1;
  raw[63] = static_cast<char>(0x80);
  Result<std::string> der = EcdsaRawToDer(raw);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(HexEncode(*der),
            "3007020101020200"
            "80");
  Result<std::string> back = EcdsaDerToRaw(*der, 32);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, raw);
}

TEST(EcdsaSignatureTest, RoundTripsAllSizes) {
  for (size_t scalar : {32u, 48u, 66u}) {
    for (int i = 0; i < 20; ++i) {
      std::string raw = RandomBytes(2 * scalar);
      if (i % 3 == 0) raw[0] = 0;                             // short R
      if (i % 4 == 0) raw[scalar] = static_cast<char>(0xff);  // S with the high bit set
      if (scalar == 66) {  // P-521 scalars are 521 bits: the top byte holds one bit
        raw[0] &= 1;
        raw[scalar] &= 1;
      }
      Result<std::string> der = EcdsaRawToDer(raw);
      ASSERT_TRUE(der.ok()) << der.status().ToString();
      Result<std::string> back = EcdsaDerToRaw(*der, scalar);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, raw) << "scalar " << scalar;
    }
  }
}

TEST(EcdsaSignatureTest, RawToDerRejectsWrongLengths) {
  for (size_t len : {0u, 1u, 63u, 65u, 94u, 100u, 131u, 133u, 200u}) {
    Result<std::string> der = EcdsaRawToDer(std::string(len, '\x01'));
    EXPECT_FALSE(der.ok()) << len;
    if (!der.ok()) {
      EXPECT_EQ(der.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(EcdsaSignatureTest, DerToRawRejectsMalformed) {
  const std::string good = Unhex("3006020101020101");
  ASSERT_TRUE(EcdsaDerToRaw(good, 32).ok());
  const char* const kBad[] = {
      "",
      "30",
      "30060201010201",          // truncated
      "300602010102010100",      // trailing byte
      "3106020101020101",        // SET, not SEQUENCE
      "3003020101",              // one INTEGER
      "3009020101020101020101",  // three INTEGERs
      "30070201010202000f",      // non-minimal INTEGER (BER, not DER)
      "30800201010201010000",    // indefinite length
      "3006020181020101",        // negative R
      "3006040101020101",        // OCTET STRING instead of INTEGER
  };
  for (const char* hex : kBad) {
    Result<std::string> raw = EcdsaDerToRaw(Unhex(hex), 32);
    EXPECT_FALSE(raw.ok()) << hex;
  }
}

TEST(EcdsaSignatureTest, DerToRawRejectsOversizedScalars) {
  // R of 33 significant bytes cannot be a P-256 scalar.
  std::string raw(66 * 2, '\0');
  raw[0] = 1;
  raw[66 + 65] = 1;
  Result<std::string> der = EcdsaRawToDer(raw);
  ASSERT_TRUE(der.ok());
  EXPECT_FALSE(EcdsaDerToRaw(*der, 32).ok());
  EXPECT_FALSE(EcdsaDerToRaw(*der, 48).ok());
  EXPECT_TRUE(EcdsaDerToRaw(*der, 66).ok());
}

TEST(EcdsaSignatureTest, DerToRawRejectsUnknownScalarSize) {
  EXPECT_FALSE(EcdsaDerToRaw(Unhex("3006020101020101"), 0).ok());
  EXPECT_FALSE(EcdsaDerToRaw(Unhex("3006020101020101"), 31).ok());
  EXPECT_FALSE(EcdsaDerToRaw(Unhex("3006020101020101"), 64).ok());
}

}  // namespace
}  // namespace signet::crypto
