#include "notary/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <type_traits>

#include "notary/jws_envelope.h"
#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
using Json = nlohmann::json;

// Only the Verifier makes outcomes: nothing else can claim "verified".
static_assert(!std::is_default_constructible_v<VerificationOutcome>);

const std::vector<std::string> kSignerAttributes = {std::string(kSigningProfileVersionAttribute),
                                                    std::string(kSigningJobAttribute)};

std::string BlobPolicyJson(const std::string& level, const Json& override_actions = Json::object(),
                           const std::vector<std::string>& identities = {"*"}) {
  Json verification = {{"level", level}};
  if (!override_actions.empty()) verification["override"] = override_actions;
  Json statement = {
      {"name", "signet"}, {"globalPolicy", true}, {"signatureVerification", verification}};
  if (level != "skip") {
    statement["trustStores"] = {"ca:test", "signingAuthority:test"};
    statement["trustedIdentities"] = identities;
  }
  return MarshalJson(Json{{"version", "1.0"}, {"trustPolicies", {statement}}});
}

class FakeRevocationChecker final : public RevocationChecker {
 public:
  explicit FakeRevocationChecker(RevocationStatus status) : status_(std::move(status)) {}
  RevocationStatus Check(const EnvelopeContent& content) const override {
    ++calls;
    last_job = content.signed_attributes.Find(kSigningJobAttribute) != nullptr;
    return status_;
  }
  mutable int calls = 0;
  mutable bool last_job = false;

 private:
  RevocationStatus status_;
};

class VerifierTest : public ::testing::Test {
 protected:
  Verifier MakeVerifier(const std::string& level = "strict",
                        const Json& override_actions = Json::object(),
                        std::shared_ptr<const RevocationChecker> checker = nullptr,
                        const std::vector<std::string>& identities = {"*"}) {
    TrustStore store;
    EXPECT_TRUE(store.Add(TrustStoreType::kCa, "test", {pki_.root}).ok());
    EXPECT_TRUE(store.Add(TrustStoreType::kSigningAuthority, "test", {pki_.root}).ok());
    VerifierOptions options;
    options.clock = &clock_;
    options.processed_critical_attributes = kSignerAttributes;
    options.revocation_checker = std::move(checker);
    return Verifier(
        TrustPolicy::ParseBlob(BlobPolicyJson(level, override_actions, identities)).value(),
        std::move(store), options);
  }

  JwsSignOptions Options(SigningScheme scheme = SigningScheme::kX509SigningAuthority) const {
    JwsSignOptions options;
    options.payload = SerializePayload(target_);
    options.scheme = scheme;
    options.signing_time = At(kSigningTime);
    options.expiry = At("2026-01-01T00:00:00Z");
    options.extended_attributes = {
        {std::string(kSigningProfileVersionAttribute),
         "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/AbCdEfGhIj", true},
        {std::string(kSigningJobAttribute),
         "arn:aws:signer:us-east-1:000000000000:/signing-jobs/0b0e4a4b-2c1d-4c33-9d5e-6f7a8b9c0d1e",
         true}};
    options.certificate_chain = pki_.Chain();
    return options;
  }

  std::string Sign(const JwsSignOptions& options) const {
    return SignJwsEnvelope(options, *pki_.leaf_key).value();
  }
  std::string Sign() const { return Sign(Options()); }

  VerificationOutcome Verify(const Verifier& verifier, const std::string& envelope,
                             const std::map<std::string, std::string>& metadata = {}) const {
    VerificationRequest request;
    request.expected_target = target_;
    request.required_metadata = metadata;
    Result<VerificationOutcome> outcome = verifier.Verify(envelope, kJwsMediaType, request);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return std::move(outcome).value();
  }

  static void ExpectFailed(const VerificationOutcome& outcome, VerificationCheck check,
                           const std::string& message) {
    EXPECT_EQ(outcome.result(), VerificationResult::kFailed) << outcome.Summary();
    EXPECT_FALSE(outcome.verified());
    EXPECT_EQ(outcome.failed_check(), check) << outcome.Summary();
    EXPECT_THAT(outcome.reason(), HasSubstr(message));
    EXPECT_EQ(outcome.check(check).status, CheckStatus::kFailed);
  }

