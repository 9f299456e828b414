#include "signer/certificate_authority.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/encoding.h"
#include "core/ids.h"
#include "core/secret_bytes.h"
#include "crypto/chain_verifier.h"
#include "keys/file_key_store.h"
#include "testing/temp_dir.h"

namespace signet::signer {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;

Timestamp At(const char* text) { return ParseRfc3339(text).value(); }
constexpr const char* kNow = "2026-06-01T12:00:00Z";

using TempDir = ::signet::test::TempDir;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned Mode(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

class CertificateAuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto keys = keys::FileKeyStore::Open(dir_.path() / "keys", SecretBytes(HexEncode(RandomBytes(32))));
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_ = std::move(*keys);
  }

  std::unique_ptr<CertificateAuthority> OpenCa(const fs::path& ca_dir, Timestamp now = At(kNow)) {
    auto ca = CertificateAuthority::Open(*keys_, ca_dir, CaOptions{}, now);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    if (!ca.ok()) return nullptr;
    return std::move(*ca);
  }

  crypto::PublicKey NewKey() {
    auto info = keys_->CreateKey("leaf");
    EXPECT_TRUE(info.ok());
    return keys_->GetPublicKey(info->id).value();
  }

  TempDir dir_;
  std::unique_ptr<keys::KeyStore> keys_;
};

TEST_F(CertificateAuthorityTest, FirstOpenCreatesCertificatesIndexAndKeys) {
  const fs::path ca_dir = dir_.path() / "ca";
  auto ca = OpenCa(ca_dir);
  ASSERT_NE(ca, nullptr);
  ASSERT_TRUE(fs::exists(ca_dir / "root-ca.pem"));
  ASSERT_TRUE(fs::exists(ca_dir / "issuing-ca.pem"));
  ASSERT_TRUE(fs::exists(ca_dir / "ca.json"));
  // The index names the keys; it is private. The certificates are public trust anchors.
  EXPECT_EQ(Mode(ca_dir / "ca.json"), 0600u);
  EXPECT_EQ(Mode(ca_dir / "root-ca.pem") & 0077u & ~0044u, 0u);

  EXPECT_EQ(ReadFile(ca_dir / "root-ca.pem"), ca->root().ToPem());
  EXPECT_EQ(ReadFile(ca_dir / "issuing-ca.pem"), ca->issuing().ToPem());
  const std::string index = ReadFile(ca_dir / "ca.json");
  EXPECT_NE(index.find("rootKeyId"), std::string::npos);
  EXPECT_NE(index.find("issuingKeyId"), std::string::npos);

  // Both CA keys live in the key store and match their certificates.
  auto listed = keys_->ListKeys();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
  bool root_found = false, issuing_found = false;
  for (const keys::KeyInfo& k : *listed) {
    const std::string spki = keys_->GetPublicKey(k.id).value().SpkiDer();
    root_found |= spki == ca->root().public_key().value().SpkiDer();
    issuing_found |= spki == ca->issuing().public_key().value().SpkiDer();
    EXPECT_NE(index.find(k.id), std::string::npos) << k.id;
  }
  EXPECT_TRUE(root_found);
  EXPECT_TRUE(issuing_found);

  // Root: self-signed CA; issuing CA: issued by the root, inside its validity.
  EXPECT_TRUE(ca->root().IsCa());
  EXPECT_TRUE(ca->root().IsSelfIssued());
  EXPECT_TRUE(ca->issuing().IsCa());
  EXPECT_FALSE(ca->issuing().IsSelfIssued());
  EXPECT_EQ(ca->issuing().Issuer(), ca->root().Subject());
  EXPECT_EQ(ca->issuing().PathLength(), std::optional<int>(0));
  EXPECT_LE(ca->root().not_before(), At(kNow));
  EXPECT_LE(ca->issuing().not_before(), At(kNow));
  EXPECT_GE(ca->root().not_after(), ca->issuing().not_after());
  EXPECT_NE(ca->root().Subject().find("signet Root CA"), std::string::npos) << ca->root().Subject();
  EXPECT_NE(ca->issuing().Subject().find("signet Issuing CA"), std::string::npos);
}

// certificate_authority.h documents the root as 30 years and the issuing CA as 20 years (room
// for profiles of the maximum 135-month validity for about nine years).
TEST_F(CertificateAuthorityTest, CaValiditiesAreTheDocumentedOnes) {
  auto ca = OpenCa(dir_.path() / "ca");
  ASSERT_NE(ca, nullptr);
  const auto years = [](Timestamp from, Timestamp to) {
    return std::chrono::duration<double>(to - from).count() / (365.25 * 86400);
  };
  EXPECT_NEAR(years(At(kNow), ca->root().not_after()), 30.0, 0.1);
  EXPECT_NEAR(years(At(kNow), ca->issuing().not_after()), 20.0, 0.1)
      << "issuing CA expires " << FormatRfc3339(ca->issuing().not_after());
}

