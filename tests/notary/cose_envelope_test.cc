#include "notary/cose_envelope.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "core/encoding.h"
#include "crypto/certificate_builder.h"
#include "crypto/chain_verifier.h"
#include "crypto/private_key.h"
#include "notary/cbor.h"

namespace signet::notary {
namespace {

using crypto::Certificate;
using crypto::KeyType;
using crypto::PrivateKey;
using std::chrono::seconds;

std::string VectorsDir() { return std::string(SIGNET_TESTDATA_DIR) + "/notation-vectors/"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Keys are generated once per binary: RSA 4096 takes a while, more so under ASan.
const PrivateKey& Key(KeyType type) {
  static std::mutex mu;
  static std::map<KeyType, std::unique_ptr<PrivateKey>> keys;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = keys[type];
  if (!slot) slot = std::make_unique<PrivateKey>(PrivateKey::Generate(type).value());
  return *slot;
}

Timestamp At(int64_t epoch) { return Timestamp(seconds(epoch)); }

// leaf (for `leaf_key`) ← root (P-384), both valid over [not_before, not_after].
std::vector<Certificate> MakeChain(const PrivateKey& leaf_key, Timestamp not_before,
                                   Timestamp not_after) {
  const PrivateKey& root_key = Key(KeyType::kEcP384);
  crypto::CertificateTemplate root_template;
  root_template.role = crypto::CertificateRole::kRootCa;
  root_template.subject.common_name = "COSE Test Root";
  root_template.not_before = not_before;
  root_template.not_after = not_after;
  Certificate root = crypto::IssueRootCertificate(root_template, root_key).value();
  crypto::CertificateTemplate leaf_template;
  leaf_template.role = crypto::CertificateRole::kCodeSigning;
  leaf_template.subject.common_name = "COSE Test Signer";
  leaf_template.not_before = not_before;
  leaf_template.not_after = not_after;
  Certificate leaf =
      crypto::IssueCertificate(leaf_template, leaf_key.public_key(), root, root_key).value();
  return {leaf, root};
}

void ExpectSignatureVerifies(const EnvelopeContent& content) {
  ASSERT_FALSE(content.certificate_chain.empty());
  auto key = content.certificate_chain.front().public_key();
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->algorithm(), content.algorithm);
  EXPECT_TRUE(key->Verify(content.signed_bytes, content.signature).ok());
}

TEST(CoseEnvelopeTest, ParsesNotationCoseSignature) {
  const std::string bytes =
      ReadFile(VectorsDir() + "notation-go/internal/testdata/cose_signature.sig");
  ASSERT_EQ(bytes.size(), 1481u);
  auto content = ParseCoseEnvelope(bytes);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->media_type, kCoseMediaType);
  EXPECT_EQ(content->algorithm, crypto::SignatureAlgorithm::kPs256);
  EXPECT_EQ(content->signed_attributes.scheme, SigningScheme::kX509);
  EXPECT_EQ(content->signed_attributes.signing_time, At(1678769122));  // 2023-03-14T04:45:22Z
  EXPECT_FALSE(content->signed_attributes.expiry.has_value());
  EXPECT_TRUE(content->signed_attributes.extended_attributes.empty());
  EXPECT_EQ(content->payload_content_type, kPayloadContentType);
  EXPECT_TRUE(content->unsigned_attributes.timestamp_token.empty());
  EXPECT_EQ(content->unsigned_attributes.signing_agent, "Notation/1.0.0");
  ASSERT_EQ(content->certificate_chain.size(), 1u);
  EXPECT_EQ(content->certificate_chain[0].Subject(), "CN=alpine,O=Notary,L=Seattle,ST=WA,C=US");
  EXPECT_EQ(content->certificate_chain[0].Sha256Thumbprint(),
            "9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d");
  const auto payload = nlohmann::json::parse(content->payload);
  EXPECT_EQ(payload["targetArtifact"]["digest"],
            "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0");
  EXPECT_EQ(payload["targetArtifact"]["size"], 481);