  TestPki pki_ = MakePki();
  Descriptor target_ = ZipTarget();
  FixedClock clock_{At(kNow)};
};

TEST_F(VerifierTest, VerifiesSignetsEnvelopeForEveryAlgorithmAndScheme) {
  for (KeyType type : kAllKeyTypes) {
    for (SigningScheme scheme : {SigningScheme::kX509, SigningScheme::kX509SigningAuthority}) {
      pki_ = MakePki(type);
      const VerificationOutcome outcome = Verify(MakeVerifier(), Sign(Options(scheme)));
      EXPECT_TRUE(outcome.verified()) << crypto::KeyTypeName(type) << " "
                                      << SigningSchemeName(scheme) << ": " << outcome.Summary();
      for (VerificationCheck check :
           {VerificationCheck::kIntegrity, VerificationCheck::kAuthenticity,
            VerificationCheck::kAuthenticTimestamp, VerificationCheck::kExpiry}) {
        EXPECT_EQ(outcome.check(check).status, CheckStatus::kPassed)
            << VerificationCheckName(check);
      }
      EXPECT_EQ(outcome.check(VerificationCheck::kRevocation).status, CheckStatus::kSkipped);
      EXPECT_EQ(outcome.check(VerificationCheck::kRevocation).message,
                "no revocation checker is configured");
      ASSERT_TRUE(outcome.target().has_value());
      EXPECT_EQ(*outcome.target(), target_);
      ASSERT_TRUE(outcome.envelope().has_value());
      EXPECT_EQ(outcome.envelope()->signed_attributes.Find(kSigningJobAttribute)->value,
                Options().extended_attributes[1].value);
      EXPECT_EQ(outcome.policy_name(), "signet");
      EXPECT_EQ(outcome.level_name(), "strict");
      EXPECT_TRUE(outcome.warnings().empty());
      EXPECT_EQ(outcome.Summary(), "verified");
    }
  }
}

TEST_F(VerifierTest, UnprocessedSignerAttributesFailIntegrity) {
  TrustStore store;
  ASSERT_TRUE(store.Add(TrustStoreType::kSigningAuthority, "test", {pki_.root}).ok());
  VerifierOptions options;
  options.clock = &clock_;  // processed_critical_attributes left empty
  const Verifier verifier(TrustPolicy::ParseBlob(BlobPolicyJson("strict")).value(),
                          std::move(store), options);
  ExpectFailed(Verify(verifier, Sign()), VerificationCheck::kIntegrity,
               "the signature has the critical attribute \"com.amazonaws.signer.signingJob\", "
               "which this verifier "
               "does not process");
}

TEST_F(VerifierTest, VerificationPluginFailsIntegrityWithNotationsMessage) {
  JwsSignOptions options = Options();
  options.extended_attributes.push_back(
      {std::string(kVerificationPluginAttribute), "com.amazonaws.signer.notation.plugin", true});
  ExpectFailed(
      Verify(MakeVerifier(), Sign(options)), VerificationCheck::kIntegrity,
      "error while locating the verification plugin \"com.amazonaws.signer.notation.plugin\", make "
      "sure the "
      "plugin is installed successfully before verifying the signature. error: plugin not found");
  options.extended_attributes.back().critical = false;
  ExpectFailed(Verify(MakeVerifier(), Sign(options)), VerificationCheck::kIntegrity,
               "io.cncf.notary.verificationPlugin is not a critical Extended attribute");
}

TEST_F(VerifierTest, TargetMismatchFailsIntegrity) {
  const Verifier verifier = MakeVerifier();
  const std::string envelope = Sign();
  target_.size += 1;
  ExpectFailed(Verify(verifier, envelope), VerificationCheck::kIntegrity,
               "content descriptor mismatch");
  target_ = ZipTarget();
  target_.digest = "sha384:" + std::string(96, 'b');
  ExpectFailed(Verify(verifier, envelope), VerificationCheck::kIntegrity,
               "content descriptor mismatch");
  target_ = ZipTarget();
  target_.media_type = "application/octet-stream";
  ExpectFailed(Verify(verifier, envelope), VerificationCheck::kIntegrity,
               "content descriptor mismatch");
}

