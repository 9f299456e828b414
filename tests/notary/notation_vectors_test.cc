// The JWS rows of tests/testdata/notation-vectors/README.md: §1 rows A–J (notation-go's mock
// envelopes) and §3 (jws_signature.sig). Expected outcomes and messages are notation-go's, from
// the upstream tests the README cites. The timestamp rows (§2) and the COSE vectors are covered
// by timestamp_test.cc and cose_envelope_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notary/jws_envelope.h"
#include "notary/verifier.h"
#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
namespace fs = std::filesystem;

fs::path MockEnvelope(const std::string& name) {
  return VectorsDir() / "notation-go/internal/mock/testdata" / name;
}
fs::path VectorTrustStore() { return VectorsDir() / "notation-go/verifier/testdata/truststore"; }

// mock.SampleArtifactUri and the payload of rows A–G.
constexpr const char* kSampleArtifact =
    "registry.acme-rockets.io/software/"
    "net-monitor@sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";
const Descriptor kSampleTarget{
    "application/vnd.docker.distribution.manifest.v2+json",
    "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e",
    528,
    {}};

// dummyOCIPolicyDocument() (verifier/helpers_test.go L141), with the level and stores varied.
std::string SamplePolicy(const std::string& level, const std::string& store = "valid-trust-store",
                         const std::string& identity =
                             "x509.subject:CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US") {
  return R"({"version":"1.0","trustPolicies":[{"name":"test-statement-name",
    "registryScopes":["registry.acme-rockets.io/software/net-monitor"],
    "signatureVerification":{"level":")" +
         level + R"("},"trustStores":["ca:)" + store + R"(","signingAuthority:)" + store + R"("],
    "trustedIdentities":[")" +
         identity + R"("]}]})";
}

class NotationVectorsTest : public ::testing::Test {
 protected:
  VerificationOutcome Verify(const std::string& policy, const std::string& envelope_file,
                             const std::string& artifact = kSampleArtifact,
                             const Descriptor& target = kSampleTarget,
                             const std::map<std::string, std::string>& metadata = {}) {
    const Verifier verifier(TrustPolicy::ParseOci(policy).value(), store_,
                            VerifierOptions{&clock_, {}, nullptr});
    VerificationRequest request;
    request.artifact_reference = artifact;
    request.expected_target = target;
    request.required_metadata = metadata;
    Result<VerificationOutcome> outcome =
        verifier.Verify(ReadFile(MockEnvelope(envelope_file)), kJwsMediaType, request);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return std::move(outcome).value();
  }

  static void ExpectVerified(const VerificationOutcome& outcome) {
    EXPECT_TRUE(outcome.verified()) << outcome.Summary();
    for (VerificationCheck check : {VerificationCheck::kIntegrity, VerificationCheck::kAuthenticity,
                                    VerificationCheck::kExpiry}) {
      EXPECT_EQ(outcome.check(check).status, CheckStatus::kPassed) << VerificationCheckName(check);
    }
  }

  static void ExpectFailed(const VerificationOutcome& outcome, VerificationCheck check,
                           const std::string& message) {
    EXPECT_EQ(outcome.result(), VerificationResult::kFailed) << outcome.Summary();
    EXPECT_EQ(outcome.failed_check(), check) << outcome.Summary();
    EXPECT_THAT(outcome.reason(), HasSubstr(message));
  }

  TrustStore store_ = TrustStore::FromDirectory(VectorTrustStore());
  FixedClock clock_{At(kNow)};
};

const char* const kLevels[] = {"strict", "permissive", "audit"};

// Rows A and D: valid at every level.
TEST_F(NotationVectorsTest, RowsAAndDVerifyAtEveryLevel) {
  for (const char* file : {"ca_valid_sig_env.json", "sa_valid_sig_env.json"}) {
    for (const char* level : kLevels) {
      SCOPED_TRACE(std::string(file) + " " + level);
      const VerificationOutcome outcome = Verify(SamplePolicy(level), file);
      ExpectVerified(outcome);
      EXPECT_EQ(outcome.check(VerificationCheck::kAuthenticTimestamp).status, CheckStatus::kPassed);
      EXPECT_TRUE(outcome.warnings().empty());
    }
  }
  const VerificationOutcome a = Verify(SamplePolicy("strict"), "ca_valid_sig_env.json");
  EXPECT_EQ(a.envelope()->signed_attributes.scheme, SigningScheme::kX509);
  EXPECT_EQ(a.envelope()->algorithm, crypto::SignatureAlgorithm::kPs384);
  EXPECT_EQ(a.envelope()->signed_attributes.signing_time, At("2020-11-09T07:00:00Z"));
  // The vectors spell the unprotected header "io.cncf.notary.SigningAgent"; Go reads it anyway.
  EXPECT_FALSE(a.envelope()->unsigned_attributes.signing_agent.empty());
  const VerificationOutcome d = Verify(SamplePolicy("strict"), "sa_valid_sig_env.json");
  EXPECT_EQ(d.envelope()->signed_attributes.scheme, SigningScheme::kX509SigningAuthority);
}