  ExpectSignatureVerifies(*content);
  EXPECT_TRUE(crypto::VerifyCertificateChain(content->certificate_chain,
                                             content->signed_attributes.signing_time,
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());
}

TEST(CoseEnvelopeTest, ParsesTimestampVectors) {
  for (const char* name :
       {"coseWithTimestamp.sig", "coseExpiredWithTimestamp.sig", "timestampAfterNotAfter.sig"}) {
    SCOPED_TRACE(name);
    auto content = ParseCoseEnvelope(
        ReadFile(VectorsDir() + "notation-go/verifier/testdata/timestamp/sigEnv/" + name));
    ASSERT_TRUE(content.ok()) << content.status().ToString();
    EXPECT_EQ(content->algorithm, crypto::SignatureAlgorithm::kPs256);
    EXPECT_EQ(content->signed_attributes.scheme, SigningScheme::kX509);
    EXPECT_FALSE(content->unsigned_attributes.timestamp_token.empty());
    EXPECT_EQ(content->unsigned_attributes.timestamp_token[0], '\x30');  // DER SEQUENCE
    ExpectSignatureVerifies(*content);
  }
}

// notation-core-go signature/cose/testdata/conformance.json: our encoder, with the unprotected
// header reduced to the signing agent and the signature replaced by the fixed value, must give
// expectedOutput byte for byte (README §4).
TEST(CoseEnvelopeTest, ConformanceGoldenIsByteExact) {
  const auto golden = nlohmann::json::parse(
      ReadFile(VectorsDir() + "notation-core-go/signature/cose/testdata/conformance.json"));
  const std::string expected =
      HexDecode(golden["expectedOutput"]["cborHex"].get<std::string>()).value();
  ASSERT_EQ(expected.size(), 743u);

  const PrivateKey& key = Key(KeyType::kRsa3072);  // PS384, alg −38
  CoseSignOptions options;
  options.payload = HexDecode(golden["payload"].get<std::string>()).value();  // "hello COSE"
  options.scheme = SigningScheme::kX509;
  options.signing_time = At(golden["signingTime"].get<int64_t>());
  options.expiry = At(golden["expiry"].get<int64_t>());
  options.extended_attributes = {{"signedCritKey1", "signedCritValue1", true},
                                 {"signedKey1", "signedValue1", false}};
  options.signing_agent = "NotationConformanceTest/1.0.0";
  options.certificate_chain = MakeChain(key, At(1640995200), At(1704067200));  // 2022 .. 2024
  auto signed_envelope = SignCoseEnvelope(options, key);
  ASSERT_TRUE(signed_envelope.ok()) << signed_envelope.status().ToString();

  auto decoded = DecodeCbor(*signed_envelope);
  ASSERT_TRUE(decoded.ok());
  const auto& items = decoded->tag_content().items();
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(HexEncode(items[0].string()),
            HexEncode(HexDecode(golden["protectedHeaders"]["cborHex"].get<std::string>()).value()));
  EXPECT_EQ(items[2].string(), "hello COSE");

  std::vector<CborValue::MapEntry> unprotected;
  unprotected.emplace_back(CborValue::Text("io.cncf.notary.signingAgent"),
                           *items[1].Find("io.cncf.notary.signingAgent"));
  EXPECT_EQ(
      HexEncode(EncodeCbor(CborValue::Map(unprotected))),
      HexEncode(HexDecode(golden["unprotectedHeaders"]["cborHex"].get<std::string>()).value()));
  const std::string fixed_signature = expected.substr(expected.size() - 384);
  const std::string rebuilt = EncodeCbor(
      CborValue::Tag(18, CborValue::Array({items[0], CborValue::Map(std::move(unprotected)),
                                           items[2], CborValue::Bytes(fixed_signature)})));
  EXPECT_EQ(HexEncode(rebuilt), HexEncode(expected));

  // The real envelope verifies and reads back what was signed.
  auto content = ParseCoseEnvelope(*signed_envelope);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  ExpectSignatureVerifies(*content);
  EXPECT_EQ(content->algorithm, crypto::SignatureAlgorithm::kPs384);
  EXPECT_EQ(content->signed_attributes.expiry, options.expiry);
  EXPECT_EQ(content->unsigned_attributes.signing_agent, "NotationConformanceTest/1.0.0");

  // The golden carries no certificate chain, so on its own it is refused.
  auto golden_content = ParseCoseEnvelope(expected);
  ASSERT_FALSE(golden_content.ok());
  EXPECT_NE(golden_content.status().message().find("certificate chain is not present"),
            std::string::npos);
}

class CoseSignRoundTripTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(CoseSignRoundTripTest, SignParseVerify) {
  const PrivateKey& key = Key(GetParam());
  const Timestamp signing_time = At(1718692000);  // 2024-06-18
  for (SigningScheme scheme : {SigningScheme::kX509, SigningScheme::kX509SigningAuthority}) {
    SCOPED_TRACE(SigningSchemeName(scheme));
    CoseSignOptions options;
    options.payload = R"({"targetArtifact":{"digest":"sha256:00","size":1}})";
    options.scheme = scheme;
    options.signing_time = signing_time;
    options.expiry = signing_time + std::chrono::hours(24 * 365);
    options.extended_attributes = {
        {std::string(kSigningProfileVersionAttribute), "arn:aws:signer:x", true},
        {std::string(kSigningJobAttribute), "arn:aws:signer:job", true},
        {"note", "not critical", false}};
    options.signing_agent = "signet/0.1.0";
    options.certificate_chain = MakeChain(key, At(1704067200), At(1767225600));  // 2024 .. 2026
    auto bytes = SignCoseEnvelope(options, key);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();

    auto content = ParseCoseEnvelope(*bytes);
    ASSERT_TRUE(content.ok()) << content.status().ToString();
    EXPECT_EQ(content->algorithm, key.algorithm());
    EXPECT_EQ(content->signed_attributes.scheme, scheme);
    EXPECT_EQ(content->signed_attributes.signing_time, signing_time);
    EXPECT_EQ(content->signed_attributes.expiry, options.expiry);
    EXPECT_EQ(content->payload, options.payload);
    EXPECT_EQ(content->unsigned_attributes.signing_agent, "signet/0.1.0");
    EXPECT_EQ(content->certificate_chain, options.certificate_chain);
    ASSERT_EQ(content->signed_attributes.extended_attributes.size(), 3u);
    for (const ExtendedAttribute& want : options.extended_attributes) {
      const ExtendedAttribute* got = content->signed_attributes.Find(want.key);
      ASSERT_NE(got, nullptr) << want.key;
      EXPECT_EQ(*got, want);
    }
    ExpectSignatureVerifies(*content);
  }
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, CoseSignRoundTripTest,
                         ::testing::Values(KeyType::kEcP256, KeyType::kEcP384, KeyType::kEcP521,
                                           KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096),
                         [](const auto& param_info) {
                           std::string name(crypto::KeyTypeName(param_info.param));
                           std::erase_if(name, [](char c) { return !std::isalnum(c); });
                           return name;
                         });

// Any changed byte in the signed parts (protected header, payload, signature) makes the envelope
// either unparseable or its signature invalid.
TEST(CoseEnvelopeTest, FlippedSignedBytesFail) {
  const std::string bytes =
      ReadFile(VectorsDir() + "notation-go/internal/testdata/cose_signature.sig");
  auto decoded = DecodeCbor(bytes);
  ASSERT_TRUE(decoded.ok());
  const auto& items = decoded->tag_content().items();
  std::vector<std::pair<size_t, size_t>> signed_regions;
  for (size_t i : {0, 2, 3}) {
    signed_regions.emplace_back(items[i].encoded_offset(),
                                items[i].encoded_offset() + items[i].encoded_size());
  }
  size_t tried = 0;
  for (const auto& [begin, end] : signed_regions) {
    for (size_t pos = begin; pos < end; ++pos) {
      std::string tampered = bytes;
      tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
      auto content = ParseCoseEnvelope(tampered);
      ++tried;
      if (!content.ok()) continue;
      auto key = content->certificate_chain.front().public_key();
      ASSERT_TRUE(key.ok());
      EXPECT_FALSE(key->Verify(content->signed_bytes, content->signature).ok())
          << "byte " << pos << " flipped and the signature still verifies";
    }
  }
  EXPECT_GT(tried, 500u);
  // Flipping any byte at all never crashes the parser.
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    std::string tampered = bytes;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x80);
    (void)ParseCoseEnvelope(tampered).ok();
    (void)ParseCoseEnvelope(bytes.substr(0, pos)).ok();
  }
}

