// RFC 3161 countersignatures: crypto::VerifyTimestampToken and notary::VerifyAuthenticTimestamp
// against notation-go's timestamp vectors (tests/testdata/notation-vectors/README.md §2).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/encoding.h"
#include "crypto/timestamp_token.h"
#include "notary/cose_envelope.h"
#include "notary/jws_envelope.h"
#include "notary/timestamp_countersignature.h"
#include "test_tsa.h"

namespace signet::notary {
namespace {

using crypto::Certificate;

std::string NotationGoDir() {
  return std::string(SIGNET_TESTDATA_DIR) + "/notation-vectors/notation-go/verifier/testdata/";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

EnvelopeContent LoadEnvelope(const std::string& name) {
  const std::string bytes = ReadFile(NotationGoDir() + "timestamp/sigEnv/" + name);
  EXPECT_FALSE(bytes.empty()) << name;
  auto content = bytes[0] == '{' ? ParseJwsEnvelope(bytes) : ParseCoseEnvelope(bytes);
  EXPECT_TRUE(content.ok()) << name << ": " << content.status().ToString();
  return content.ok() ? std::move(content).value() : EnvelopeContent{};
}

std::vector<Certificate> TsaRoots() {
  return Certificate::ParseBundle(
             ReadFile(NotationGoDir() + "truststore/x509/tsa/test-timestamp/globalsignRoot.cer"))
      .value();
}

std::vector<Certificate> OtherRoots() {
  return Certificate::ParseBundle(
             ReadFile(NotationGoDir() +
                      "truststore/x509/ca/valid-trust-store/NotationTestRoot.pem"))
      .value();
}

Timestamp Now() { return ParseRfc3339("2025-06-01T00:00:00Z").value(); }

// README §2, TestAuthenticTimestamp: verifyTimestamp "always", stores ca + tsa:test-timestamp.
struct Row {
  const char* file;
  bool tsa_store;
  VerifyTimestampMode mode;
  const char* error;  // empty: passes
};

class AuthenticTimestampTest : public ::testing::TestWithParam<Row> {};

TEST_P(AuthenticTimestampTest, MatchesNotation) {
  const Row& row = GetParam();
  const EnvelopeContent content = LoadEnvelope(row.file);
  ASSERT_FALSE(content.certificate_chain.empty());
  const Status status =
      VerifyAuthenticTimestamp(content, row.mode, TsaRoots(), row.tsa_store, Now());
  if (std::string(row.error).empty()) {
    EXPECT_TRUE(status.ok()) << status.ToString();
  } else {
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.message(), row.error);
  }
}

constexpr auto kAlways = VerifyTimestampMode::kAlways;

INSTANTIATE_TEST_SUITE_P(
    NotationVectors, AuthenticTimestampTest,
    ::testing::Values(
        Row{"jwsWithTimestamp.sig", true, kAlways, ""},
        Row{"coseWithTimestamp.sig", true, kAlways, ""},
        Row{"jwsExpiredWithTimestamp.sig", true, kAlways, ""},
        Row{"coseExpiredWithTimestamp.sig", true, kAlways, ""},
        Row{"coseWithTimestamp.sig", true, VerifyTimestampMode::kAfterCertExpiry, ""},
        Row{"coseExpiredWithTimestamp.sig", true, VerifyTimestampMode::kAfterCertExpiry, ""},
        Row{"coseExpiredWithTimestamp.sig", false, kAlways,
            "verification time is after certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" "
            "validity period, it was expired at \"Tue, 18 Jun 2024 07:30:31 +0000\""},
        Row{"timestampBeforeNotBefore.sig", true, kAlways,
            "timestamp can be before certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" "
            "validity period, it will be valid from \"Fri, 18 Sep 2099 11:54:34 +0000\""},
        Row{"timestampAfterNotAfter.sig", true, kAlways,
            "timestamp can be after certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" "
            "validity period, it was expired at \"Tue, 18 Sep 2001 11:54:34 +0000\""},
        Row{"withoutTimestamp.sig", true, kAlways,
            "no timestamp countersignature was found in the signature envelope"},
        // Without a TSA store the chain must simply be valid now.
        Row{"withoutTimestamp.sig", false, kAlways, ""},
        Row{"timestampBeforeNotBefore.sig", false, kAlways,
            "verification time is before certificate \"CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US\" "
            "validity period, it will be valid from \"Fri, 18 Sep 2099 11:54:34 +0000\""}),
    [](const auto& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(0, name.find('.'));
      name += param_info.param.tsa_store ? "_Tsa" : "_NoTsa";
      name += param_info.param.mode == kAlways ? "_Always" : "_AfterCertExpiry";
      return name;
    });

TEST(AuthenticTimestampTest, AfterCertExpiryDoesNotLookAtTheTokenWhileTheCertIsValid) {
  EnvelopeContent content = LoadEnvelope("coseWithTimestamp.sig");
  content.unsigned_attributes.timestamp_token = "not a token";
  EXPECT_TRUE(VerifyAuthenticTimestamp(content, VerifyTimestampMode::kAfterCertExpiry, TsaRoots(),
                                       true, Now())
                  .ok());
  const Status always = VerifyAuthenticTimestamp(content, kAlways, TsaRoots(), true, Now());
  EXPECT_NE(always.message().find("failed to verify the timestamp countersignature with error: "
                                  "timestamp token is malformed"),
            std::string::npos)
      << always.message();
}

TEST(AuthenticTimestampTest, UntrustedTsaRootFails) {
  const EnvelopeContent content = LoadEnvelope("jwsWithTimestamp.sig");
  const Status status = VerifyAuthenticTimestamp(content, kAlways, OtherRoots(), true, Now());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("failed to verify the timestamp countersignature with error: "
                                  "timestamp token signature or TSA certificate chain is invalid"),
            std::string::npos)
      << status.message();
  const Status no_roots = VerifyAuthenticTimestamp(content, kAlways, {}, true, Now());
  EXPECT_EQ(no_roots.message(), "no trusted TSA certificate found in trust store");
}

TEST(AuthenticTimestampTest, TimestampBeforeSigningTimeFails) {
  EnvelopeContent content = LoadEnvelope("jwsWithTimestamp.sig");
  // genTime 06:29:37 ± 1 s; claim the signature was made after it.
  content.signed_attributes.signing_time = ParseRfc3339("2024-06-18T06:29:40Z").value();
  const Status status = VerifyAuthenticTimestamp(content, kAlways, TsaRoots(), true, Now());
  EXPECT_EQ(status.message(),
            "timestamp [2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z] is not bounded after the "
            "signing time \"2024-06-18T06:29:40Z\"");
}

TEST(AuthenticTimestampTest, SigningAuthoritySchemeChecksTheAuthenticSigningTime) {
  EnvelopeContent content = LoadEnvelope("jwsWithTimestamp.sig");
  content.signed_attributes.scheme = SigningScheme::kX509SigningAuthority;
  EXPECT_TRUE(VerifyAuthenticTimestamp(content, kAlways, {}, false, Now()).ok());
  content.signed_attributes.signing_time = ParseRfc3339("2022-01-01T00:00:00Z").value();
  EXPECT_EQ(VerifyAuthenticTimestamp(content, kAlways, {}, false, Now()).message(),
            "certificate \"CN=alpine,O=Notary,L=Seattle,ST=WA,C=US\" was not valid when the "
            "digital signature was produced at \"Sat, 01 Jan 2022 00:00:00 +0000\"");
}

// crypto::VerifyTimestampToken on its own.
class TimestampTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = LoadEnvelope("jwsWithTimestamp.sig");
    token_ = content_.unsigned_attributes.timestamp_token;
    ASSERT_FALSE(token_.empty());
  }
  EnvelopeContent content_;
  std::string token_;
};

