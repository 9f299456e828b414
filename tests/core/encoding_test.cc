#include "core/encoding.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace signet
