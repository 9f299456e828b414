// An envelope signet produces is checked by an independent implementation, the OpenSSL CLI:
// its x5c chain with `openssl verify`, and its JWS signature with `openssl dgst -verify` over the
// signing input (the raw R‖S signature converted to DER first).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/encoding.h"
#include "crypto/ecdsa_signature.h"
#include "notary/jws_envelope.h"
#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
using Json = nlohmann::json;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

class OpensslInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JwsSignOptions options;
    options.payload = SerializePayload(ZipTarget());
    options.scheme = SigningScheme::kX509SigningAuthority;
    options.signing_time = At(kSigningTime);
    options.expiry = At("2030-01-01T00:00:00Z");
    options.extended_attributes = {
        {std::string(kSigningProfileVersionAttribute),
         "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/AbCdEfGhIj", true}};
    options.certificate_chain = pki_.Chain();
    envelope_ = ParseJson(SignJwsEnvelope(options, *pki_.leaf_key).value(), "envelope").value();

    // Everything the tools see comes out of the envelope, not from the test's own objects.
    const Json& x5c = envelope_["header"]["x5c"];
    ASSERT_EQ(x5c.size(), 3u);
    const char* names[] = {"leaf.pem", "issuing.pem", "root.pem"};
    for (size_t i = 0; i < 3; ++i) {
      const crypto::Certificate cert =
          crypto::Certificate::FromDer(Base64Decode(x5c[i].get<std::string>()).value()).value();
      WriteFile(dir_.path() / names[i], cert.ToPem());
      if (i == 0) WriteFile(dir_.path() / "leafpub.pem", cert.public_key()->ToPem());
    }
    signing_input_ =
        envelope_["protected"].get<std::string>() + "." + envelope_["payload"].get<std::string>();
    WriteFile(dir_.path() / "input", signing_input_);
    const std::string raw = Base64UrlDecode(envelope_["signature"].get<std::string>()).value();
    ASSERT_EQ(raw.size(), 96u);  // P-384 R‖S
    WriteFile(dir_.path() / "sig.der", crypto::EcdsaRawToDer(raw).value());
  }

  std::string Verify(const std::string& input_file) const {
    return "openssl dgst -sha384 -verify " + Quoted(dir_.path() / "leafpub.pem") + " -signature " +
           Quoted(dir_.path() / "sig.der") + " " + Quoted(dir_.path() / input_file);
  }

  TestPki pki_ = MakePki(KeyType::kEcP384);
  TempDir dir_;
  Json envelope_;
  std::string signing_input_;
};

TEST_F(OpensslInteropTest, ChainVerifiesWithOpensslVerify) {
  const CommandResult result =
      RunCommand("openssl verify -CAfile " + Quoted(dir_.path() / "root.pem") + " -untrusted " +
                 Quoted(dir_.path() / "issuing.pem") + " " + Quoted(dir_.path() / "leaf.pem"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("leaf.pem: OK"));
}

// OpenSSL 3.0 has no "codesign" verify purpose, so the leaf's code-signing profile is read back
// with `openssl x509` instead (DESIGN.md §4: keyUsage critical digitalSignature, EKU codeSigning).
TEST_F(OpensslInteropTest, LeafIsACodeSigningCertificateForOpenssl) {
  const CommandResult result =
      RunCommand("openssl x509 -noout -ext keyUsage,extendedKeyUsage,basicConstraints -in " +
                 Quoted(dir_.path() / "leaf.pem"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("X509v3 Key Usage: critical"));
  EXPECT_THAT(result.output, HasSubstr("Digital Signature"));
  EXPECT_THAT(result.output, HasSubstr("Code Signing"));
  EXPECT_THAT(result.output, HasSubstr("CA:FALSE"));
}

TEST_F(OpensslInteropTest, LeafWithoutItsIssuerDoesNotVerify) {
  const CommandResult result =
      RunCommand("openssl verify -CAfile " + Quoted(dir_.path() / "root.pem") + " " +
                 Quoted(dir_.path() / "leaf.pem"));
  EXPECT_NE(result.exit_code, 0) << result.output;
}

TEST_F(OpensslInteropTest, JwsSignatureVerifiesWithOpensslDgst) {
  const CommandResult result = RunCommand(Verify("input"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("Verified OK"));
}

TEST_F(OpensslInteropTest, AlteredSigningInputDoesNotVerify) {
  std::string altered = signing_input_;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  WriteFile(dir_.path() / "altered", altered);
  const CommandResult result = RunCommand(Verify("altered"));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("Verification failure"));
}

}  // namespace
}  // namespace signet::notary
