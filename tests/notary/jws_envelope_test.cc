#include "notary/jws_envelope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <functional>

#include "core/encoding.h"
#include "notary/payload.h"
#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
using Json = nlohmann::json;

Json ParseEnvelopeJson(const std::string& envelope) { return ParseJson(envelope, "test").value(); }

std::string DecodeUrl(const Json& value) {
  return Base64UrlDecode(value.get<std::string>()).value();
}

JwsSignOptions ZipOptions(const TestPki& pki,
                          SigningScheme scheme = SigningScheme::kX509SigningAuthority) {
  JwsSignOptions options;
  options.payload = SerializePayload(ZipTarget());
  options.scheme = scheme;
  options.signing_time = At(kSigningTime);
  options.expiry = At("2025-06-01T12:00:00Z");
  options.extended_attributes = {
      {std::string(kSigningProfileVersionAttribute),
       "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/AbCdEfGhIj", true},
      {std::string(kSigningJobAttribute),
       "arn:aws:signer:us-east-1:000000000000:/signing-jobs/8d5f5c5e-0c34-4c1e-9f39-1f1f1f1f1f1f",
       true}};
  options.certificate_chain = pki.Chain();
  options.signing_agent = "signet/0.1.0";
  return options;
}

// notation-core-go signature/jws/conformance_test.go TestSignedMessageConformance: the same
// request must give the same "protected" and "payload" strings and signing agent.
TEST(JwsConformanceTest, ProtectedHeaderAndPayloadAreByteExact) {
  const Json golden = ParseEnvelopeJson(
      ReadFile(VectorsDir() / "notation-core-go/signature/jws/testdata/conformance.json"));
  const TestPki pki = MakePki(KeyType::kEcP256);

  JwsSignOptions options;
  options.payload = R"({"key":"hello JWS"})";
  options.scheme = SigningScheme::kX509;
  options.signing_time = At("2022-08-29T13:50:00Z");
  options.expiry = At("2099-08-29T13:50:00Z") + std::chrono::hours(24);
  options.extended_attributes = {{"signedCritKey1", "signedCritValue1", true},
                                 {"signedKey1", "signedValue1", false},
                                 {"signedKey2", "signedValue1", false},
                                 {"signedKey3", "signedValue1", false},
                                 {"signedKey4", "signedValue1", false}};
  options.certificate_chain = {pki.leaf, pki.issuing, pki.root};
  options.signing_agent = "NotationConformanceTest/1.0.0";

  Result<std::string> envelope = SignJwsEnvelope(options, *pki.leaf_key);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  const Json ours = ParseEnvelopeJson(*envelope);
  EXPECT_EQ(ours["protected"], golden["protected"]) << DecodeUrl(ours["protected"]);
  EXPECT_EQ(ours["payload"], golden["payload"]);
  EXPECT_EQ(ours["header"]["io.cncf.notary.signingAgent"],
            golden["header"]["io.cncf.notary.signingAgent"]);
}

