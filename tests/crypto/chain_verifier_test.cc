#include "crypto/chain_verifier.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "core/encoding.h"
#include "test_certificates.h"

namespace signet::crypto {
namespace {

using testing::At;
using testing::CaExtensions;
using testing::LeafExtensions;
using testing::MakePki;
using testing::MakeRawCertificate;
using testing::NotationTrustStoreDir;
using testing::RawCertificateSpec;
using testing::ReadTestFile;
using testing::SharedKey;
using testing::TestPki;

constexpr auto kCodeSigning = CertificatePurpose::kCodeSigning;
constexpr auto kTimestamping = CertificatePurpose::kTimestamping;

void ExpectRejected(const std::vector<Certificate>& chain, std::optional<Timestamp> at,
                    CertificatePurpose purpose, std::string_view needle1,
                    std::string_view needle2 = "") {
  const Status s = VerifyCertificateChain(chain, at, purpose);
  ASSERT_FALSE(s.ok()) << "expected a rejection mentioning " << needle1;
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find(needle1), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(needle2), std::string::npos) << s.message();
}

class ChainVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(MakePki()); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  // A leaf under the issuing CA with the given extensions, made with the OpenSSL API.
  static Certificate RawLeaf(std::vector<std::pair<int, std::string>> extensions,
                             const EVP_MD* md = nullptr, EVP_PKEY* key = nullptr) {
    RawCertificateSpec spec;
    spec.common_name = "Raw Leaf";
    spec.subject_key = key != nullptr ? key : SharedKey(KeyType::kEcP256).raw();
    spec.signing_key = pki_->issuing_key->raw();
    spec.issuer = &pki_->issuing;
    spec.md = md;
    spec.extensions = std::move(extensions);
    return MakeRawCertificate(spec);
  }

  static TestPki* pki_;
};
TestPki* ChainVerifierTest::pki_ = nullptr;

TEST_F(ChainVerifierTest, ValidChain) {
  EXPECT_TRUE(VerifyCertificateChain(pki_->Chain(), std::nullopt, kCodeSigning).ok());
  const Status s = VerifyCertificateChain(pki_->Chain(), At("2025-06-01T00:00:00Z"), kCodeSigning);
  EXPECT_TRUE(s.ok()) << s.ToString();
  // Validity bounds are inclusive.
  EXPECT_TRUE(VerifyCertificateChain(pki_->Chain(), At("2022-01-01T00:00:00Z"), kCodeSigning).ok());
  EXPECT_TRUE(VerifyCertificateChain(pki_->Chain(), At("2030-01-01T00:00:00Z"), kCodeSigning).ok());
}

TEST_F(ChainVerifierTest, EmptyChain) { ExpectRejected({}, std::nullopt, kCodeSigning, "empty"); }

TEST_F(ChainVerifierTest, ReversedOrderFails) {
  ExpectRejected({pki_->root, pki_->issuing, pki_->leaf}, std::nullopt, kCodeSigning, "x5c[");
  ExpectRejected({pki_->leaf, pki_->root, pki_->issuing}, std::nullopt, kCodeSigning,
                 "certificate chain is out of order: x5c[1] \"CN=Test Root,O=signet tests,C=US\" "
                 "did not issue x5c[0] \"CN=Test Signer,O=signet tests,C=US\"");
}