TEST_F(TimestampTokenTest, ReadsTheGlobalSignToken) {
  auto token = crypto::VerifyTimestampToken(token_, content_.signature, TsaRoots());
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(FormatRfc3339(token->gen_time), "2024-06-18T06:29:37Z");
  EXPECT_EQ(token->gen_time_fraction.count(), 0);
  EXPECT_EQ(token->accuracy, std::chrono::seconds(1));
  EXPECT_EQ(FormatRfc3339(token->earliest), "2024-06-18T06:29:36Z");
  EXPECT_EQ(FormatRfc3339(token->latest), "2024-06-18T06:29:38Z");
  EXPECT_EQ(token->imprint_algorithm, crypto::HashAlgorithm::kSha256);
  EXPECT_EQ(token->policy_oid, "1.3.6.1.4.1.4146.2.3");
  EXPECT_EQ(token->serial_hex, "71b1667795cff814db1c51ca3ea75e957822c20e");
  ASSERT_EQ(token->tsa_chain.size(), 3u);
  EXPECT_EQ(token->tsa_chain[0].SubjectAttributes().front(),
            (crypto::NameAttribute{"CN", "Globalsign TSA for Advanced - G4 - 202311"}));
  EXPECT_EQ(token->tsa_chain[2], TsaRoots()[0]);
}

