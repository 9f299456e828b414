#include "crypto/digest.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/encoding.h"
#include "crypto/hmac.h"

namespace signet::crypto {
namespace {

struct KnownAnswer {
  HashAlgorithm alg;
  const char* hex_of_abc;
};

// FIPS 180-2 appendix examples.
constexpr KnownAnswer kAbc[] = {
    {HashAlgorithm::kSha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {HashAlgorithm::kSha384,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c8"
     "25a7"},
    {HashAlgorithm::kSha512,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f"},
};

TEST(DigestTest, KnownAnswersForAbc) {
  for (const KnownAnswer& ka : kAbc) {
    EXPECT_EQ(HexEncode(Hash(ka.alg, "abc")), ka.hex_of_abc) << HashAlgorithmName(ka.alg);
    EXPECT_EQ(Hash(ka.alg, "abc").size(), DigestSize(ka.alg));
  }
  EXPECT_EQ(Sha256("abc"), Hash(HashAlgorithm::kSha256, "abc"));
  EXPECT_EQ(Sha384("abc"), Hash(HashAlgorithm::kSha384, "abc"));
}

TEST(DigestTest, EmptyInput) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, StreamingInOddChunksEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 10007; ++i) data += static_cast<char>((i * 131) & 0xff);
  for (const KnownAnswer& ka : kAbc) {
    Digest d(ka.alg);
    EXPECT_EQ(d.algorithm(), ka.alg);
    size_t pos = 0;
    size_t chunk = 1;
    while (pos < data.size()) {
      const size_t n = std::min(chunk, data.size() - pos);
      d.Update(std::string_view(data).substr(pos, n));
      pos += n;
      chunk = chunk * 3 + 1;  // 1, 4, 13, 40, ... : odd sizes crossing block boundaries
    }
    d.Update("");
    EXPECT_EQ(d.Finish(), Hash(ka.alg, data)) << HashAlgorithmName(ka.alg);
  }
}

TEST(DigestTest, MoveKeepsState) {
  Digest a(HashAlgorithm::kSha256);
  a.Update("a");
  Digest b(std::move(a));
  b.Update("bc");
  EXPECT_EQ(b.Finish(), Sha256("abc"));
}

TEST(DigestTest, NamesAndSizes) {
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha256), "sha256");
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha384), "sha384");
  EXPECT_EQ(HashAlgorithmName(HashAlgorithm::kSha512), "sha512");
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha256), 32u);
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha384), 48u);
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha512), 64u);
}

TEST(DigestTest, FormatAndParseRoundTrip) {
  for (const KnownAnswer& ka : kAbc) {
    const std::string raw = Hash(ka.alg, "abc");
    const std::string text = FormatDigest(ka.alg, raw);
    EXPECT_EQ(text, std::string(HashAlgorithmName(ka.alg)) + ":" + ka.hex_of_abc);
    Result<ParsedDigest> parsed = ParseDigest(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->algorithm, ka.alg);
    EXPECT_EQ(parsed->raw, raw);
  }
}

TEST(DigestTest, ParseRejectsBadInput) {
  const std::string good_hex(64, 'a');
  const char* const kBad[] = {
      "",
      "sha256",
      "sha256:",
      ":aaaa",
      "md5:d41d8cd98f00b204e9800998ecf8427e",
      "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      // upper-case hex is not an OCI digest
      "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
      // wrong lengths for the algorithm
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015",
      "sha384:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      // not hex
      "sha256:zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      " sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ",
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad:00",
  };
  for (const char* text : kBad) {
    Result<ParsedDigest> parsed = ParseDigest(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << text;
    }
  }
  EXPECT_TRUE(ParseDigest("sha256:" + good_hex).ok());
}

// RFC 4231 test cases 1 and 2, and the empty key and message.
TEST(HmacSha256Test, KnownAnswers) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// HmacSha256 re-keys one context per thread: a key must not leak into the next MAC, in this
// thread (the empty key after a long one) or another.
TEST(HmacSha256Test, EachCallUsesOnlyItsOwnKey) {
  const std::string keyed = HmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  std::vector<std::string> from_threads(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < from_threads.size(); ++i) {
    threads.emplace_back([&from_threads, i] {
      for (int n = 0; n < 50; ++n) HmacSha256(std::string(i + 1, 'k'), "other");
      from_threads[i] = HmacSha256("Jefe", "what do ya want for nothing?");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& mac : from_threads) EXPECT_EQ(mac, keyed);
}

}  // namespace
}  // namespace signet::crypto