TEST_F(CertificateAuthorityTest, ReopenLoadsTheSameCertificatesAndCreatesNoKey) {
  const fs::path ca_dir = dir_.path() / "ca";
  auto first = OpenCa(ca_dir);
  ASSERT_NE(first, nullptr);
  const std::string index = ReadFile(ca_dir / "ca.json");
  // A later start, a year on: nothing is re-issued.
  auto second = OpenCa(ca_dir, At(kNow) + days(365));
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->root(), first->root());
  EXPECT_EQ(second->issuing(), first->issuing());
  EXPECT_EQ(ReadFile(ca_dir / "ca.json"), index);
  EXPECT_EQ(keys_->ListKeys().value().size(), 2u);

  // The reopened CA issues with the same issuing key: its leaves chain to the first root.
  auto leaf = second->IssueCodeSigningCertificate(NewKey(), "p/AbCdEfGhIj", "111111111111",
                                                  At(kNow), At(kNow) + days(30));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_TRUE(crypto::VerifyCertificateChain({*leaf, first->issuing(), first->root()}, At(kNow),
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());
}

TEST_F(CertificateAuthorityTest, MismatchedKeyAndCertificateAreRefused) {
  const fs::path a = dir_.path() / "a";
  const fs::path b = dir_.path() / "b";
  ASSERT_NE(OpenCa(a), nullptr);
  ASSERT_NE(OpenCa(b), nullptr);
  // A data directory assembled from two installations: a's index, b's root certificate.
  fs::copy_file(b / "root-ca.pem", a / "root-ca.pem", fs::copy_options::overwrite_existing);
  auto mixed = CertificateAuthority::Open(*keys_, a, CaOptions{}, At(kNow));
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.status().code(), ErrorCode::kFailedPrecondition) << mixed.status().ToString();
  EXPECT_NE(mixed.status().message().find("root CA"), std::string::npos);

  // Issuing certificate of the other installation.
  const fs::path c = dir_.path() / "c";
  ASSERT_NE(OpenCa(c), nullptr);
  fs::copy_file(b / "issuing-ca.pem", c / "issuing-ca.pem", fs::copy_options::overwrite_existing);
  auto mixed_issuing = CertificateAuthority::Open(*keys_, c, CaOptions{}, At(kNow));
  ASSERT_FALSE(mixed_issuing.ok());
  EXPECT_EQ(mixed_issuing.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(mixed_issuing.status().message().find("issuing CA"), std::string::npos);

  // Root and issuing swapped.
  const fs::path d = dir_.path() / "d";
  ASSERT_NE(OpenCa(d), nullptr);
  const std::string root = ReadFile(d / "root-ca.pem");
  fs::copy_file(d / "issuing-ca.pem", d / "root-ca.pem", fs::copy_options::overwrite_existing);
  std::ofstream(d / "issuing-ca.pem", std::ios::binary | std::ios::trunc) << root;
  EXPECT_EQ(CertificateAuthority::Open(*keys_, d, CaOptions{}, At(kNow)).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(CertificateAuthorityTest, CorruptIndexOrMissingCertificateIsAnError) {
  const fs::path ca_dir = dir_.path() / "ca";
  ASSERT_NE(OpenCa(ca_dir), nullptr);
  const std::string index = ReadFile(ca_dir / "ca.json");
  std::ofstream(ca_dir / "ca.json", std::ios::trunc) << "{\"rootKeyId\": 5}";
  EXPECT_EQ(CertificateAuthority::Open(*keys_, ca_dir, CaOptions{}, At(kNow)).status().code(),
            ErrorCode::kFailedPrecondition);
  std::ofstream(ca_dir / "ca.json", std::ios::trunc) << "not json";
  EXPECT_EQ(CertificateAuthority::Open(*keys_, ca_dir, CaOptions{}, At(kNow)).status().code(),
            ErrorCode::kFailedPrecondition);
  std::ofstream(ca_dir / "ca.json", std::ios::trunc) << index;
  fs::remove(ca_dir / "issuing-ca.pem");
  EXPECT_FALSE(CertificateAuthority::Open(*keys_, ca_dir, CaOptions{}, At(kNow)).ok());
}

TEST_F(CertificateAuthorityTest, KeysFromAnotherKeyStoreAreRefused) {
  const fs::path ca_dir = dir_.path() / "ca";
  ASSERT_NE(OpenCa(ca_dir), nullptr);
  auto other = keys::FileKeyStore::Open(dir_.path() / "other-keys", SecretBytes(HexEncode(RandomBytes(32))));
  ASSERT_TRUE(other.ok());
  auto ca = CertificateAuthority::Open(**other, ca_dir, CaOptions{}, At(kNow));
  EXPECT_FALSE(ca.ok());
  // Nothing was overwritten by the failed open.
  EXPECT_NE(OpenCa(ca_dir), nullptr);
}

TEST_F(CertificateAuthorityTest, IssuedLeafIsANotaryCodeSigningCertificate) {
  auto ca = OpenCa(dir_.path() / "ca");
  ASSERT_NE(ca, nullptr);
  const crypto::PublicKey key = NewKey();
  auto leaf = ca->IssueCodeSigningCertificate(key, "app/AbCdEfGhIj", "111122223333",
                                              At(kNow) - std::chrono::minutes(5),
                                              At(kNow) + days(400));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->public_key().value().SpkiDer(), key.SpkiDer());
  EXPECT_FALSE(leaf->IsCa());
  EXPECT_EQ(leaf->Issuer(), ca->issuing().Subject());
  EXPECT_EQ(leaf->not_before(), At(kNow) - std::chrono::minutes(5));
  EXPECT_EQ(leaf->not_after(), At(kNow) + days(400));
  // C, ST, O from the options (defaults US, WA, signet), OU = the owner account, CN = the name
  // given: the mandatory C/ST/O of a Notary "x509.subject:" identity, and one DN per profile.
  EXPECT_EQ(leaf->Subject(), "CN=app/AbCdEfGhIj,OU=111122223333,O=signet,ST=WA,C=US");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"CN", "app/AbCdEfGhIj"}, {"OU", "111122223333"}, {"O", "signet"}, {"ST", "WA"}, {"C", "US"}};
  EXPECT_EQ(leaf->SubjectAttributes(), expected);
  ASSERT_TRUE(leaf->ExtendedKeyUsage().has_value());

  const std::vector<crypto::Certificate> chain = ca->ChainFor(*leaf);
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0], *leaf);
  EXPECT_EQ(chain[1], ca->issuing());
  EXPECT_EQ(chain[2], ca->root());
  for (Timestamp at : {At(kNow), At(kNow) + days(399)}) {
    const Status verified =
        crypto::VerifyCertificateChain(chain, at, crypto::CertificatePurpose::kCodeSigning);
    EXPECT_TRUE(verified.ok()) << verified.ToString();
  }
  EXPECT_FALSE(crypto::VerifyCertificateChain(chain, At(kNow) + days(401),
                                              crypto::CertificatePurpose::kCodeSigning)
                   .ok());
  EXPECT_TRUE(crypto::VerifyCertificateChain(chain, std::nullopt,
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());
}