// Row A with stores that hold GlobalSign only (upstream's valid-trust-store-2).
TEST_F(NotationVectorsTest, RowAWithoutItsRootFailsAuthenticity) {
  const auto global_sign = crypto::Certificate::ParseBundle(
      ReadFile(VectorTrustStore() / "x509/ca/valid-trust-store/GlobalSign.der"));
  ASSERT_TRUE(global_sign.ok());
  ASSERT_TRUE(store_.Add(TrustStoreType::kCa, "valid-trust-store-2", *global_sign).ok());
  ASSERT_TRUE(
      store_.Add(TrustStoreType::kSigningAuthority, "valid-trust-store-2", *global_sign).ok());
  for (const char* file : {"ca_valid_sig_env.json", "sa_valid_sig_env.json"}) {
    ExpectFailed(Verify(SamplePolicy("strict", "valid-trust-store-2"), file),
                 VerificationCheck::kAuthenticity,
                 "the signature's certificate chain does not contain any trusted certificate");
  }
}

TEST_F(NotationVectorsTest, RowAWithAnotherTrustedIdentityFailsAuthenticity) {
  ExpectFailed(
      Verify(SamplePolicy("strict", "valid-trust-store",
                          "x509.subject:CN=Not The Root,O=Notary,L=Seattle,ST=WA,C=US"),
             "ca_valid_sig_env.json"),
      VerificationCheck::kAuthenticity,
      "signing certificate from the digital signature does not match the X.509 trusted identities");
}

// Rows B and E: a trailing "=" on the payload. Integrity is enforced at every level.
TEST_F(NotationVectorsTest, RowsBAndEFailIntegrityAtEveryLevel) {
  for (const char* file : {"ca_invalid_sig_env.json", "sa_invalid_sig_env.json"}) {
    for (const char* level : kLevels) {
      SCOPED_TRACE(std::string(file) + " " + level);
      const VerificationOutcome outcome = Verify(SamplePolicy(level), file);
      ExpectFailed(outcome, VerificationCheck::kIntegrity, "illegal base64 data at input byte 242");
      EXPECT_EQ(outcome.check(VerificationCheck::kIntegrity).action, VerificationAction::kEnforce);
    }
  }
}

// Rows C and F: expired on 2022-07-29T23:59:00Z. Fatal under strict, logged otherwise.
TEST_F(NotationVectorsTest, RowsCAndFExpiry) {
  const std::string message =
      "digital signature has expired on \"Fri, 29 Jul 2022 23:59:00 +0000\"";
  for (const char* file : {"ca_expired_sig_env.json", "sa_expired_sig_env.json"}) {
    SCOPED_TRACE(file);
    const VerificationOutcome strict = Verify(SamplePolicy("strict"), file);
    ExpectFailed(strict, VerificationCheck::kExpiry, message);
    EXPECT_EQ(strict.reason(), message);
    EXPECT_EQ(strict.check(VerificationCheck::kIntegrity).status, CheckStatus::kPassed);
    EXPECT_EQ(strict.check(VerificationCheck::kAuthenticity).status, CheckStatus::kPassed);
    for (const char* level : {"permissive", "audit"}) {
      const VerificationOutcome logged = Verify(SamplePolicy(level), file);
      EXPECT_TRUE(logged.verified()) << level << ": " << logged.Summary();
      EXPECT_EQ(logged.check(VerificationCheck::kExpiry).status, CheckStatus::kFailed);
      EXPECT_EQ(logged.check(VerificationCheck::kExpiry).action, VerificationAction::kLog);
      EXPECT_EQ(logged.warnings(), std::vector<std::string>{"expiry: " + message});
    }
  }
}