TEST(JwsEnvelopeTest, WritesTheDesignFormat) {
  const TestPki pki = MakePki();
  const std::string envelope = SignJwsEnvelope(ZipOptions(pki), *pki.leaf_key).value();
  const Json json = ParseEnvelopeJson(envelope);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("header", "payload", "protected", "signature"));
  EXPECT_EQ(json["header"].size(), 2u);
  EXPECT_EQ(json["header"]["io.cncf.notary.signingAgent"], "signet/0.1.0");
  ASSERT_EQ(json["header"]["x5c"].size(), 3u);
  EXPECT_EQ(Base64Decode(json["header"]["x5c"][0].get<std::string>()).value(), pki.leaf.der());
  EXPECT_EQ(Base64Decode(json["header"]["x5c"][2].get<std::string>()).value(), pki.root.der());
  EXPECT_EQ(DecodeUrl(json["payload"]), SerializePayload(ZipTarget()));
  EXPECT_EQ(DecodeUrl(json["signature"]).size(), 96u);  // raw R‖S for P-384

  const std::string header = DecodeUrl(json["protected"]);
  EXPECT_EQ(
      header,
      R"({"alg":"ES384","com.amazonaws.signer.signingJob":"arn:aws:signer:us-east-1:000000000000:/signing-jobs/)"
      R"(8d5f5c5e-0c34-4c1e-9f39-1f1f1f1f1f1f","com.amazonaws.signer.signingProfileVersion":)"
      R"("arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/AbCdEfGhIj",)"
      R"("crit":["io.cncf.notary.signingScheme","com.amazonaws.signer.signingProfileVersion",)"
      R"("com.amazonaws.signer.signingJob","io.cncf.notary.authenticSigningTime","io.cncf.notary.expiry"],)"
      R"("cty":"application/vnd.cncf.notary.payload.v1+json",)"
      R"("io.cncf.notary.authenticSigningTime":"2024-06-01T12:00:00Z",)"
      R"("io.cncf.notary.expiry":"2025-06-01T12:00:00Z",)"
      R"("io.cncf.notary.signingScheme":"notary.x509.signingAuthority"})");
}

// Signs deterministically (the digest, twice over) under a real key's public key, so two
// envelopes are equal exactly when their signing inputs are.
class DigestEchoSigner final : public crypto::Signer {
 public:
  explicit DigestEchoSigner(const crypto::Signer& key) : key_(key) {}
  const crypto::PublicKey& public_key() const override { return key_.public_key(); }
  Result<std::string> SignDigest(std::string_view digest) const override {
    return std::string(digest) + std::string(digest);
  }

 private:
  const crypto::Signer& key_;
};

// The envelope as MarshalJson writes it from its members: the form SignJwsEnvelope writes
// directly.
std::string MarshaledEnvelope(const JwsSignOptions& options, const Json& written) {
  Json x5c = Json::array();
  for (const crypto::Certificate& c : options.certificate_chain) x5c.push_back(Base64Encode(c.der()));
  Json header = {{"x5c", x5c}};
  if (!options.signing_agent.empty()) header[std::string(kHeaderSigningAgent)] = options.signing_agent;
  return MarshalJson(Json{{"header", header},
                          {"payload", written["payload"]},
                          {"protected", written["protected"]},
                          {"signature", written["signature"]}});
}

TEST(JwsCertificateChainTest, EncodesX5cAsAFreshMarshalingWould) {
  const TestPki pki = MakePki();
  const JwsCertificateChain chain(pki.Chain());
  EXPECT_EQ(chain.certificates(), pki.Chain());
  Json fresh = Json::array();
  for (const crypto::Certificate& c : pki.Chain()) fresh.push_back(Base64Encode(c.der()));
  EXPECT_EQ(chain.x5c_json(), MarshalJson(fresh));
}

// With a prepared chain or without, and whatever the signing agent needs escaped, the envelope
// is byte for byte the MarshalJson of its members.
TEST(JwsCertificateChainTest, SigningWithItGivesTheSameBytes) {
  const TestPki pki = MakePki();
  const DigestEchoSigner signer(*pki.leaf_key);
  for (const std::string agent : {"signet/0.1.0", "", "a \"quoted\" <agent> & \u2028\x01\xff"}) {
    JwsSignOptions options = ZipOptions(pki);
    options.signing_agent = agent;
    const std::string plain = SignJwsEnvelope(options, signer).value();
    const std::string prepared =
        SignJwsEnvelope(options, signer, JwsCertificateChain(options.certificate_chain)).value();
    EXPECT_EQ(prepared, plain);
    EXPECT_EQ(plain, MarshaledEnvelope(options, ParseEnvelopeJson(plain))) << agent;
    EXPECT_TRUE(ParseJwsEnvelope(plain).ok()) << agent;
  }
}