// Every bad input of the JWS parser, and the cryptographic ones, fail the integrity check at
// every level (integrity is always enforced).
struct BadEnvelope {
  std::string name;
  std::function<std::string(const TestPki&, const std::string& good)> build;
  std::string message;
  friend void PrintTo(const BadEnvelope& b, std::ostream* os) { *os << b.name; }
};

class VerifierIntegrityTest : public VerifierTest,
                              public ::testing::WithParamInterface<BadEnvelope> {};

TEST_P(VerifierIntegrityTest, FailsIntegrityAtEveryLevel) {
  const std::string envelope = GetParam().build(pki_, Sign());
  for (const char* level : {"strict", "permissive", "audit"}) {
    const VerificationOutcome outcome = Verify(MakeVerifier(level), envelope);
    ExpectFailed(outcome, VerificationCheck::kIntegrity, GetParam().message);
    EXPECT_EQ(outcome.check(VerificationCheck::kAuthenticity).status, CheckStatus::kSkipped);
    EXPECT_FALSE(outcome.envelope().has_value());
  }
}

Json EnvelopeJson(const std::string& envelope) { return ParseJson(envelope, "test").value(); }

std::string Edited(const std::string& good, const std::function<void(Json&)>& edit) {
  Json envelope = EnvelopeJson(good);
  edit(envelope);
  return MarshalJson(envelope);
}

std::string WithChain(const std::vector<crypto::Certificate>& chain, const crypto::Signer& signer) {
  const Json header = StandardHeader(std::string(crypto::JwsAlgorithmName(signer.algorithm())));
  return AssembleJws(header, SerializePayload(ZipTarget()), chain, signer);
}

// A self-signed code-signing leaf whose signature uses SHA-1, made with the OpenSSL CLI (the
// crypto API refuses to issue one).
struct Sha1Leaf {
  std::unique_ptr<PrivateKey> key;
  std::unique_ptr<crypto::Certificate> certificate;
};
const Sha1Leaf& MakeSha1Leaf() {
  static const Sha1Leaf leaf = [] {
    TempDir dir;
    const std::string key = (dir.path() / "k.pem").string();
    const std::string cert = (dir.path() / "c.pem").string();
    const std::string command =
        "openssl req -x509 -sha1 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
        key + " -out " + cert +
        " -days 3650 -subj '/C=US/ST=WA/O=Test/CN=sha1 leaf' -addext "
        "keyUsage=critical,digitalSignature"
        " -addext extendedKeyUsage=codeSigning -addext basicConstraints=critical,CA:FALSE "
        ">/dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    Sha1Leaf out;
    out.key = std::make_unique<PrivateKey>(PrivateKey::FromPem(SecretBytes(ReadFile(key))).value());
    out.certificate =
        std::make_unique<crypto::Certificate>(crypto::Certificate::FromPem(ReadFile(cert)).value());
    return out;
  }();
  return leaf;
}