// Builds a COSE_Sign1 around `protected_header` for the negative parser cases.
std::string Envelope(std::vector<CborValue::MapEntry> protected_header,
                     std::vector<CborValue::MapEntry> unprotected = {}, bool with_chain = true) {
  static const std::string leaf =
      ReadFile(VectorsDir() +
               "notation-go/verifier/testdata/truststore/x509/ca/valid-trust-store/"
               "TestTimestamp.crt");
  if (with_chain) {
    auto cert = Certificate::ParseBundle(leaf).value();
    unprotected.emplace_back(CborValue::Int(33),
                             CborValue::Array({CborValue::Bytes(cert[0].der())}));
  }
  return EncodeCbor(CborValue::Tag(
      18,
      CborValue::Array({CborValue::Bytes(EncodeCbor(CborValue::Map(std::move(protected_header)))),
                        CborValue::Map(std::move(unprotected)), CborValue::Bytes("{}"),
                        CborValue::Bytes(std::string(256, 's'))})));
}

std::vector<CborValue::MapEntry> ValidHeader() {
  std::vector<CborValue::MapEntry> h;
  h.emplace_back(CborValue::Int(1), CborValue::Int(-37));
  h.emplace_back(CborValue::Int(2),
                 CborValue::Array({CborValue::Text("io.cncf.notary.signingScheme")}));
  h.emplace_back(CborValue::Int(3), CborValue::Text(std::string(kPayloadContentType)));
  h.emplace_back(CborValue::Text("io.cncf.notary.signingScheme"), CborValue::Text("notary.x509"));
  h.emplace_back(CborValue::Text("io.cncf.notary.signingTime"),
                 CborValue::Tag(1, CborValue::Int(1718692000)));
  return h;
}