// Row G: critical "SomeKey" and io.cncf.notary.verificationPlugin "plugin-name". signet runs no
// verification plugins, so it answers as notation does when the plugin is not installed.
TEST_F(NotationVectorsTest, RowGNeedsAPluginSignetDoesNotRun) {
  for (const char* file : {"ca_plugin_sig_env.json", "sa_plugin_sig_env.json"}) {
    for (const char* level : kLevels) {
      SCOPED_TRACE(std::string(file) + " " + level);
      ExpectFailed(Verify(SamplePolicy(level), file), VerificationCheck::kIntegrity,
                   "error while locating the verification plugin \"plugin-name\", make sure the "
                   "plugin is installed "
                   "successfully before verifying the signature. error: plugin not found");
    }
  }
}

// Rows H and I (TestPluginVersionCompatibility): every envelope names the verification plugin
// io.cncf.notary.plugin.unittest.mock with a critical verificationPluginMinVersion. signet has no
// plugin support, so notation-go's version gate (H: plugin too old; I: compatible) is not
// reachable here: both rows fail at the plugin lookup, before any version comparison.
TEST_F(NotationVectorsTest, RowsHAndINeedAPluginSignetDoesNotRun) {
  const std::string policy = R"({"version":"1.0","trustPolicies":[{"name":"wabbit-networks-images",
    "registryScopes":["localhost:5000/net-monitor"],"signatureVerification":{"level":"strict"},
    "trustStores":["ca:valid-trust-store"],
    "trustedIdentities":["x509.subject: CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US"]}]})";
  const Descriptor target{"application/vnd.docker.distribution.manifest.v2+json",
                          "sha256:fe7e9333395060c2f5e63cf36a38fba10176f183b4163a5794e081a480abba5f",
                          942,
                          {}};
  const std::string artifact =
      "localhost:5000/"
      "net-monitor@sha256:fe7e9333395060c2f5e63cf36a38fba10176f183b4163a5794e081a480abba5f";
  for (const char* version : {"1.0.1", "1.0.9", "1.1.0-alpha", "1.2.3"}) {
    SCOPED_TRACE(std::string("H ") + version);
    ExpectFailed(
        Verify(policy, "ca_incompatible_pluginver_sig_env_" + std::string(version) + ".json",
               artifact, target),
        VerificationCheck::kIntegrity,
        "error while locating the verification plugin \"io.cncf.notary.plugin.unittest.mock\"");
  }
  for (const char* version : {"0.0.9", "1.0.0-alpha", "1.0.0-alpha.beta", "1.0.0"}) {
    SCOPED_TRACE(std::string("I ") + version);
    const VerificationOutcome outcome =
        Verify(policy, "ca_compatible_pluginver_sig_env_" + std::string(version) + ".json",
               artifact, target);
    ExpectFailed(outcome, VerificationCheck::kIntegrity, "plugin not found");
  }
}

// Row J (TestVerifyUserMetadata): level audit, so the untrusted and expired signer is only logged;
// the required metadata decides.
TEST_F(NotationVectorsTest, RowJUserMetadata) {
  const Descriptor target{"application/vnd.docker.distribution.manifest.v2+json",
                          "sha256:5a07385af4e6b6af81b0ebfd435aedccdfa3507f0609c658209e1aba57159b2b",
                          942,
                          {}};
  const std::string policy = SamplePolicy("audit");
  const std::map<std::string, std::string> passing[] = {
      {},
      {{"io.wabbit-networks.buildId", "123"}},
      {{"io.wabbit-networks.buildId", "123"}, {"io.wabbit-networks.buildTime", "1672944615"}}};
  for (const auto& metadata : passing) {
    const VerificationOutcome outcome =
        Verify(policy, "sig_env_with_metadata.json", kSampleArtifact, target, metadata);
    EXPECT_TRUE(outcome.verified()) << outcome.Summary();
    EXPECT_EQ(outcome.check(VerificationCheck::kAuthenticity).status, CheckStatus::kFailed);
    EXPECT_EQ(outcome.check(VerificationCheck::kAuthenticTimestamp).status, CheckStatus::kFailed);
    EXPECT_EQ(outcome.warnings().size(), 2u);
    EXPECT_EQ(outcome.target()->annotations.at("io.wabbit-networks.buildId"), "123");
  }
  const std::map<std::string, std::string> failing[] = {
      {{"io.wabbit-networks.buildId", "321"}},
      {{"io.wabbit-networks.buildId", "123"}, {"io.wabbit-networks.buildTime", "1"}}};
  for (const auto& metadata : failing) {
    const VerificationOutcome outcome =
        Verify(policy, "sig_env_with_metadata.json", kSampleArtifact, target, metadata);
    EXPECT_EQ(outcome.result(), VerificationResult::kFailed);
    EXPECT_FALSE(outcome.failed_check().has_value());
    EXPECT_THAT(outcome.reason(), HasSubstr("unable to find specified metadata in the signature"));
  }
  // Under strict the untrusted signer is decisive.
  ExpectFailed(
      Verify(SamplePolicy("strict"), "sig_env_with_metadata.json", kSampleArtifact, target),
      VerificationCheck::kAuthenticity, "does not contain any trusted certificate");
}