std::vector<BadEnvelope> BadEnvelopes() {
  return {
      {"Truncated", [](const TestPki&, const std::string& g) { return g.substr(0, g.size() - 10); },
       "not valid JSON"},
      {"NonJson", [](const TestPki&, const std::string&) { return std::string("\x89PNG"); },
       "not valid JSON"},
      {"Oversized",
       [](const TestPki&, const std::string&) { return std::string(kMaxEnvelopeSize + 1, '{'); },
       "over the limit of 33554432"},
      {"PayloadBase64Padded",
       [](const TestPki&, const std::string& g) {
         return Edited(g, [](Json& e) { e["payload"] = e["payload"].get<std::string>() + "="; });
       },
       "illegal base64 data at input byte"},
      {"SignatureBase64Std",
       [](const TestPki&, const std::string& g) {
         return Edited(g, [](Json& e) {
           e["signature"] = "ab+/" + e["signature"].get<std::string>().substr(4);
         });
       },
       "illegal base64 data at input byte 2"},
      {"TamperedSignature",
       [](const TestPki&, const std::string& g) {
         return Edited(g, [](Json& e) {
           std::string sig = Base64UrlDecode(e["signature"].get<std::string>()).value();
           sig[10] ^= 1;
           e["signature"] = Base64UrlEncode(sig);
         });
       },
       "signature is invalid"},
      {"TamperedPayload",
       [](const TestPki&, const std::string& g) {
         return Edited(g, [](Json& e) {
           Descriptor other = ZipTarget();
           other.size = 1;
           e["payload"] = Base64UrlEncode(SerializePayload(other));
         });
       },
       "signature is invalid"},
      {"AlgNotTheKeys",
       [](const TestPki& p, const std::string&) {
         return AssembleJws(StandardHeader("ES256"), SerializePayload(ZipTarget()), p.Chain(),
                            *p.leaf_key);
       },
       "mismatch between signature algorithm derived from signing certificate (ES384) and signing "
       "algorithm "
       "specified (ES256)"},
      {"MissingCrit",
       [](const TestPki& p, const std::string&) {
         Json h = StandardHeader("ES384");
         h.erase("crit");
         return AssembleJws(h, SerializePayload(ZipTarget()), p.Chain(), *p.leaf_key);
       },
       "missing \"crit\" header"},
      {"UnknownCritEntry",
       [](const TestPki& p, const std::string&) {
         Json h = StandardHeader("ES384");
         h["crit"].push_back("com.example.absent");
         return AssembleJws(h, SerializePayload(ZipTarget()), p.Chain(), *p.leaf_key);
       },
       "\"com.example.absent\" header is marked critical but not present"},
      {"UnknownCriticalAttribute",
       [](const TestPki& p, const std::string&) {
         Json h = StandardHeader("ES384");
         h["com.example.policy"] = "v2";
         h["crit"].push_back("com.example.policy");
         return AssembleJws(h, SerializePayload(ZipTarget()), p.Chain(), *p.leaf_key);
       },
       "the signature has the critical attribute \"com.example.policy\""},
      {"ExpiryBeforeSigningTime",
       [](const TestPki& p, const std::string&) {
         Json h = StandardHeader("ES384");
         h["io.cncf.notary.expiry"] = "2024-05-01T00:00:00Z";
         h["crit"].push_back("io.cncf.notary.expiry");
         return AssembleJws(h, SerializePayload(ZipTarget()), p.Chain(), *p.leaf_key);
       },
       "cannot be equal or before the signing time"},
      {"ChainOutOfOrder",
       [](const TestPki& p, const std::string&) {
         return WithChain({p.leaf, p.root, p.issuing}, *p.leaf_key);
       },
       "certificate-chain is invalid, certificate chain is out of order"},
      {"ChainWithoutRoot",
       [](const TestPki& p, const std::string&) {
         return WithChain({p.leaf, p.issuing}, *p.leaf_key);
       },
       "certificate-chain is invalid"},
      {"LeafWithCaBit",
       [](const TestPki& p, const std::string&) {
         // The issuing CA signs as if it were the leaf.
         return WithChain({p.issuing, p.root}, *p.issuing_key);
       },
       "certificate-chain is invalid"},
      {"Sha1InChain",
       [](const TestPki&, const std::string&) {
         const Sha1Leaf& leaf = MakeSha1Leaf();
         return WithChain({*leaf.certificate}, *leaf.key);
       },
       "certificate-chain is invalid"},
      {"NotANotaryPayload",
       [](const TestPki& p, const std::string&) {
         return AssembleJws(StandardHeader("ES384"), R"({"key":"hello JWS"})", p.Chain(),
                            *p.leaf_key);
       },
       "invalid Notary payload"},
      {"UnknownUnprotectedMember",
       [](const TestPki&, const std::string& g) {
         return Edited(g, [](Json& e) { e["header"]["x5u"] = "https://x"; });
       },
       "unprotected header member \"x5u\" is not allowed"},
  };
}

INSTANTIATE_TEST_SUITE_P(Envelopes, VerifierIntegrityTest, ::testing::ValuesIn(BadEnvelopes()),
                         [](const ::testing::TestParamInfo<BadEnvelope>& param_info) {
                           return param_info.param.name;
                         });