TEST(JwsCertificateChainTest, RefusesAChainThatIsNotTheOptions) {
  const TestPki pki = MakePki();
  const TestPki other = MakePki(KeyType::kEcP384, 1);
  Result<std::string> envelope =
      SignJwsEnvelope(ZipOptions(pki), *pki.leaf_key, JwsCertificateChain(other.Chain()));
  ASSERT_FALSE(envelope.ok());
  EXPECT_EQ(envelope.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(envelope.status().message(), HasSubstr("x5c"));
}

// A signing profile keeps one JwsCertificateChain for all its signatures: the checks its
// SigningChain made once must still refuse, at signing time, what the per-call path
// (ValidateSignOptions) refuses, with its message.
TEST(JwsCertificateChainTest, StillRefusesAtSigningTimeWhatTheFullCheckRefuses) {
  const TestPki pki = MakePki();
  const JwsCertificateChain chain(pki.Chain());
  const auto both = [&](const JwsSignOptions& options, const crypto::Signer& signer) {
    JwsSignOptions without_chain = options;
    without_chain.certificate_chain.clear();
    const Status prepared = SignJwsEnvelope(without_chain, signer, chain).status();
    EXPECT_EQ(prepared, SignJwsEnvelope(options, signer).status());
    return prepared;
  };

  JwsSignOptions options = ZipOptions(pki);
  EXPECT_TRUE(both(options, *pki.leaf_key).ok());

  options.signing_time = At(kNotAfter);  // the last second of validity still signs
  options.expiry = options.signing_time + std::chrono::hours(1);
  EXPECT_TRUE(both(options, *pki.leaf_key).ok());

  options.signing_time += std::chrono::seconds(1);  // expired
  Status expired = both(options, *pki.leaf_key);
  EXPECT_EQ(expired.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(expired.message(), HasSubstr("certificate chain is invalid"));
  EXPECT_THAT(expired.message(), HasSubstr("is not valid at"));

  options = ZipOptions(pki);
  options.signing_time = At(kNotBefore) - std::chrono::seconds(1);  // not yet valid
  EXPECT_THAT(both(options, *pki.leaf_key).message(), HasSubstr("is not valid at"));

  options = ZipOptions(pki);
  EXPECT_THAT(both(options, SharedKey(KeyType::kEcP384, 5)).message(),
              HasSubstr("is not for the signing key"));

  options.expiry = options.signing_time;
  EXPECT_THAT(both(options, *pki.leaf_key).message(),
              HasSubstr("expiry cannot be equal or before the signing time"));

  // A chain that breaks the rules is refused on every signature, whatever the time.
  const JwsCertificateChain disordered({pki.leaf, pki.root, pki.issuing});
  options = ZipOptions(pki);
  options.certificate_chain.clear();
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key, disordered).status().message(),
              HasSubstr("certificate chain is invalid"));
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key, JwsCertificateChain({})).status().message(),
              HasSubstr("chain is empty"));
}