// Rows A–G with the wrong descriptor: the payload does not describe the artifact.
TEST_F(NotationVectorsTest, DescriptorMismatchFailsIntegrity) {
  Descriptor other = kSampleTarget;
  other.size = 529;
  ExpectFailed(Verify(SamplePolicy("audit"), "ca_valid_sig_env.json", kSampleArtifact, other),
               VerificationCheck::kIntegrity, "content descriptor mismatch");
}

// §3: jws_signature.sig is cryptographically valid; its self-signed signer is in no copied store.
class JwsSignatureSigTest : public NotationVectorsTest {
 protected:
  static constexpr const char* kArtifact =
      "local/oci-layout@sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0";
  const Descriptor target_{
      "application/vnd.oci.image.manifest.v1+json",
      "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0",
      481,
      {}};
  const std::string envelope_ =
      ReadFile(VectorsDir() / "notation-go/internal/testdata/jws_signature.sig");

  Result<VerificationOutcome> Run(const std::string& store_name) const {
    const std::string policy =
        R"({"version":"1.0","trustPolicies":[{"name":"layout",
      "registryScopes":["local/oci-layout"],"signatureVerification":{"level":"strict"},
      "trustStores":["ca:)" +
        store_name +
        R"("],"trustedIdentities":["x509.subject: C=US, ST=WA, O=Notary, CN=alpine"]}]})";
    const Verifier verifier(TrustPolicy::ParseOci(policy).value(), store_,
                            VerifierOptions{&clock_, {}, nullptr});
    VerificationRequest request;
    request.artifact_reference = kArtifact;
    request.expected_target = target_;
    return verifier.Verify(envelope_, kJwsMediaType, request);
  }
};

TEST_F(JwsSignatureSigTest, IsCryptographicallyValid) {
  Result<EnvelopeContent> content = ParseJwsEnvelope(envelope_);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->algorithm, crypto::SignatureAlgorithm::kPs256);
  EXPECT_EQ(content->signed_attributes.signing_time,
            At("2023-03-14T08:10:02Z"));  // "+08:00" in the envelope
  EXPECT_FALSE(content->signed_attributes.expiry.has_value());
  ASSERT_EQ(content->certificate_chain.size(), 1u);
  EXPECT_EQ(content->certificate_chain[0].Sha256Thumbprint(),
            "9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d");
  EXPECT_TRUE(content->certificate_chain[0]
                  .public_key()
                  ->Verify(content->signed_bytes, content->signature)
                  .ok());
}

TEST_F(JwsSignatureSigTest, UntrustedUntilItsCertificateIsInACaStore) {
  Result<VerificationOutcome> untrusted = Run("valid-trust-store");
  ASSERT_TRUE(untrusted.ok());
  ExpectFailed(*untrusted, VerificationCheck::kAuthenticity,
               "the signature's certificate chain does not contain any trusted certificate");

  const EnvelopeContent content = ParseJwsEnvelope(envelope_).value();
  ASSERT_TRUE(store_.Add(TrustStoreType::kCa, "alpine", content.certificate_chain).ok());
  Result<VerificationOutcome> trusted = Run("alpine");
  ASSERT_TRUE(trusted.ok());
  ExpectVerified(*trusted);
  EXPECT_EQ(trusted->check(VerificationCheck::kAuthenticTimestamp).status, CheckStatus::kPassed);
  EXPECT_EQ(*trusted->target(), target_);
}

}  // namespace
}  // namespace signet::notary