std::vector<CborValue::MapEntry> Without(std::vector<CborValue::MapEntry> h, const CborValue& key) {
  std::erase_if(h, [&](const auto& e) { return e.first == key; });
  return h;
}

std::vector<CborValue::MapEntry> With(std::vector<CborValue::MapEntry> h, CborValue key,
                                      CborValue value) {
  h = Without(std::move(h), key);
  h.emplace_back(std::move(key), std::move(value));
  return h;
}

void ExpectRefused(const std::string& bytes, const std::string& message) {
  auto content = ParseCoseEnvelope(bytes);
  ASSERT_FALSE(content.ok()) << "expected: " << message;
  EXPECT_EQ(content.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(content.status().message().find(message), std::string::npos)
      << content.status().message();
}

TEST(CoseEnvelopeTest, MinimalEnvelopeParses) {
  auto content = ParseCoseEnvelope(Envelope(ValidHeader()));
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->payload, "{}");
}

TEST(CoseEnvelopeTest, ExtendedAttributesKeepCriticalityAndJsonValues) {
  auto h = ValidHeader();
  h = With(h, CborValue::Int(2),
           CborValue::Array({CborValue::Text("io.cncf.notary.signingScheme"),
                             CborValue::Text("com.example.unknown"), CborValue::Int(-70000)}));
  h.emplace_back(CborValue::Text("com.example.unknown"), CborValue::Text("v"));
  h.emplace_back(CborValue::Int(-70000),
                 CborValue::Array({CborValue::Int(1), CborValue::Bool(true)}));
  h.emplace_back(CborValue::Text("bytes"), CborValue::Bytes("\x01\x02"));
  h.emplace_back(CborValue::Text("time"), CborValue::Tag(1, CborValue::Int(0)));
  auto content = ParseCoseEnvelope(Envelope(h));
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  const auto& attributes = content->signed_attributes;
  ASSERT_EQ(attributes.extended_attributes.size(), 4u);
  EXPECT_EQ(*attributes.Find("com.example.unknown"),
            (ExtendedAttribute{"com.example.unknown", "v", true}));
  EXPECT_EQ(*attributes.Find("-70000"), (ExtendedAttribute{"-70000", "[1,true]", true}));
  EXPECT_EQ(*attributes.Find("bytes"), (ExtendedAttribute{"bytes", "\"AQI=\"", false}));
  EXPECT_EQ(*attributes.Find("time"),
            (ExtendedAttribute{"time", "\"1970-01-01T00:00:00Z\"", false}));
}