// The protected header is written directly; it must stay MarshalJson of the header object that
// notation-core-go builds, for any extended attributes (keys sorting before and after the
// reserved ones, characters Go escapes).
TEST(JwsEnvelopeTest, ProtectedHeaderIsTheMarshaledHeaderObject) {
  const TestPki pki = MakePki();
  const DigestEchoSigner signer(*pki.leaf_key);
  for (const SigningScheme scheme : {SigningScheme::kX509, SigningScheme::kX509SigningAuthority}) {
    for (const bool with_expiry : {true, false}) {
      JwsSignOptions options = ZipOptions(pki, scheme);
      if (!with_expiry) options.expiry.reset();
      options.extended_attributes = {{"zeta", "last <&> \u2028 \x01\xff \"q\"", true},
                                     {"Alpha", "upper-case sorts first", false},
                                     {"io.cncf.notary.verificationPlugin", "plugin", true},
                                     {"b\xc3\xa9ta", "caf\xc3\xa9", false},
                                     {"crit2", "", true}};
      const Json written = ParseEnvelopeJson(SignJwsEnvelope(options, signer).value());

      Json header = Json::object();
      std::vector<std::string> crit = {std::string(kHeaderSigningScheme)};
      for (const ExtendedAttribute& a : options.extended_attributes) {
        header[a.key] = a.value;
        if (a.critical) crit.push_back(a.key);
      }
      header["alg"] = "ES384";
      header["cty"] = std::string(kPayloadContentType);
      header[std::string(kHeaderSigningScheme)] = std::string(SigningSchemeName(scheme));
      if (scheme == SigningScheme::kX509) {
        header[std::string(kHeaderSigningTime)] = FormatRfc3339(options.signing_time);
      } else {
        header[std::string(kHeaderAuthenticSigningTime)] = FormatRfc3339(options.signing_time);
        crit.push_back(std::string(kHeaderAuthenticSigningTime));
      }
      if (options.expiry) {
        header[std::string(kHeaderExpiry)] = FormatRfc3339(*options.expiry);
        crit.push_back(std::string(kHeaderExpiry));
      }
      header["crit"] = crit;
      EXPECT_EQ(DecodeUrl(written["protected"]), MarshalJson(header));
    }
  }
}

// ParseJson and IsJsonObject share one SAX handler (the checks, and for ParseJson the value):
// ParseJson builds exactly the value the library's own parser builds, refuses duplicate keys
// and deep nesting, and IsJsonObject answers the same, with the same message.
TEST(JsonCodecTest, ParseJsonBuildsTheLibrarysValueAndIsJsonObjectAgrees) {
  // kMaxJsonDepth levels are accepted (as arrays, or an object around arrays); one more is not.
  const std::string deepest = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  const std::string shallow = "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') +
                              std::string(kMaxJsonDepth - 1, ']') + "}";
  const std::string deep = "[" + deepest + "]";
  const std::string deep_object = "{\"a\":" + deepest + "}";
  const std::string accepted[] = {deepest,
      R"({"targetArtifact":{"digest":"sha256:ab","size":1}})", "{}", "[]", " {\"a\":[1,2,{\"b\":null}]} ",
      "[1,2]", "5", "\"text\"", "null", "true", R"({"a":{"b":1},"c":{"b":1}})",
      R"([{"a":1},{"a":1}])", R"([[],[[]],{},[{}],{"x":[]}])", shallow,
      R"({"n":-12,"u":18446744073709551615,"f":1.5e-3,"z":0,"s":"\u00e9\n\"","t":false})",
      R"({"b":{"y":[1,{"k":"v"},[true,null]],"a":"x"},"a":[]})"};
  for (const std::string& input : accepted) {
    const Result<nlohmann::json> parsed = ParseJson(input, "payload");
    ASSERT_TRUE(parsed.ok()) << input << ": " << parsed.status().message();
    const nlohmann::json library = nlohmann::json::parse(input);
    EXPECT_EQ(*parsed, library) << input;
    EXPECT_EQ(parsed->dump(), library.dump()) << input;  // number types too
    const Result<bool> checked = IsJsonObject(input, "payload");
    ASSERT_TRUE(checked.ok()) << input;
    EXPECT_EQ(*checked, library.is_object()) << input;
  }
  const std::pair<std::string, std::string> refused[] = {
      {R"({"a":1,"a":2})", "payload is not acceptable JSON: duplicate key \"a\""},
      {R"({"a":{"b":1,"b":1}})", "payload is not acceptable JSON: duplicate key \"b\""},
      {deep, "payload is not acceptable JSON: nesting is deeper than 32 levels"},
      {deep_object, "payload is not acceptable JSON: nesting is deeper than 32 levels"},
      {"{", "payload is not valid JSON"}, {"{\"a\":}", "payload is not valid JSON"},
      {"{} trailing", "payload is not valid JSON"}, {"", "payload is not valid JSON"},
      {"   ", "payload is not valid JSON"}, {"{\"a\":\"\xff\"}", "payload is not valid JSON"},
      {"{\"a\":1e400}", "payload is not valid JSON"}, {"/* c */ {}", "payload is not valid JSON"},
      {std::string(300, 'x'), "payload is not valid JSON"}};
  for (const auto& [input, message] : refused) {
    const Result<nlohmann::json> parsed = ParseJson(input, "payload");
    ASSERT_FALSE(parsed.ok()) << input;
    EXPECT_EQ(parsed.status().message().rfind(message, 0), 0u) << parsed.status().message();
    EXPECT_LE(parsed.status().message().size(), 260u);  // nlohmann's detail is cut short
    const Result<bool> checked = IsJsonObject(input, "payload");
    ASSERT_FALSE(checked.ok()) << input;
    EXPECT_EQ(checked.status(), parsed.status()) << input;
  }
}