TEST_F(ChainVerifierTest, MissingOrExtraCertificatesFail) {
  // No root at the end.
  ExpectRejected({pki_->leaf, pki_->issuing}, std::nullopt, kCodeSigning, "x5c[1]",
                 "self-signed root");
  // A lone leaf issued by someone else.
  ExpectRejected({pki_->leaf}, std::nullopt, kCodeSigning, "x5c[0]", "self-signed");
  // Root twice: a self-signed certificate in the middle.
  ExpectRejected({pki_->leaf, pki_->issuing, pki_->root, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[2]", "self-signed");
  // A lone root is not a code-signing certificate.
  ExpectRejected({pki_->root}, std::nullopt, kCodeSigning, "x5c[0]", "must not be a CA");
}

TEST_F(ChainVerifierTest, UnrelatedIssuerFails) {
  const TestPki other = MakePki(KeyType::kEcP256, KeyType::kEcP256, KeyType::kEcP256);
  ExpectRejected({pki_->leaf, other.issuing, other.root}, std::nullopt, kCodeSigning,
                 "did not issue x5c[0]");
  // Same names, different keys: the signature decides.
  ExpectRejected({pki_->leaf, pki_->issuing, other.root}, std::nullopt, kCodeSigning,
                 "did not issue x5c[1]");
}

TEST_F(ChainVerifierTest, RawLeafWithGoodExtensionsIsValid) {
  const Certificate leaf = RawLeaf(LeafExtensions());
  const Status s =
      VerifyCertificateChain({leaf, pki_->issuing, pki_->root}, std::nullopt, kCodeSigning);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(ChainVerifierTest, LeafWithCaBitFails) {
  const Certificate leaf = RawLeaf({{NID_basic_constraints, "critical,CA:TRUE"},
                                    {NID_key_usage, "critical,digitalSignature"},
                                    {NID_ext_key_usage, "codeSigning"}});
  ExpectRejected({leaf, pki_->issuing, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[0] \"CN=Raw Leaf\"", "must not be a CA");
}

TEST_F(ChainVerifierTest, LeafWithoutCodeSigningEkuFails) {
  ExpectRejected(
      {RawLeaf({{NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "serverAuth"}}),
       pki_->issuing, pki_->root},
      std::nullopt, kCodeSigning, "x5c[0]", "serverAuth");
  ExpectRejected({RawLeaf({{NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "1.3.6.1.4.1.99999.1"}}),
                  pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "codeSigning");
  ExpectRejected({RawLeaf({{NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "codeSigning,timeStamping"}}),
                  pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "timeStamping");
  ExpectRejected({RawLeaf({{NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "codeSigning,anyExtendedKeyUsage"}}),
                  pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "anyExtendedKeyUsage");
  // No EKU at all is allowed (the extension is optional).
  EXPECT_TRUE(VerifyCertificateChain({RawLeaf({{NID_key_usage, "critical,digitalSignature"}}),
                                      pki_->issuing, pki_->root},
                                     std::nullopt, kCodeSigning)
                  .ok());
}

TEST_F(ChainVerifierTest, LeafKeyUsageRules) {
  ExpectRejected(
      {RawLeaf({{NID_key_usage, "critical,nonRepudiation"}, {NID_ext_key_usage, "codeSigning"}}),
       pki_->issuing, pki_->root},
      std::nullopt, kCodeSigning, "x5c[0]", "digitalSignature");
  ExpectRejected({RawLeaf({{NID_ext_key_usage, "codeSigning"}}), pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "keyUsage extension must be present");
  ExpectRejected(
      {RawLeaf({{NID_key_usage, "digitalSignature"}, {NID_ext_key_usage, "codeSigning"}}),
       pki_->issuing, pki_->root},
      std::nullopt, kCodeSigning, "x5c[0]", "critical");
  ExpectRejected({RawLeaf({{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                           {NID_ext_key_usage, "codeSigning"}}),
                  pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "keyEncipherment");
}

TEST_F(ChainVerifierTest, ValidityAtTime) {
  ExpectRejected(pki_->Chain(), At("2030-01-01T00:00:01Z"), kCodeSigning,
                 "x5c[0] \"CN=Test Signer,O=signet tests,C=US\"",
                 "not valid at 2030-01-01T00:00:01Z");
  ExpectRejected(pki_->Chain(), At("2021-12-31T23:59:59Z"), kCodeSigning, "x5c[0]",
                 "valid from 2022-01-01T00:00:00Z to 2030-01-01T00:00:00Z");
  ExpectRejected(pki_->Chain(), At("2045-01-01T00:00:00Z"), kCodeSigning, "not valid at");
  EXPECT_TRUE(VerifyCertificateChain(pki_->Chain(), At("2029-12-31T00:00:00Z"), kCodeSigning).ok());
}

// The structure of a chain is cached once verified; its validity period never is.
TEST_F(ChainVerifierTest, CachedChainStillChecksValidityEveryTime) {
  ASSERT_TRUE(VerifyCertificateChain(pki_->Chain(), At("2025-06-01T00:00:00Z"), kCodeSigning).ok());
  ExpectRejected(pki_->Chain(), At("2031-01-01T00:00:00Z"), kCodeSigning, "not valid at");
  // A cached chain for code signing is not valid for timestamping.
  EXPECT_FALSE(VerifyCertificateChain(pki_->Chain(), std::nullopt, CertificatePurpose::kTimestamping).ok());
  // Reordering a cached chain is a different chain.
  const std::vector<Certificate> chain = pki_->Chain();
  std::vector<Certificate> reversed(chain.rbegin(), chain.rend());
  EXPECT_FALSE(VerifyCertificateChain(reversed, std::nullopt, kCodeSigning).ok());
}

TEST_F(ChainVerifierTest, Sha1SignatureFails) {
  const Certificate leaf = RawLeaf(LeafExtensions(), EVP_sha1());
  ASSERT_EQ(X509_get_signature_nid(leaf.raw()), NID_ecdsa_with_SHA1);
  ExpectRejected({leaf, pki_->issuing, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[0] \"CN=Raw Leaf\"", "ecdsa-with-SHA1");
  // RSA too (sha1WithRSAEncryption), and on a self-signed root.
  const PrivateKey& rsa = SharedKey(KeyType::kRsa2048);
  RawCertificateSpec root;
  root.common_name = "SHA-1 Root";
  root.subject_key = rsa.raw();
  root.signing_key = rsa.raw();
  root.md = EVP_sha1();
  root.extensions = CaExtensions(1);
  const Certificate sha1_root = MakeRawCertificate(root);
  ExpectRejected({pki_->leaf, pki_->issuing, sha1_root}, std::nullopt, kCodeSigning, "x5c[2]",
                 "sha1WithRSAEncryption");
}

TEST_F(ChainVerifierTest, Rsa1024KeyInChainFails) {
  EVP_PKEY* weak = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
  ASSERT_NE(weak, nullptr);
  // As the leaf key.
  ExpectRejected({RawLeaf(LeafExtensions(), nullptr, weak), pki_->issuing, pki_->root},
                 std::nullopt, kCodeSigning, "x5c[0]", "RSA 1024 bits");
  // As an intermediate CA's key.
  RawCertificateSpec ca;
  ca.common_name = "Weak CA";
  ca.subject_key = weak;
  ca.signing_key = pki_->root_key->raw();
  ca.issuer = &pki_->root;
  ca.extensions = CaExtensions(0);
  const Certificate weak_ca = MakeRawCertificate(ca);
  RawCertificateSpec leaf;
  leaf.common_name = "Leaf under weak CA";
  leaf.subject_key = SharedKey(KeyType::kEcP256).raw();
  leaf.signing_key = weak;
  leaf.issuer = &weak_ca;
  leaf.md = EVP_sha256();
  leaf.extensions = LeafExtensions();
  ExpectRejected({MakeRawCertificate(leaf), weak_ca, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[1] \"CN=Weak CA\"", "RSA 1024 bits");
  EVP_PKEY_free(weak);
}

TEST_F(ChainVerifierTest, CaRules) {
  // An intermediate without the CA bit.
  RawCertificateSpec not_ca;
  not_ca.common_name = "Not A CA";
  not_ca.subject_key = pki_->issuing_key->raw();
  not_ca.signing_key = pki_->root_key->raw();
  not_ca.issuer = &pki_->root;
  not_ca.extensions = {{NID_key_usage, "critical,keyCertSign"}};
  const Certificate not_ca_cert = MakeRawCertificate(not_ca);
  RawCertificateSpec leaf;
  leaf.common_name = "Leaf";
  leaf.subject_key = SharedKey(KeyType::kEcP256).raw();
  leaf.signing_key = pki_->issuing_key->raw();
  leaf.issuer = &not_ca_cert;
  leaf.extensions = LeafExtensions();
  ExpectRejected({MakeRawCertificate(leaf), not_ca_cert, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[1] \"CN=Not A CA\"", "cA=TRUE");

  // An intermediate without keyCertSign.
  not_ca.common_name = "No CertSign";
  not_ca.extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                       {NID_key_usage, "critical,digitalSignature"}};
  const Certificate no_certsign = MakeRawCertificate(not_ca);
  leaf.issuer = &no_certsign;
  ExpectRejected({MakeRawCertificate(leaf), no_certsign, pki_->root}, std::nullopt, kCodeSigning,
                 "x5c[1]", "keyCertSign");

  // pathLen: a root with pathLen 0 cannot have an intermediate below it.
  const PrivateKey& root_key = SharedKey(KeyType::kEcP521);
  RawCertificateSpec root;
  root.common_name = "PathLen Zero Root";
  root.subject_key = root_key.raw();
  root.signing_key = root_key.raw();
  root.extensions = CaExtensions(0);
  root.not_before = At("2020-01-01T00:00:00Z");
  const Certificate root0 = MakeRawCertificate(root);
  RawCertificateSpec mid;
  mid.common_name = "Intermediate";
  mid.subject_key = pki_->issuing_key->raw();
  mid.signing_key = root_key.raw();
  mid.issuer = &root0;
  mid.extensions = CaExtensions(0);
  const Certificate mid_cert = MakeRawCertificate(mid);
  leaf.issuer = &mid_cert;
  const Certificate leaf_cert = MakeRawCertificate(leaf);
  ExpectRejected({leaf_cert, mid_cert, root0}, std::nullopt, kCodeSigning,
                 "x5c[2] \"CN=PathLen Zero Root\"", "pathLen 0");
  // ... but may issue the leaf directly.
  leaf.issuer = &root0;
  leaf.signing_key = root_key.raw();
  EXPECT_TRUE(
      VerifyCertificateChain({MakeRawCertificate(leaf), root0}, std::nullopt, kCodeSigning).ok());
}

TEST_F(ChainVerifierTest, SelfSignedLeafAlone) {
  const PrivateKey& key = SharedKey(KeyType::kEcP256);
  RawCertificateSpec spec;
  spec.common_name = "Self-signed signer";
  spec.subject_key = key.raw();
  spec.signing_key = key.raw();
  spec.extensions = LeafExtensions();
  const Certificate self = MakeRawCertificate(spec);
  const Status s = VerifyCertificateChain({self}, At("2025-01-01T00:00:00Z"), kCodeSigning);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ExpectRejected({self}, At("2031-01-01T00:00:00Z"), kCodeSigning, "not valid at");
  // Self-signed leaf followed by more certificates is refused.
  ExpectRejected({self, pki_->root}, std::nullopt, kCodeSigning, "x5c[0]", "self-signed");
}

TEST_F(ChainVerifierTest, TimestampingPurpose) {
  const Certificate tsa = RawLeaf(
      {{NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "critical,timeStamping"}});
  const std::vector<Certificate> chain = {tsa, pki_->issuing, pki_->root};
  const Status s = VerifyCertificateChain(chain, std::nullopt, kTimestamping);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ExpectRejected(chain, std::nullopt, kCodeSigning, "timeStamping");
  ExpectRejected(pki_->Chain(), std::nullopt, kTimestamping, "x5c[0]", "timeStamping");
  const Certificate not_critical =
      RawLeaf({{NID_key_usage, "critical,digitalSignature"}, {NID_ext_key_usage, "timeStamping"}});
  ExpectRejected({not_critical, pki_->issuing, pki_->root}, std::nullopt, kTimestamping,
                 "must be critical");
  const Certificate two = RawLeaf({{NID_key_usage, "critical,digitalSignature"},
                                   {NID_ext_key_usage, "critical,timeStamping,codeSigning"}});
  ExpectRejected({two, pki_->issuing, pki_->root}, std::nullopt, kTimestamping, "only");
}

TEST_F(ChainVerifierTest, RsaPssIssuedChain) {
  const TestPki rsa = MakePki(KeyType::kRsa3072, KeyType::kRsa2048, KeyType::kEcP256);
  const Status s = VerifyCertificateChain(rsa.Chain(), At("2025-01-01T00:00:00Z"), kCodeSigning);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// The leaf of notation-go's CA test envelope (x5c[0]) under its test root.
std::string NotationLeafDer() {
  const std::string json =
      ReadTestFile(std::string(SIGNET_TESTDATA_DIR) +
                   "/notation-vectors/notation-go/internal/mock/testdata/ca_valid_sig_env.json");
  const size_t x5c = json.find("\"x5c\"");
  const size_t open = json.find('"', json.find('[', x5c)) + 1;
  const size_t close = json.find('"', open);
  return Base64Decode(json.substr(open, close - open)).value();
}

TEST(ChainVerifierVectorsTest, NotationVectorsChainValidates) {
  Result<Certificate> leaf = Certificate::FromDer(NotationLeafDer());
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  // The leaf names itself as issuer, but is signed by the root: not self-signed.
  EXPECT_EQ(leaf->Subject(), "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US");
  Result<Certificate> root =
      Certificate::FromPem(ReadTestFile(NotationTrustStoreDir() + "NotationTestRoot.pem"));
  ASSERT_TRUE(root.ok());
  const Status s = VerifyCertificateChain({*leaf, *root}, At("2020-11-09T07:00:00Z"), kCodeSigning);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(VerifyCertificateChain({*leaf, *root}, std::nullopt, kCodeSigning).ok());
  // Before the leaf's notBefore (2020-10-09T07:00:00Z).
  ExpectRejected({*leaf, *root}, At("2020-10-01T00:00:00Z"), kCodeSigning, "x5c[0]",
                 "not valid at");
  // Alone it is not self-signed.
  ExpectRejected({*leaf}, std::nullopt, kCodeSigning, "x5c[0]", "self-signed");
}

}  // namespace
}  // namespace signet::crypto