TEST_F(CertificateAuthorityTest, LeafValidityIsClampedToTheIssuingCa) {
  auto ca = OpenCa(dir_.path() / "ca");
  ASSERT_NE(ca, nullptr);
  const crypto::PublicKey key = NewKey();
  auto leaf = ca->IssueCodeSigningCertificate(key, "p/AbCdEfGhIj", "111122223333",
                                              ca->issuing().not_before() - days(10),
                                              ca->issuing().not_after() + days(3650));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->not_before(), ca->issuing().not_before());
  EXPECT_EQ(leaf->not_after(), ca->issuing().not_after());
  EXPECT_TRUE(crypto::VerifyCertificateChain(ca->ChainFor(*leaf), ca->issuing().not_after(),
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());

  // Nothing left after clamping: refused.
  auto after = ca->IssueCodeSigningCertificate(key, "p/AbCdEfGhIj", "111122223333",
                                               ca->issuing().not_after() + days(1),
                                               ca->issuing().not_after() + days(2));
  EXPECT_EQ(after.status().code(), ErrorCode::kInvalidArgument);
  auto before = ca->IssueCodeSigningCertificate(key, "p/AbCdEfGhIj", "111122223333",
                                                ca->issuing().not_before() - days(5),
                                                ca->issuing().not_before() - days(1));
  EXPECT_EQ(before.status().code(), ErrorCode::kInvalidArgument);
  auto empty = ca->IssueCodeSigningCertificate(key, "p/AbCdEfGhIj", "111122223333", At(kNow),
                                               At(kNow));
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(CertificateAuthorityTest, TwoInstallationsHaveDifferentRoots) {
  auto a = OpenCa(dir_.path() / "a");
  auto b = OpenCa(dir_.path() / "b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->root(), b->root());
  // A leaf of one installation does not chain to the other's root.
  auto leaf = a->IssueCodeSigningCertificate(NewKey(), "p/AbCdEfGhIj", "111122223333", At(kNow),
                                             At(kNow) + days(1));
  ASSERT_TRUE(leaf.ok());
  EXPECT_FALSE(crypto::VerifyCertificateChain({*leaf, b->issuing(), b->root()}, At(kNow),
                                              crypto::CertificatePurpose::kCodeSigning)
                   .ok());
}

TEST_F(CertificateAuthorityTest, OptionsShapeTheSubjectsOfNewCertificates) {
  CaOptions options;
  options.country = "DE";
  options.state = "Berlin";
  options.organization = "Example Corp. (Build & Release)";
  auto ca = CertificateAuthority::Open(*keys_, dir_.path() / "ca", options, At(kNow));
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_EQ((*ca)->root().Subject(),
            "CN=signet Root CA,O=Example Corp. (Build & Release),ST=Berlin,C=DE");
  EXPECT_EQ((*ca)->issuing().Subject(),
            "CN=signet Issuing CA,O=Example Corp. (Build & Release),ST=Berlin,C=DE");
  auto leaf = (*ca)->IssueCodeSigningCertificate(NewKey(), "images", "111122223333", At(kNow),
                                                 At(kNow) + days(1));
  ASSERT_TRUE(leaf.ok()) << leaf.status().ToString();
  EXPECT_EQ(leaf->Subject(),
            "CN=images,OU=111122223333,O=Example Corp. (Build & Release),ST=Berlin,C=DE");

  // An existing CA keeps its subject; only certificates issued from now on follow new options.
  ca->reset();
  options.country = "FR";
  options.state = "Paris";
  options.organization = "other";
  auto reopened = CertificateAuthority::Open(*keys_, dir_.path() / "ca", options, At(kNow));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->root().Subject(),
            "CN=signet Root CA,O=Example Corp. (Build & Release),ST=Berlin,C=DE");
  auto new_leaf = (*reopened)->IssueCodeSigningCertificate(NewKey(), "images", "111122223333",
                                                           At(kNow), At(kNow) + days(1));
  ASSERT_TRUE(new_leaf.ok()) << new_leaf.status().ToString();
  EXPECT_EQ(new_leaf->Subject(), "CN=images,OU=111122223333,O=other,ST=Paris,C=FR");
  EXPECT_TRUE(crypto::VerifyCertificateChain((*reopened)->ChainFor(*new_leaf), At(kNow),
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());
}

TEST_F(CertificateAuthorityTest, UnusableSubjectOptionsAreRefusedBeforeAnythingIsCreated) {
  EXPECT_TRUE(ValidateCaOptions(CaOptions{}).ok());
  CaOptions utf8;
  utf8.state = "Baden-Württemberg";
  utf8.organization = "Ärzte GmbH";
  EXPECT_TRUE(ValidateCaOptions(utf8).ok()) << ValidateCaOptions(utf8).ToString();

  struct Case {
    std::string country, state, organization, message;
  };
  const std::string long_value(65, 'a');
  const std::vector<Case> cases = {
      {"us", "WA", "signet", "country"},
      {"USA", "WA", "signet", "country"},
      {"", "WA", "signet", "country"},
      {"U1", "WA", "signet", "country"},
      {"US", "", "signet", "state (ST) must have 1 to 64"},
      {"US", long_value, "signet", "state (ST) must have 1 to 64"},
      {"US", "WA", "", "organization (O) must have 1 to 64"},
      {"US", "WA", "acme, inc", "organization (O) must not contain ','"},
      {"US", "WA", "a+b", "must not contain '+'"},
      {"US", "WA", "a=b", "must not contain '='"},
      {"US", "WA", "#acme", "must not contain '#'"},
      {"US", "WA", "a\\b", "must not contain '\\'"},
      {"US", "WA", "a;b", "must not contain ';'"},
      {"US", "WA", "a\"b", "must not contain '\"'"},
      {"US", "W<A>", "signet", "must not contain '<'"},
      {"US", " WA", "signet", "begin or end with a space"},
      {"US", "WA", "signet ", "begin or end with a space"},
      {"US", "WA", std::string("sig\nnet"), "control characters"},
  };
  for (const Case& c : cases) {
    CaOptions options;
    options.country = c.country;
    options.state = c.state;
    options.organization = c.organization;
    const Status valid = ValidateCaOptions(options);
    EXPECT_EQ(valid.code(), ErrorCode::kInvalidArgument) << c.country << "|" << c.state << "|"
                                                         << c.organization;
    EXPECT_NE(valid.message().find(c.message), std::string::npos) << valid.message();

    const fs::path ca_dir = dir_.path() / "refused";
    auto ca = CertificateAuthority::Open(*keys_, ca_dir, options, At(kNow));
    EXPECT_EQ(ca.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(fs::exists(ca_dir));
  }
  EXPECT_TRUE(keys_->ListKeys().value().empty());
}

}  // namespace
}  // namespace signet::signer