class JwsRoundTripTest : public ::testing::TestWithParam<std::tuple<KeyType, SigningScheme>> {};

TEST_P(JwsRoundTripTest, SignThenParseGivesTheContent) {
  const auto [type, scheme] = GetParam();
  const TestPki pki = MakePki(type);
  const JwsSignOptions options = ZipOptions(pki, scheme);
  Result<std::string> envelope = SignJwsEnvelope(options, *pki.leaf_key);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();

  Result<EnvelopeContent> content = ParseJwsEnvelope(*envelope);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->media_type, kJwsMediaType);
  EXPECT_EQ(content->algorithm, crypto::AlgorithmForKey(type));
  EXPECT_EQ(content->signed_attributes.scheme, scheme);
  EXPECT_EQ(content->signed_attributes.signing_time, options.signing_time);
  EXPECT_EQ(content->signed_attributes.expiry, options.expiry);
  EXPECT_EQ(content->signed_attributes.extended_attributes.size(), 2u);
  const ExtendedAttribute* job = content->signed_attributes.Find(kSigningJobAttribute);
  ASSERT_NE(job, nullptr);
  EXPECT_TRUE(job->critical);
  EXPECT_EQ(job->value, options.extended_attributes[1].value);
  EXPECT_EQ(content->certificate_chain, pki.Chain());
  EXPECT_EQ(content->payload, options.payload);
  EXPECT_EQ(content->payload_content_type, kPayloadContentType);
  EXPECT_EQ(content->unsigned_attributes.signing_agent, "signet/0.1.0");
  EXPECT_TRUE(content->unsigned_attributes.timestamp_token.empty());
  const Json json = ParseEnvelopeJson(*envelope);
  EXPECT_EQ(content->signed_bytes,
            json["protected"].get<std::string>() + "." + json["payload"].get<std::string>());
  EXPECT_TRUE(pki.leaf.public_key()->Verify(content->signed_bytes, content->signature).ok());
}

INSTANTIATE_TEST_SUITE_P(
    AllAlgorithms, JwsRoundTripTest,
    ::testing::Combine(::testing::ValuesIn(kAllKeyTypes),
                       ::testing::Values(SigningScheme::kX509,
                                         SigningScheme::kX509SigningAuthority)),
    [](const ::testing::TestParamInfo<std::tuple<KeyType, SigningScheme>>& param_info) {
      // "EC P-384" / "notary.x509.signingAuthority" → "EC_P_384_notary_x509_signingAuthority"
      std::string name = std::string(crypto::KeyTypeName(std::get<0>(param_info.param))) + "_" +
                         std::string(SigningSchemeName(std::get<1>(param_info.param)));
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(JwsEnvelopeTest, NonStringExtendedAttributeKeepsItsJsonText) {
  const TestPki pki = MakePki();
  Json header = StandardHeader("ES384");
  header["com.example.count"] = 3;
  header["com.example.list"] = {"a", "b"};
  Result<EnvelopeContent> content = ParseJwsEnvelope(
      AssembleJws(header, SerializePayload(ZipTarget()), pki.Chain(), *pki.leaf_key));
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->signed_attributes.Find("com.example.count")->value, "3");
  EXPECT_EQ(content->signed_attributes.Find("com.example.list")->value, R"(["a","b"])");
  EXPECT_FALSE(content->signed_attributes.Find("com.example.list")->critical);
}

TEST(JwsEnvelopeTest, ReadsAnyRfc3339OffsetAndTheTimestampToken) {
  const TestPki pki = MakePki();
  Json header = StandardHeader("ES384", SigningScheme::kX509, "2024-06-01T20:00:00+08:00");
  Result<EnvelopeContent> content = ParseJwsEnvelope(
      AssembleJws(header, SerializePayload(ZipTarget()), pki.Chain(), *pki.leaf_key,
                  {{"io.cncf.notary.timestampSignature", Base64Encode("token")}}));
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->signed_attributes.signing_time, At("2024-06-01T12:00:00Z"));
  EXPECT_EQ(content->unsigned_attributes.timestamp_token, "token");
}