TEST_F(VerifierTest, UnknownMediaTypeFailsIntegrity) {
  VerificationRequest request;
  request.expected_target = target_;
  Result<VerificationOutcome> outcome =
      MakeVerifier().Verify(Sign(), "application/pkcs7-signature", request);
  ASSERT_TRUE(outcome.ok());
  ExpectFailed(
      *outcome, VerificationCheck::kIntegrity,
      "signature envelope format with media type \"application/pkcs7-signature\" is not supported");
}

TEST_F(VerifierTest, UntrustedChainFailsAuthenticityUnlessAudited) {
  pki_ = MakePki(KeyType::kEcP384, /*variant=*/1);
  const std::string envelope = Sign();
  pki_ = MakePki();  // the verifier trusts variant 0's root only
  ExpectFailed(Verify(MakeVerifier("strict"), envelope), VerificationCheck::kAuthenticity,
               "the signature's certificate chain does not contain any trusted certificate");
  ExpectFailed(Verify(MakeVerifier("permissive"), envelope), VerificationCheck::kAuthenticity,
               "does not contain any trusted certificate");
  const VerificationOutcome audit = Verify(MakeVerifier("audit"), envelope);
  EXPECT_TRUE(audit.verified()) << audit.Summary();
  EXPECT_EQ(audit.check(VerificationCheck::kAuthenticity).status, CheckStatus::kFailed);
  EXPECT_EQ(audit.check(VerificationCheck::kAuthenticity).action, VerificationAction::kLog);
  EXPECT_THAT(audit.warnings(),
              ElementsAre(HasSubstr("authenticity: the signature's certificate chain")));
}

TEST_F(VerifierTest, TrustedIdentityMismatchFailsAuthenticity) {
  const VerificationOutcome outcome =
      Verify(MakeVerifier("strict", Json::object(), nullptr,
                          {"x509.subject: C=US, ST=WA, O=Notary, CN=Someone Else"}),
             Sign());
  ExpectFailed(
      outcome, VerificationCheck::kAuthenticity,
      "signing certificate from the digital signature does not match the X.509 trusted identities");
  EXPECT_TRUE(Verify(MakeVerifier("strict", Json::object(), nullptr,
                                  {"x509.subject: C=US, ST=WA, O=Notary, CN=Test Signer 0"}),
                     Sign())
                  .verified());
}

TEST_F(VerifierTest, SchemeSelectsTheTrustStoreType) {
  TrustStore store;
  ASSERT_TRUE(store.Add(TrustStoreType::kCa, "test", {pki_.root}).ok());
  VerifierOptions options;
  options.clock = &clock_;
  options.processed_critical_attributes = kSignerAttributes;
  const std::string policy = MarshalJson(Json{{"version", "1.0"},
                                              {"trustPolicies",
                                               {{{"name", "ca-only"},
                                                 {"globalPolicy", true},
                                                 {"signatureVerification", {{"level", "strict"}}},
                                                 {"trustStores", {"ca:test"}},
                                                 {"trustedIdentities", {"*"}}}}}});
  const Verifier verifier(TrustPolicy::ParseBlob(policy).value(), std::move(store), options);
  EXPECT_TRUE(Verify(verifier, Sign(Options(SigningScheme::kX509))).verified());
  ExpectFailed(Verify(verifier, Sign(Options(SigningScheme::kX509SigningAuthority))),
               VerificationCheck::kAuthenticity,
               "no trusted certificates are found to verify authenticity");
}

TEST_F(VerifierTest, MissingTrustStoreFailsAuthenticity) {
  const Verifier verifier(TrustPolicy::ParseBlob(BlobPolicyJson("strict")).value(), TrustStore(),
                          VerifierOptions{&clock_, kSignerAttributes, nullptr});
  ExpectFailed(Verify(verifier, Sign()), VerificationCheck::kAuthenticity,
               "the trust store \"test\" of type \"signingAuthority\" does not exist");
}

