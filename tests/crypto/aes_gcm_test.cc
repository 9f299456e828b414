#include "crypto/aes_gcm.h"

#include <gtest/gtest.h>

#include "core/ids.h"

namespace signet::crypto {
namespace {

SecretBytes NewKey() { return SecretBytes(RandomBytes(kAesGcmKeySize)); }

TEST(AesGcmTest, RoundTrip) {
  const SecretBytes key = NewKey();
  for (size_t size : {0u, 1u, 15u, 16u, 17u, 121u, 4096u}) {
    const SecretBytes plaintext(RandomBytes(size));
    Result<std::string> sealed = AesGcmSeal(key, plaintext, "signet-key:abc");
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_EQ(sealed->size(), 12 + size + 16);
    Result<SecretBytes> opened = AesGcmOpen(key, *sealed, "signet-key:abc");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_TRUE(*opened == plaintext);
  }
}

TEST(AesGcmTest, FreshNonceEachTime) {
  const SecretBytes key = NewKey();
  const SecretBytes plaintext("same plaintext");
  Result<std::string> a = AesGcmSeal(key, plaintext, "");
  Result<std::string> b = AesGcmSeal(key, plaintext, "");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->substr(0, 12), b->substr(0, 12));
  EXPECT_NE(*a, *b);
}

class AesGcmTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sealed_ = AesGcmSeal(key_, plaintext_, "aad").value();
    ASSERT_TRUE(AesGcmOpen(key_, sealed_, "aad").ok());
  }
  void ExpectRejected(const std::string& sealed, std::string_view aad, const SecretBytes& key) {
    Result<SecretBytes> opened = AesGcmOpen(key, sealed, aad);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(opened.status().message(), "decryption failed (wrong master key or tampered data)");
  }

  SecretBytes key_ = NewKey();
  SecretBytes plaintext_{"a PKCS#8 key, say"};
  std::string sealed_;
};

TEST_F(AesGcmTamperTest, CiphertextTampered) {
  std::string s = sealed_;
  s[12 + 3] ^= 0x01;
  ExpectRejected(s, "aad", key_);
}

TEST_F(AesGcmTamperTest, TagTampered) {
  std::string s = sealed_;
  s.back() ^= 0x80;
  ExpectRejected(s, "aad", key_);
}

TEST_F(AesGcmTamperTest, NonceTampered) {
  std::string s = sealed_;
  s[0] ^= 0x01;
  ExpectRejected(s, "aad", key_);
}

TEST_F(AesGcmTamperTest, AadDiffers) {
  ExpectRejected(sealed_, "aae", key_);
  ExpectRejected(sealed_, "", key_);
}

TEST_F(AesGcmTamperTest, WrongKey) { ExpectRejected(sealed_, "aad", NewKey()); }

TEST_F(AesGcmTamperTest, Truncated) {
  EXPECT_FALSE(AesGcmOpen(key_, sealed_.substr(0, 27), "aad").ok());
  EXPECT_FALSE(AesGcmOpen(key_, "", "aad").ok());
  ExpectRejected(sealed_.substr(0, sealed_.size() - 1), "aad", key_);
}

TEST(AesGcmTest, RejectsWrongKeySize) {
  const SecretBytes short_key(RandomBytes(16));
  Result<std::string> sealed = AesGcmSeal(short_key, SecretBytes("x"), "");
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(AesGcmOpen(short_key, std::string(40, '\0'), "").ok());
}

}  // namespace
}  // namespace signet::crypto