TEST(JwsSignTest, RefusesALeafThatIsNotForTheSigningKey) {
  const TestPki pki = MakePki();
  Result<std::string> envelope = SignJwsEnvelope(ZipOptions(pki), SharedKey(KeyType::kEcP384, 5));
  ASSERT_FALSE(envelope.ok());
  EXPECT_THAT(envelope.status().message(), HasSubstr("is not for the signing key"));
}

TEST(JwsSignTest, RefusesBadRequests) {
  const TestPki pki = MakePki();
  JwsSignOptions options = ZipOptions(pki);
  options.expiry = options.signing_time;
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(),
              HasSubstr("expiry cannot be equal or before the signing time"));

  options = ZipOptions(pki);
  options.certificate_chain.clear();
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(),
              HasSubstr("chain is empty"));

  options = ZipOptions(pki);
  options.certificate_chain = {pki.leaf, pki.root, pki.issuing};
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(),
              HasSubstr("certificate chain is invalid"));

  options = ZipOptions(pki);
  options.signing_time = At("2041-01-01T00:00:00Z");
  options.expiry.reset();
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(),
              HasSubstr("certificate chain is invalid"));

  options = ZipOptions(pki);
  options.extended_attributes.push_back({"io.cncf.notary.expiry", "x", false});
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(), HasSubstr("collides"));

  options = ZipOptions(pki);
  options.extended_attributes.push_back(options.extended_attributes[0]);
  EXPECT_THAT(SignJwsEnvelope(options, *pki.leaf_key).status().message(), HasSubstr("is repeated"));

  options = ZipOptions(pki);
  options.payload = "not json";
  EXPECT_FALSE(SignJwsEnvelope(options, *pki.leaf_key).ok());
}

// Malformed envelopes: each is refused by the parser with a message naming the problem. (The
// same inputs fail the Verifier's integrity check: verifier_test.cc.)
struct Malformed {
  std::string name;
  std::function<std::string(const TestPki&)> build;
  std::string message;
  friend void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }
};

class JwsParseRejectsTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(JwsParseRejectsTest, WithAClearMessage) {
  const TestPki pki = MakePki();
  Result<EnvelopeContent> content = ParseJwsEnvelope(GetParam().build(pki));
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(content.status().message(), HasSubstr(GetParam().message));
}

std::string Payload() { return SerializePayload(ZipTarget()); }

std::string Standard(const TestPki& pki) {
  return AssembleJws(StandardHeader("ES384"), Payload(), pki.Chain(), *pki.leaf_key);
}

std::string WithHeader(const TestPki& pki, const std::function<void(Json&)>& edit) {
  Json header = StandardHeader("ES384");
  edit(header);
  return AssembleJws(header, Payload(), pki.Chain(), *pki.leaf_key);
}

std::string EditEnvelope(const TestPki& pki, const std::function<void(Json&)>& edit) {
  Json envelope = ParseEnvelopeJson(Standard(pki));
  edit(envelope);
  return MarshalJson(envelope);
}

