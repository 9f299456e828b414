#include "core/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace signet {
namespace {

TEST(EncodingTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto d = Base64Decode(encoded);
    ASSERT_TRUE(d.ok()) << encoded;
    EXPECT_EQ(*d, plain);
  }
}

TEST(EncodingTest, Base64UrlHasNoPadding) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(*Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), bytes);
}

// The encoders write two characters per table read; every byte value in every position of a
// 3-byte group, and every tail length, must round-trip.
TEST(EncodingTest, Base64EncodesEveryByteInEveryPosition) {
  std::string bytes;
  for (int i = 0; i < 256 * 3 + 2; ++i) bytes += static_cast<char>((i * 7 + i / 256) & 0xff);
  for (size_t n = 0; n <= bytes.size(); n += (n < 8 ? 1 : 97)) {
    const std::string in = bytes.substr(0, n);
    EXPECT_EQ(*Base64Decode(Base64Encode(in)), in) << n;
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(in)), in) << n;
  }
  EXPECT_EQ(Base64Encode(std::string("\x00\x10\x83\x10\x51\x87\x20\x92\x8b\x30\xd3\x8f", 12)),
            "ABCDEFGHIJKLMNOP");
}

TEST(EncodingTest, DecodersAreStrict) {
  // A trailing "=" on a JWS payload (notation-go's ca_invalid_sig_env) must not decode.
  EXPECT_FALSE(Base64UrlDecode("Zg=").ok());
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());
  EXPECT_FALSE(Base64UrlDecode("Z").ok());        // truncated
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());       // non-zero trailing bits
  EXPECT_FALSE(Base64UrlDecode("Zm9v+").ok());    // std alphabet in url
  EXPECT_FALSE(Base64Decode("Zm9v-").ok());
  EXPECT_FALSE(Base64Decode("Zg").ok());          // missing padding
  EXPECT_FALSE(Base64Decode("Zm 9v").ok());       // whitespace
  EXPECT_FALSE(Base64Decode("Zh==").ok());
  auto r = Base64UrlDecode("ab!d");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input byte 2"), std::string::npos);
}

TEST(EncodingTest, Hex) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(*HexDecode("0001ABff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(EncodingTest, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string s = all.substr(0, n);
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(s)), s);
    EXPECT_EQ(*HexDecode(HexEncode(s)), s);
  }
}

// Every length's tail (0, 1 or 2 bytes past the last full group), in both alphabets, over all
// byte values: the encoding decodes back strictly and has the RFC 4648 length.
TEST(EncodingTest, Base64EveryTailLengthRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(255 - i);
  for (size_t n = 0; n <= 70; ++n) {
    const std::string in = bytes.substr(n, n);
    const std::string padded = Base64Encode(in);
    EXPECT_EQ(padded.size(), (n + 2) / 3 * 4) << n;
    EXPECT_EQ(Base64Decode(padded).value(), in) << n;
    const std::string url = Base64UrlEncode(in);
    EXPECT_EQ(url.size(), n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1)) << n;
    EXPECT_EQ(Base64UrlDecode(url).value(), in) << n;
    std::string mapped = padded.substr(0, url.size());  // the same text, other alphabet
    for (char& c : mapped) c = c == '+' ? '-' : c == '/' ? '_' : c;
    EXPECT_EQ(url, mapped) << n;
  }
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
}

}  // namespace
}  // namespace signet