TEST_F(VerifierTest, ExpiryIsEnforcedOrLoggedByLevel) {
  const std::string envelope = Sign();     // expiry 2026-01-01T00:00:00Z
  clock_.Set(At("2026-01-01T00:00:00Z"));  // now == expiry: expired (spec: "greater than or equal")
  ExpectFailed(Verify(MakeVerifier("strict"), envelope), VerificationCheck::kExpiry,
               "digital signature has expired on \"Thu, 01 Jan 2026 00:00:00 +0000\"");
  const VerificationOutcome permissive = Verify(MakeVerifier("permissive"), envelope);
  EXPECT_TRUE(permissive.verified()) << permissive.Summary();
  EXPECT_THAT(
      permissive.warnings(),
      ElementsAre("expiry: digital signature has expired on \"Thu, 01 Jan 2026 00:00:00 +0000\""));
  const VerificationOutcome overridden =
      Verify(MakeVerifier("strict", {{"expiry", "log"}}), envelope);
  EXPECT_TRUE(overridden.verified());
  EXPECT_EQ(overridden.level_name(), "custom");
  clock_.Set(At("2025-12-31T23:59:59Z"));
  EXPECT_TRUE(Verify(MakeVerifier("strict"), envelope).verified());
}

TEST_F(VerifierTest, SigningAuthorityTimeOutsideTheChainFailsAuthenticTimestamp) {
  // Signed (by a signing authority that vouches for the time) before the certificates existed.
  Json header =
      StandardHeader("ES384", SigningScheme::kX509SigningAuthority, "2019-06-01T00:00:00Z");
  header["com.amazonaws.signer.signingJob"] = "job";
  const std::string envelope =
      AssembleJws(header, SerializePayload(target_), pki_.Chain(), *pki_.leaf_key);
  ExpectFailed(Verify(MakeVerifier("strict"), envelope), VerificationCheck::kAuthenticTimestamp,
               "was not valid when the digital signature was produced at \"Sat, 01 Jun 2019 "
               "00:00:00 +0000\"");
  const VerificationOutcome permissive = Verify(MakeVerifier("permissive"), envelope);
  EXPECT_TRUE(permissive.verified());
  EXPECT_EQ(permissive.warnings().size(), 1u);
}

TEST_F(VerifierTest, X509WithoutTsaStoreNeedsAChainValidNow) {
  clock_.Set(At("2041-01-01T00:00:00Z"));  // after every certificate, no expiry problem
  JwsSignOptions no_expiry = Options(SigningScheme::kX509);
  no_expiry.expiry.reset();
  ExpectFailed(Verify(MakeVerifier("strict"), Sign(no_expiry)),
               VerificationCheck::kAuthenticTimestamp, "verification time is after certificate");
}

TEST_F(VerifierTest, MissingTsaStoreFailsAuthenticTimestampForX509) {
  TrustStore store;
  ASSERT_TRUE(store.Add(TrustStoreType::kCa, "test", {pki_.root}).ok());
  const std::string policy = MarshalJson(Json{{"version", "1.0"},
                                              {"trustPolicies",
                                               {{{"name", "tsa"},
                                                 {"globalPolicy", true},
                                                 {"signatureVerification", {{"level", "strict"}}},
                                                 {"trustStores", {"ca:test", "tsa:does-not-exist"}},
                                                 {"trustedIdentities", {"*"}}}}}});
  const Verifier verifier(TrustPolicy::ParseBlob(policy).value(), std::move(store),
                          VerifierOptions{&clock_, kSignerAttributes, nullptr});
  ExpectFailed(Verify(verifier, Sign(Options(SigningScheme::kX509))),
               VerificationCheck::kAuthenticTimestamp,
               "failed to load tsa trust store with error: the trust store \"does-not-exist\" of "
               "type \"tsa\" does not exist");
}