std::vector<Malformed> MalformedEnvelopes() {
  return {

      Malformed{"Truncated",
                [](const TestPki& p) {
                  const std::string e = Standard(p);
                  return e.substr(0, e.size() / 2);
                },
                "not valid JSON"},
      Malformed{"NotJson", [](const TestPki&) { return std::string("hello"); }, "not valid JSON"},
      Malformed{"NotAnObject", [](const TestPki&) { return std::string("[1]"); },
                "not a JSON object"},
      Malformed{"Oversized", [](const TestPki&) { return std::string(kMaxEnvelopeSize + 1, ' '); },
                "over the limit"},
      Malformed{"ExtraMember",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["signatures"] = Json::array(); });
                },
                "unknown member \"signatures\""},
      Malformed{"DuplicateMember",
                [](const TestPki& p) {
                  std::string e = Standard(p);
                  return e.insert(1, R"("payload":"e30",)");
                },
                "duplicate key \"payload\""},
      Malformed{"PayloadNotString",
                [](const TestPki& p) { return EditEnvelope(p, [](Json& e) { e["payload"] = 1; }); },
                "\"payload\" must be a string"},
      Malformed{
          "NoHeader",
          [](const TestPki& p) { return EditEnvelope(p, [](Json& e) { e.erase("header"); }); },
          "no \"header\""},
      Malformed{"PaddedPayload",
                [](const TestPki& p) {
                  return EditEnvelope(
                      p, [](Json& e) { e["payload"] = e["payload"].get<std::string>() + "="; });
                },
                "illegal base64 data at input byte"},
      Malformed{"BadProtectedBase64",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["protected"] = "e30*"; });
                },
                "illegal base64 data at input byte 3"},
      Malformed{"ProtectedNotJson",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["protected"] = Base64UrlEncode("{"); });
                },
                "JWS protected header is not valid JSON"},
      Malformed{"DuplicateProtectedKey",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) {
                    e["protected"] = Base64UrlEncode(R"({"alg":"ES384","alg":"ES256"})");
                  });
                },
                "duplicate key \"alg\""},
      Malformed{
          "EmptySignature",
          [](const TestPki& p) { return EditEnvelope(p, [](Json& e) { e["signature"] = ""; }); },
          "the signature is empty"},
      Malformed{"UnknownAlg",
                [](const TestPki& p) { return WithHeader(p, [](Json& h) { h["alg"] = "HS256"; }); },
                "signature algorithm \"HS256\" is not supported"},
      Malformed{"AlgNotTheKeys",
                [](const TestPki& p) { return WithHeader(p, [](Json& h) { h["alg"] = "PS384"; }); },
                "mismatch between signature algorithm derived from signing certificate (ES384) and "
                "signing "
                "algorithm specified (PS384)"},
      Malformed{"MissingCrit",
                [](const TestPki& p) { return WithHeader(p, [](Json& h) { h.erase("crit"); }); },
                "missing \"crit\" header"},
      Malformed{"EmptyCrit",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) { h["crit"] = Json::array(); });
                },
                "missing \"crit\" header"},
      Malformed{"CritNotArray",
                [](const TestPki& p) { return WithHeader(p, [](Json& h) { h["crit"] = "x"; }); },
                "\"crit\" is not an array"},
      Malformed{"CritNamesAbsentHeader",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) { h["crit"].push_back("com.example.absent"); });
                },
                "\"com.example.absent\" header is marked critical but not present"},
      Malformed{"CritRepeats",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["crit"].push_back("io.cncf.notary.signingScheme"); });
                },
                "more than once"},
      Malformed{"AuthenticSigningTimeNotCritical",
                [](const TestPki& p) {
                  return WithHeader(p,
                                    [](Json& h) { h["crit"] = {"io.cncf.notary.signingScheme"}; });
                },
                "these required headers are not marked as critical: "
                "[io.cncf.notary.authenticSigningTime]"},
      Malformed{"ExpiryNotCritical",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["io.cncf.notary.expiry"] = "2030-01-01T00:00:00Z"; });
                },
                "not marked as critical: [io.cncf.notary.expiry]"},
      Malformed{"ExpiryBeforeSigningTime",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) {
                    h["io.cncf.notary.expiry"] = "2024-06-01T11:00:00Z";
                    h["crit"].push_back("io.cncf.notary.expiry");
                  });
                },
                "cannot be equal or before the signing time"},
      Malformed{"TimeNotRfc3339",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["io.cncf.notary.authenticSigningTime"] = "2024-06-01"; });
                },
                "invalid RFC 3339 time"},
      Malformed{"TimeWithSpace",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) {
                    h["io.cncf.notary.authenticSigningTime"] = "2024-06-01 12:00:00Z";
                  });
                },
                "is not RFC 3339"},
      Malformed{"TimeNotString",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["io.cncf.notary.authenticSigningTime"] = 1717243200; });
                },
                "must be an RFC 3339 string"},
      Malformed{"OtherSchemesTime",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["io.cncf.notary.signingTime"] = kSigningTime; });
                },
                "\"io.cncf.notary.signingTime\" header must not be present for "
                "notary.x509.signingAuthority"},
      Malformed{"NoSigningTime",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) {
                    h.erase("io.cncf.notary.authenticSigningTime");
                    h["crit"] = {"io.cncf.notary.signingScheme"};
                  });
                },
                "\"io.cncf.notary.authenticSigningTime\" header must be present"},
      Malformed{"UnknownScheme",
                [](const TestPki& p) {
                  return WithHeader(
                      p, [](Json& h) { h["io.cncf.notary.signingScheme"] = "notary.x509.v2"; });
                },
                "unsupported signing scheme \"notary.x509.v2\""},
      Malformed{"WrongContentType",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) { h["cty"] = "application/json"; });
                },
                "payload content type \"application/json\" not supported"},
      Malformed{"EmptyX5c",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["header"]["x5c"] = Json::array(); });
                },
                "\"x5c\" is empty"},
      Malformed{"NoX5c",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["header"].erase("x5c"); });
                },
                "certificate chain is not set"},
      Malformed{"LongX5c",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) {
                    for (int i = 0; i < 9; ++i) e["header"]["x5c"].push_back(e["header"]["x5c"][2]);
                  });
                },
                "more than the limit of 10"},
      Malformed{"X5cNotBase64",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["header"]["x5c"][1] = "!!"; });
                },
                "x5c[1] is not standard base64"},
      Malformed{"X5cNotCertificate",
                [](const TestPki& p) {
                  return EditEnvelope(
                      p, [](Json& e) { e["header"]["x5c"][0] = Base64Encode("junk"); });
                },
                "x5c[0] is not a valid certificate"},
      Malformed{"UnknownUnprotectedMember",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) { e["header"]["kid"] = "x"; });
                },
                "unprotected header member \"kid\" is not allowed"},
      Malformed{"RepeatedUnprotectedMember",
                [](const TestPki& p) {
                  return EditEnvelope(p, [](Json& e) {
                    e["header"]["io.cncf.notary.signingAgent"] = "a";
                    e["header"]["io.cncf.notary.SigningAgent"] = "b";
                  });
                },
                "is repeated"},
      Malformed{"DeepNesting",
                [](const TestPki& p) {
                  return WithHeader(p, [](Json& h) {
                    Json deep = Json::array();
                    for (int i = 0; i < 40; ++i) deep = Json::array({deep});
                    h["com.example.deep"] = deep;
                  });
                },
                "nesting is deeper than"}};
}

INSTANTIATE_TEST_SUITE_P(Envelopes, JwsParseRejectsTest, ::testing::ValuesIn(MalformedEnvelopes()),
                         [](const ::testing::TestParamInfo<Malformed>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace signet::notary