TEST_F(TimestampTokenTest, EveryTimestampedVectorVerifies) {
  for (const char* name :
       {"coseWithTimestamp.sig", "jwsExpiredWithTimestamp.sig", "coseExpiredWithTimestamp.sig",
        "timestampBeforeNotBefore.sig", "timestampAfterNotAfter.sig"}) {
    const EnvelopeContent content = LoadEnvelope(name);
    auto token = crypto::VerifyTimestampToken(content.unsigned_attributes.timestamp_token,
                                              content.signature, TsaRoots());
    EXPECT_TRUE(token.ok()) << name << ": " << token.status().ToString();
  }
}

TEST_F(TimestampTokenTest, ForgedTokenFails) {
  // Flip one byte of the TSTInfo serial number: the TSA's signature no longer covers it.
  const std::string serial = HexDecode("71b1667795cff814db1c51ca3ea75e957822c20e").value();
  const size_t at = token_.find(serial);
  ASSERT_NE(at, std::string::npos);
  std::string forged = token_;
  forged[at + 5] = static_cast<char>(forged[at + 5] ^ 0x01);
  auto token = crypto::VerifyTimestampToken(forged, content_.signature, TsaRoots());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(token.status().message().find(
                "timestamp token signature or TSA certificate chain is invalid"),
            std::string::npos)
      << token.status().message();

  // And through the authentic-timestamp step.
  EnvelopeContent content = content_;
  content.unsigned_attributes.timestamp_token = forged;
  const Status status = VerifyAuthenticTimestamp(content, kAlways, TsaRoots(), true, Now());
  EXPECT_NE(status.message().find("failed to verify the timestamp countersignature with error: "),
            std::string::npos);
}

TEST_F(TimestampTokenTest, TokenOverAnotherMessageFails) {
  std::string other = content_.signature;
  other[0] = static_cast<char>(other[0] ^ 0x01);
  auto token = crypto::VerifyTimestampToken(token_, other, TsaRoots());
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("mismatched message imprint"), std::string::npos)
      << token.status().message();
  // A countersignature copied from another envelope does not fit this one's signature.
  EnvelopeContent content = LoadEnvelope("coseWithTimestamp.sig");
  content.unsigned_attributes.timestamp_token = token_;
  EXPECT_NE(VerifyAuthenticTimestamp(content, kAlways, TsaRoots(), true, Now())
                .message()
                .find("mismatched message imprint"),
            std::string::npos);
}

TEST_F(TimestampTokenTest, UntrustedRootFails) {
  auto token = crypto::VerifyTimestampToken(token_, content_.signature, OtherRoots());
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("certificate verify error"), std::string::npos)
      << token.status().message();
  auto none = crypto::VerifyTimestampToken(token_, content_.signature, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no trusted TSA root"), std::string::npos);
}

TEST_F(TimestampTokenTest, MalformedTokensFailCleanly) {
  for (const std::string& bad :
       {std::string(), std::string("garbage"), token_.substr(0, token_.size() / 2),
        token_ + std::string(1, '\0'), std::string(crypto::kMaxTimestampTokenSize + 1, '0')}) {
    auto token = crypto::VerifyTimestampToken(bad, content_.signature, TsaRoots());
    ASSERT_FALSE(token.ok());
    EXPECT_NE(token.status().message().find("timestamp token is malformed"), std::string::npos)
        << token.status().message();
  }
  // Corrupting any byte never crashes (ASan/UBSan builds watch every OpenSSL path taken).
  for (size_t pos = 0; pos < token_.size(); pos += 7) {
    std::string corrupt = token_;
    corrupt[pos] = static_cast<char>(corrupt[pos] ^ 0x5a);
    (void)crypto::VerifyTimestampToken(corrupt, content_.signature, TsaRoots()).ok();
  }
}