TEST_F(VerifierTest, RevocationCheckerDecides) {
  auto not_revoked = std::make_shared<FakeRevocationChecker>(RevocationStatus::NotRevoked());
  const VerificationOutcome ok =
      Verify(MakeVerifier("strict", Json::object(), not_revoked), Sign());
  EXPECT_TRUE(ok.verified()) << ok.Summary();
  EXPECT_EQ(ok.check(VerificationCheck::kRevocation).status, CheckStatus::kPassed);
  EXPECT_EQ(not_revoked->calls, 1);
  EXPECT_TRUE(not_revoked->last_job);

  auto revoked = std::make_shared<FakeRevocationChecker>(
      RevocationStatus::Revoked("signing job revoked at 2024-07-01"));
  ExpectFailed(Verify(MakeVerifier("strict", Json::object(), revoked), Sign()),
               VerificationCheck::kRevocation,
               "the signature is revoked: signing job revoked at 2024-07-01");
  const VerificationOutcome logged =
      Verify(MakeVerifier("permissive", Json::object(), revoked), Sign());
  EXPECT_TRUE(logged.verified());
  EXPECT_THAT(logged.warnings(), ElementsAre(HasSubstr("revocation: the signature is revoked")));

  const VerificationOutcome skipped =
      Verify(MakeVerifier("strict", {{"revocation", "skip"}}, revoked), Sign());
  EXPECT_TRUE(skipped.verified());
  EXPECT_EQ(skipped.check(VerificationCheck::kRevocation).status, CheckStatus::kSkipped);
  EXPECT_EQ(skipped.check(VerificationCheck::kRevocation).action, VerificationAction::kSkip);
}

// "Could not complete" is its own result: never verified, never "failed" in a way a caller could
// mistake for a policy decision.
TEST_F(VerifierTest, UnreachableRevocationServiceCouldNotComplete) {
  auto unknown =
      std::make_shared<FakeRevocationChecker>(RevocationStatus::Unknown("connection refused"));
  const VerificationOutcome outcome =
      Verify(MakeVerifier("strict", Json::object(), unknown), Sign());
  EXPECT_EQ(outcome.result(), VerificationResult::kCouldNotComplete);
  EXPECT_FALSE(outcome.verified());
  EXPECT_EQ(outcome.failed_check(), VerificationCheck::kRevocation);
  EXPECT_THAT(outcome.reason(),
              HasSubstr("revocation status could not be determined: connection refused"));
  EXPECT_THAT(outcome.Summary(), HasSubstr("could not complete: revocation:"));

  const VerificationOutcome logged =
      Verify(MakeVerifier("permissive", Json::object(), unknown), Sign());
  EXPECT_TRUE(logged.verified());
  EXPECT_EQ(logged.warnings().size(), 1u);
}

TEST_F(VerifierTest, SkipLevelVerifiesNothing) {
  const VerificationOutcome outcome = Verify(MakeVerifier("skip"), "not even an envelope");
  EXPECT_EQ(outcome.result(), VerificationResult::kSkipped);
  EXPECT_FALSE(outcome.verified());
  EXPECT_FALSE(outcome.envelope().has_value());
  for (const CheckResult& check : outcome.checks()) {
    EXPECT_EQ(check.status, CheckStatus::kSkipped);
    EXPECT_EQ(check.action, VerificationAction::kSkip);
  }
}

TEST_F(VerifierTest, RequiredMetadataMustBeInTheAnnotations) {
  target_.annotations = {{"buildId", "123"}, {"commit", "abc"}};
  const std::string envelope = Sign();
  const Verifier verifier = MakeVerifier();
  EXPECT_TRUE(Verify(verifier, envelope, {}).verified());
  EXPECT_TRUE(Verify(verifier, envelope, {{"buildId", "123"}}).verified());
  const VerificationOutcome wrong = Verify(verifier, envelope, {{"buildId", "321"}});
  EXPECT_EQ(wrong.result(), VerificationResult::kFailed);
  EXPECT_FALSE(wrong.failed_check().has_value());
  EXPECT_THAT(wrong.reason(), HasSubstr("unable to find specified metadata in the signature"));
  EXPECT_EQ(Verify(verifier, envelope, {{"missing", "x"}}).result(), VerificationResult::kFailed);
}

TEST_F(VerifierTest, NoApplicablePolicyIsAnErrorNotAnOutcome) {
  const Verifier verifier(TrustPolicy::ParseOci(R"({"version":"1.0","trustPolicies":[{"name":"a",
      "registryScopes":["registry.example.com/app"],"signatureVerification":{"level":"strict"},
      "trustStores":["ca:test"],"trustedIdentities":["*"]}]})")
                              .value(),
                          TrustStore(), VerifierOptions{&clock_, {}, nullptr});
  VerificationRequest request;
  request.artifact_reference = "registry.example.com/other@sha256:00";
  request.expected_target = target_;
  EXPECT_EQ(verifier.Verify(Sign(), kJwsMediaType, request).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace signet::notary
