#include "api/sigv4.h"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.h"
#include "crypto/digest.h"

namespace signet::api {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// A fresh verifier per call (no signing key cached from an earlier call).
SigV4Result VerifyFresh(const HttpRequestView& request, const SecretLookup& secrets,
                        Timestamp now) {
  return SigV4Verifier().Verify(request, secrets, now);
}

// From AWS's Signature Version 4 test suite ("get-vanilla").
const SecretBytes kSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

Timestamp At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

SecretLookup Lookup() {
  return [](std::string_view id) -> std::optional<SecretBytes> {
    if (id == "AKIDEXAMPLE") return kSecret;
    return std::nullopt;
  };
}

HttpRequestView GetVanilla() {
  HttpRequestView r;
  r.method = "GET";
  r.raw_path = "/";
  r.headers = {{"Host", "example.amazonaws.com"},
               {"X-Amz-Date", "20150830T123600Z"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                "SignedHeaders=host;x-amz-date, "
                "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}};
  return r;
}

TEST(SigV4Test, AwsTestSuiteGetVanilla) {
  SigV4Result r = VerifyFresh(GetVanilla(), Lookup(), At("2015-08-30T12:36:00Z"));
  ASSERT_TRUE(r.identity.has_value()) << r.message;
  EXPECT_EQ(r.identity->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r.identity->region, "us-east-1");
  EXPECT_EQ(r.identity->service, "service");
}

TEST(SigV4Test, UnknownKeyMissingAndMalformed) {
  HttpRequestView unknown = GetVanilla();
  unknown.headers[2].second.replace(unknown.headers[2].second.find("AKIDEXAMPLE"), 11, "AKIDUNKNOWN");
  SigV4Result r = VerifyFresh(unknown, Lookup(), At("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(r.identity);
  EXPECT_EQ(r.error, SigV4Error::kUnknownKey);

  HttpRequestView missing = GetVanilla();
  missing.headers.pop_back();
  EXPECT_EQ(VerifyFresh(missing, Lookup(), At("2015-08-30T12:36:00Z")).error, SigV4Error::kMissing);

  HttpRequestView malformed = GetVanilla();
  malformed.headers[2].second = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE";
  EXPECT_EQ(VerifyFresh(malformed, Lookup(), At("2015-08-30T12:36:00Z")).error,
            SigV4Error::kMalformed);
}

TEST(SigV4Test, TamperingIsDetected) {
  HttpRequestView path = GetVanilla();
  path.raw_path = "/other";
  EXPECT_EQ(VerifyFresh(path, Lookup(), At("2015-08-30T12:36:00Z")).error, SigV4Error::kBadSignature);
  HttpRequestView query = GetVanilla();
  query.raw_query = "a=b";
  EXPECT_EQ(VerifyFresh(query, Lookup(), At("2015-08-30T12:36:00Z")).error, SigV4Error::kBadSignature);
  HttpRequestView body = GetVanilla();
  body.body = "x";
  EXPECT_EQ(VerifyFresh(body, Lookup(), At("2015-08-30T12:36:00Z")).error, SigV4Error::kBadSignature);
}

TEST(SigV4Test, ClockSkewIsRefused) {
  SigV4Result late = VerifyFresh(GetVanilla(), Lookup(), At("2015-08-30T12:41:01Z"));
  EXPECT_EQ(late.error, SigV4Error::kExpired);
  EXPECT_EQ(late.message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
            "(20150830T124101Z - 5 min.)");
  EXPECT_TRUE(VerifyFresh(GetVanilla(), Lookup(), At("2015-08-30T12:41:00Z")).identity);
  EXPECT_EQ(VerifyFresh(GetVanilla(), Lookup(), At("2015-08-30T12:30:59Z")).error, SigV4Error::kExpired);
}

TEST(SigV4Test, SignThenVerifyRoundTrip) {
  HttpRequestView r;
  r.method = "POST";
  r.raw_path = "/tags/arn%3Aaws%3Asigner%3Aus-east-1%3A000000000000%3A%2Fsigning-profiles%2Fp1";
  r.raw_query = "tagKeys=b&tagKeys=a%20c";
  r.headers = {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}};
  const std::string body = R"({"tags":{"team":"core"}})";
  r.body = body;
  const Timestamp now = At("2026-11-26T22:00:00Z");
  SignSigV4(r, "AKIDEXAMPLE", kSecret, "us-east-1", "signer", now);
  SigV4Result ok = VerifyFresh(r, Lookup(), now + seconds(30));
  ASSERT_TRUE(ok.identity) << ok.message;
  EXPECT_EQ(ok.identity->service, "signer");

  HttpRequestView wrong_secret = r;
  wrong_secret.headers.resize(2);
  SignSigV4(wrong_secret, "AKIDEXAMPLE", SecretBytes("not the secret"), "us-east-1", "signer", now);
  EXPECT_EQ(VerifyFresh(wrong_secret, Lookup(), now).error, SigV4Error::kBadSignature);

  // The declared payload hash must be the body's.
  const std::string other = R"({"tags":{"team":"evil"}})";
  HttpRequestView swapped = r;
  swapped.body = other;
  EXPECT_EQ(VerifyFresh(swapped, Lookup(), now).error, SigV4Error::kBadSignature);
}

// The verifier caches signing keys per access key and scope, but only for the secret they came
// from: once the secret is rotated, requests signed with the old one fail and the new one works.
TEST(SigV4Test, ARotatedSecretIsHonouredDespiteTheKeyCache) {
  const Timestamp now = At("2026-11-27T10:00:00Z");
  auto signed_with = [&](const SecretBytes& secret) {
    HttpRequestView r;
    r.method = "GET";
    r.raw_path = "/signing-platforms";
    r.headers = {{"Host", "127.0.0.1:8080"}};
    SignSigV4(r, "AKIDROTATE", secret, "us-west-2", "signer", now);
    return r;
  };
  const SecretBytes old_secret("old secret"), new_secret("new secret");
  SecretBytes current = old_secret;
  const SecretLookup lookup = [&](std::string_view id) -> std::optional<SecretBytes> {
    if (id == "AKIDROTATE") return current;
    return std::nullopt;
  };
  const SigV4Verifier verifier;  // one cache across the calls
  for (int i = 0; i < 2; ++i) {  // the second time from the cache
    EXPECT_TRUE(verifier.Verify(signed_with(old_secret), lookup, now).identity) << i;
  }
  current = new_secret;
  EXPECT_EQ(verifier.Verify(signed_with(old_secret), lookup, now).error, SigV4Error::kBadSignature);
  EXPECT_TRUE(verifier.Verify(signed_with(new_secret), lookup, now).identity);
  EXPECT_EQ(verifier.Verify(signed_with(old_secret), lookup, now).error, SigV4Error::kBadSignature);
}

// A body streamed from a file is signed with its hash computed beforehand (signet sign zip).
TEST(SigV4Test, SignsWithAPrecomputedPayloadHash) {
  const std::string body = "PK\x05\x06 a package streamed from a file";
  const Timestamp now = At("2026-11-26T22:00:00Z");
  HttpRequestView r;
  r.method = "POST";
  r.raw_path = "/signing-jobs/package";
  r.raw_query = "profileName=app";
  r.headers = {{"Host", "127.0.0.1:8700"}, {"Content-Type", "application/zip"}};
  HttpRequestView streamed = r;  // its body is not in memory when it is signed
  SignSigV4(streamed, "AKIDEXAMPLE", kSecret, "us-east-1", "signer", now,
            HexEncode(crypto::Sha256(body)));
  r.body = body;
  SignSigV4(r, "AKIDEXAMPLE", kSecret, "us-east-1", "signer", now);
  EXPECT_EQ(streamed.headers, r.headers);
  streamed.body = body;
  EXPECT_TRUE(VerifyFresh(streamed, Lookup(), now).identity);
  streamed.body = "PK\x05\x06 a package changed after it was hashed";
  EXPECT_EQ(VerifyFresh(streamed, Lookup(), now).error, SigV4Error::kBadSignature);
}

// Header names match whatever their case; a repeated header's values join with ",", each
// trimmed and its inner runs of whitespace collapsed; a signed header the request lacks is empty.
TEST(SigV4Test, CanonicalHeadersIgnoreNameCaseJoinRepeatsAndTrim) {
  HttpRequestView r;
  r.method = "POST";
  r.raw_path = "/signing-jobs/with-payload";
  r.headers = {{"HOST", "h"},
               {"X-Amz-Meta", "  a   b \t "},
               {"Content-Type", "application/json"},
               {"x-AMZ-meta", "\tc"}};
  EXPECT_EQ(CanonicalRequest(r, "signer", {"content-type", "host", "x-absent", "x-amz-meta"}, "HASH"),
            "POST\n/signing-jobs/with-payload\n\n"
            "content-type:application/json\nhost:h\nx-absent:\nx-amz-meta:a b,c\n\n"
            "content-type;host;x-absent;x-amz-meta\nHASH");
}

TEST(SigV4Test, CanonicalUriIsEncodedTwiceExceptS3) {
  HttpRequestView r;
  r.method = "GET";
  r.raw_path = "/a%3Ab/./c/../d//e/";
  r.headers = {{"Host", "h"}};
  const std::string c = CanonicalRequest(r, "signer", {"host"}, "x");
  EXPECT_EQ(c.substr(0, c.find('\n', 4)), "GET\n/a%253Ab/d/e/");
  const std::string s3 = CanonicalRequest(r, "s3", {"host"}, "x");
  EXPECT_EQ(s3.substr(0, s3.find('\n', 4)), "GET\n/a%3Ab/./c/../d//e/");
  EXPECT_EQ(UriEncode("a b/~", false), "a%20b/~");
  EXPECT_EQ(UriEncode("a b/~", true), "a%20b%2F~");
}

}  // namespace
}  // namespace signet::api