// With the test-double TSA (test_tsa.h): the paths the GlobalSign tokens do not exercise.
using testing::TestTsa;
using testing::TestTsaOptions;

TEST(TestTsaTokenTest, FractionalGenTimeAndAccuracyRoundOutwards) {
  TestTsaOptions options;
  options.gen_time_usec = 250000;  // 2024-01-01T00:00:00.25Z
  options.precision_digits = 3;
  options.accuracy_millis = 500;
  TestTsa tsa(options);
  auto token = crypto::VerifyTimestampToken(tsa.Timestamp("signature"), "signature", {tsa.root()});
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(FormatRfc3339(token->gen_time), "2024-01-01T00:00:00Z");
  EXPECT_EQ(token->gen_time_fraction, std::chrono::milliseconds(250));
  EXPECT_EQ(token->accuracy, std::chrono::milliseconds(500));
  EXPECT_EQ(FormatRfc3339(token->earliest), "2023-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(token->latest), "2024-01-01T00:00:01Z");
  EXPECT_EQ(token->policy_oid, "1.3.6.1.4.1.55555.1");
  EXPECT_EQ(token->tsa_chain.size(), 2u);
}

TEST(TestTsaTokenTest, AccuracyDefaultsToOneSecondOnlyUnderTheBaselinePolicy) {
  {
    TestTsa tsa(TestTsaOptions{});
    auto token = crypto::VerifyTimestampToken(tsa.Timestamp("m"), "m", {tsa.root()});
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    EXPECT_EQ(token->accuracy.count(), 0);
    EXPECT_EQ(token->earliest, token->latest);
  }
  TestTsaOptions options;
  options.policy = std::string(crypto::kBaselineTimestampPolicyOid);
  TestTsa tsa(options);
  auto token = crypto::VerifyTimestampToken(tsa.Timestamp("m"), "m", {tsa.root()});
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->accuracy, std::chrono::seconds(1));
  EXPECT_EQ(FormatRfc3339(token->earliest), "2023-12-31T23:59:59Z");
}

TEST(TestTsaTokenTest, ImprintAlgorithms) {
  TestTsa tsa(TestTsaOptions{});
  auto sha384 = crypto::VerifyTimestampToken(tsa.Timestamp("m", EVP_sha384()), "m", {tsa.root()});
  ASSERT_TRUE(sha384.ok()) << sha384.status().ToString();
  EXPECT_EQ(sha384->imprint_algorithm, crypto::HashAlgorithm::kSha384);
  auto sha1 = crypto::VerifyTimestampToken(tsa.Timestamp("m", EVP_sha1()), "m", {tsa.root()});
  ASSERT_FALSE(sha1.ok());
  EXPECT_NE(sha1.status().message().find("unsupported hash algorithm"), std::string::npos);
}

TEST(TestTsaTokenTest, TsaCertificateMustHaveOnlyTheTimestampingEku) {
  // OpenSSL's own purpose check ignores EKU OIDs it does not know; RFC 3161 §2.3 and notation
  // do not.
  TestTsaOptions options;
  options.eku = "critical,timeStamping,1.3.6.1.4.1.55555.9";
  TestTsa tsa(options);
  const std::string der = tsa.Timestamp("m");
  ASSERT_FALSE(der.empty());
  auto token = crypto::VerifyTimestampToken(der, "m", {tsa.root()});
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("timeStamping as its only extended key usage"),
            std::string::npos)
      << token.status().message();
}

TEST(TestTsaTokenTest, TsaCertificateMustBeValidAtGenTime) {
  TestTsaOptions options;
  options.tsa_not_after = ParseRfc3339("2023-06-01T00:00:00Z").value();  // before genTime
  TestTsa tsa(options);
  auto token = crypto::VerifyTimestampToken(tsa.Timestamp("m"), "m", {tsa.root()});
  ASSERT_FALSE(token.ok());
  EXPECT_NE(token.status().message().find("certificate has expired"), std::string::npos)
      << token.status().message();
}

}  // namespace
}  // namespace signet::notary