TEST(CoseEnvelopeTest, RefusesMalformedEnvelopes) {
  const auto scheme = CborValue::Text("io.cncf.notary.signingScheme");
  const auto signing_time = CborValue::Text("io.cncf.notary.signingTime");
  const auto expiry = CborValue::Text("io.cncf.notary.expiry");

  ExpectRefused(std::string(kMaxEnvelopeSize + 1, '\0'), "larger than");
  ExpectRefused("", "truncated");
  ExpectRefused(HexDecode("8440a04040").value(), "tag 18");
  ExpectRefused(HexDecode("d18440a04040").value(), "tag 18");
  ExpectRefused(HexDecode("d283404040").value(), "array of 4");
  ExpectRefused(HexDecode("d2845f40ffa04040").value(), "indefinite");
  ExpectRefused(Envelope({}), "missing the algorithm");
  ExpectRefused(HexDecode("d28440a0404101").value(), "protected header is empty");
  ExpectRefused(Envelope(Without(ValidHeader(), CborValue::Int(1))), "missing the algorithm");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(1), CborValue::Int(-8))),
                "signature algorithm not supported: -8");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(1), CborValue::Text("PS256"))),
                "signature algorithm not supported");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(1), CborValue::Int(-7))),
                "mismatch between signature algorithm derived from signing certificate (PS256) "
                "and signing algorithm specified (ES256)");
  ExpectRefused(Envelope(Without(ValidHeader(), CborValue::Int(3))), "missing the content type");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(3), CborValue::Int(50))),
                "content type (3) must be a text string");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(3), CborValue::Text("text/plain"))),
                "payload content type \"text/plain\" not supported");
  ExpectRefused(Envelope(Without(ValidHeader(), scheme)),
                "missing \"io.cncf.notary.signingScheme\"");
  ExpectRefused(Envelope(With(ValidHeader(), scheme, CborValue::Text("notary.x509.other"))),
                "unsupported signing scheme \"notary.x509.other\"");
  ExpectRefused(Envelope(Without(ValidHeader(), signing_time)),
                "missing \"io.cncf.notary.signingTime\"");
  ExpectRefused(Envelope(With(ValidHeader(), signing_time, CborValue::Int(1718692000))),
                "must be a tag-1 epoch time");
  ExpectRefused(Envelope(With(ValidHeader(), signing_time,
                              CborValue::Tag(0, CborValue::Text("2024-06-18T00:00:00Z")))),
                "must be a tag-1 epoch time");
  ExpectRefused(Envelope(With(ValidHeader(), signing_time,
                              CborValue::Tag(1, CborValue::Float(0x41d99c4fa8000000, 8)))),
                "whole seconds");
  ExpectRefused(Envelope(With(ValidHeader(), signing_time,
                              CborValue::Tag(1, CborValue::Unsigned(1ull << 62)))),
                "between years 1 and 9999");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Text("io.cncf.notary.authenticSigningTime"),
                              CborValue::Tag(1, CborValue::Int(1718692000)))),
                "\"io.cncf.notary.authenticSigningTime\" is not allowed with signing scheme "
                "notary.x509");
  ExpectRefused(
      Envelope(With(ValidHeader(), scheme, CborValue::Text("notary.x509.signingAuthority"))),
      "missing \"io.cncf.notary.authenticSigningTime\"");
  ExpectRefused(Envelope(Without(ValidHeader(), CborValue::Int(2))), "missing crit (2)");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(2), CborValue::Array({}))),
                "non-empty array");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(2), CborValue::Text("x"))),
                "non-empty array");
  ExpectRefused(Envelope(With(ValidHeader(), CborValue::Int(2),
                              CborValue::Array({scheme, CborValue::Text("absent")}))),
                "crit (2) names label \"absent\" that is not in the protected header");
  ExpectRefused(
      Envelope(With(ValidHeader(), CborValue::Int(2), CborValue::Array({CborValue::Int(3)}))),
      "these required headers are not marked as critical: [io.cncf.notary.signingScheme]");
  ExpectRefused(
      Envelope(With(ValidHeader(), expiry, CborValue::Tag(1, CborValue::Int(1718692001)))),
      "these required headers are not marked as critical: [io.cncf.notary.expiry]");
  {
    auto h = With(ValidHeader(), expiry, CborValue::Tag(1, CborValue::Int(1718692000)));
    h = With(h, CborValue::Int(2), CborValue::Array({scheme, expiry}));
    ExpectRefused(Envelope(h), "is not after the signing time");
  }
  {
    auto h = ValidHeader();
    h.emplace_back(CborValue::Int(4), CborValue::Text("a"));
    h.emplace_back(CborValue::Text("4"), CborValue::Text("b"));
    ExpectRefused(Envelope(h), "collide as extended attribute \"4\"");
  }
  {
    auto h = ValidHeader();
    h.emplace_back(CborValue::Bytes("k"), CborValue::Text("b"));
    ExpectRefused(Envelope(h), "labels must be integers or text strings");
  }
  {
    auto h = ValidHeader();
    h.emplace_back(CborValue::Text("nan"), CborValue::Float(0x7e00, 2));
    ExpectRefused(Envelope(h), "non-finite");
  }
  ExpectRefused(Envelope(ValidHeader(), {}, false), "certificate chain is not present");
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Int(33), CborValue::Array({}));
    ExpectRefused(Envelope(ValidHeader(), u, false), "certificate chain is not present");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Int(33), CborValue::Bytes("x"));
    ExpectRefused(Envelope(ValidHeader(), u, false), "certificate chain is not present");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Int(33), CborValue::Array({CborValue::Bytes("not DER")}));
    ExpectRefused(Envelope(ValidHeader(), u, false), "x5chain[0] is not a certificate");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Int(33),
                   CborValue::Array(std::vector<CborValue>(11, CborValue::Bytes("x"))));
    ExpectRefused(Envelope(ValidHeader(), u, false), "more than 10");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Text("io.cncf.notary.signingAgent"), CborValue::Int(1));
    ExpectRefused(Envelope(ValidHeader(), u), "signingAgent\" must be a text string");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Text("io.cncf.notary.timestampSignature"), CborValue::Text("MII"));
    ExpectRefused(Envelope(ValidHeader(), u), "must be a non-empty byte string");
  }
  {
    std::vector<CborValue::MapEntry> u;
    u.emplace_back(CborValue::Int(1), CborValue::Int(-37));
    ExpectRefused(Envelope(ValidHeader(), u), "label \"1\" appears in both header buckets");
  }
  // Payload and signature shapes.
  const auto protected_bytes = CborValue::Bytes(EncodeCbor(CborValue::Map(ValidHeader())));
  ExpectRefused(
      EncodeCbor(CborValue::Tag(18, CborValue::Array({protected_bytes, CborValue::Map({}),
                                                      CborValue::Null(), CborValue::Bytes("s")}))),
      "detached payloads are not supported");
  ExpectRefused(EncodeCbor(CborValue::Tag(
                    18, CborValue::Array({protected_bytes, CborValue::Map({}),
                                          CborValue::Bytes("{}"), CborValue::Bytes("")}))),
                "signature missing");
  ExpectRefused(EncodeCbor(CborValue::Tag(
                    18, CborValue::Array({CborValue::Bytes("\x01"), CborValue::Map({}),
                                          CborValue::Bytes("{}"), CborValue::Bytes("s")}))),
                "protected header must encode a map");
}

TEST(CoseEnvelopeTest, SignRefusesBadRequests) {
  const PrivateKey& key = Key(KeyType::kEcP256);
  CoseSignOptions options;
  options.payload = "{}";
  options.scheme = SigningScheme::kX509;
  options.signing_time = At(1718692000);
  options.certificate_chain = MakeChain(key, At(1704067200), At(1767225600));
  ASSERT_TRUE(SignCoseEnvelope(options, key).ok());

  auto refused = [&](const CoseSignOptions& o, const PrivateKey& k, const std::string& message) {
    auto result = SignCoseEnvelope(o, k);
    ASSERT_FALSE(result.ok()) << message;
    EXPECT_NE(result.status().message().find(message), std::string::npos)
        << result.status().message();
  };
  refused(options, Key(KeyType::kEcP384), "is not for the signing key");
  {
    auto o = options;
    o.certificate_chain.clear();
    refused(o, key, "certificate chain is empty");
  }
  {
    auto o = options;
    o.signing_time = At(1800000000);  // after the chain expired
    refused(o, key, "certificate chain is invalid");
  }
  {
    auto o = options;
    o.expiry = o.signing_time;
    refused(o, key, "expiry cannot be equal or before the signing time");
  }
  {
    auto o = options;
    o.extended_attributes = {{"io.cncf.notary.expiry", "x", false}};
    refused(o, key, "already exists in the protected header");
  }
  {
    auto o = options;
    o.extended_attributes = {{"k", "1", false}, {"k", "2", true}};
    refused(o, key, "already exists in the protected header");
  }
  {
    auto o = options;
    o.extended_attributes = {{"", "1", false}};
    refused(o, key, "empty key");
  }
}

}  // namespace
}  // namespace signet::notary
