#include "notary/trust_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
namespace fs = std::filesystem;

fs::path VectorStore() { return VectorsDir() / "notation-go/verifier/testdata/truststore"; }

TEST(TrustStoreTypeTest, NamesRoundTrip) {
  for (TrustStoreType type :
       {TrustStoreType::kCa, TrustStoreType::kSigningAuthority, TrustStoreType::kTsa}) {
    EXPECT_EQ(ParseTrustStoreType(TrustStoreTypeName(type)), type);
  }
  EXPECT_EQ(TrustStoreTypeName(TrustStoreType::kSigningAuthority), "signingAuthority");
  EXPECT_FALSE(ParseTrustStoreType("CA").has_value());
  EXPECT_TRUE(IsValidTrustStoreName("valid-trust-store_2.x"));
  EXPECT_FALSE(IsValidTrustStoreName("a/b"));
  EXPECT_FALSE(IsValidTrustStoreName(".."));
  EXPECT_FALSE(IsValidTrustStoreName(""));
}

// notation-go verifier/truststore/truststore_test.go TestLoadValidTrustStore and friends: PEM and
// DER files both load, every file of the named store.
TEST(TrustStoreTest, LoadsNotationVectorStores) {
  const TrustStore store = TrustStore::FromDirectory(VectorStore());
  Result<std::vector<crypto::Certificate>> ca =
      store.GetCertificates(TrustStoreType::kCa, "valid-trust-store");
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_EQ(ca->size(), 6u);  // GlobalSign.der and GlobalSignRootCA.crt are the same certificate
  Result<std::vector<crypto::Certificate>> sa =
      store.GetCertificates(TrustStoreType::kSigningAuthority, "valid-trust-store");
  ASSERT_TRUE(sa.ok()) << sa.status().ToString();
  EXPECT_EQ(sa->size(), 3u);
  Result<std::vector<crypto::Certificate>> tsa =
      store.GetCertificates(TrustStoreType::kTsa, "test-timestamp");
  ASSERT_TRUE(tsa.ok()) << tsa.status().ToString();
  ASSERT_EQ(tsa->size(), 1u);
  EXPECT_THAT(tsa->front().Subject(), HasSubstr("GlobalSign"));
}

TEST(TrustStoreTest, MissingStoreHasNotationsMessage) {
  const TrustStore store = TrustStore::FromDirectory(VectorStore());
  Result<std::vector<crypto::Certificate>> certs =
      store.GetCertificates(TrustStoreType::kTsa, "does-not-exist");
  ASSERT_FALSE(certs.ok());
  EXPECT_EQ(certs.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(certs.status().message(),
            "the trust store \"does-not-exist\" of type \"tsa\" does not exist");
  EXPECT_EQ(TrustStore().GetCertificates(TrustStoreType::kCa, "x").status().message(),
            "the trust store \"x\" of type \"ca\" does not exist");
}

TEST(TrustStoreTest, RefusesAnInvalidName) {
  const TrustStore store = TrustStore::FromDirectory(VectorStore());
  EXPECT_THAT(store.GetCertificates(TrustStoreType::kCa, "../ca").status().message(),
              HasSubstr("[a-zA-Z0-9_.-]+"));
}

class TrustStoreDirectoryTest : public ::testing::Test {
 protected:
  fs::path Store(const std::string& type, const std::string& name) {
    return dir_.path() / "x509" / type / name;
  }
  TrustStore store() const { return TrustStore::FromDirectory(dir_.path()); }

  TempDir dir_;
  TestPki pki_ = MakePki();
};

TEST_F(TrustStoreDirectoryTest, ReadsPemBundlesAndDerAndIgnoresSubdirectories) {
  WriteFile(Store("ca", "acme") / "bundle.pem", pki_.root.ToPem() + pki_.issuing.ToPem());
  WriteFile(Store("ca", "acme") / "root.der", pki_.root.der());
  WriteFile(Store("ca", "acme") / "sub-dir" / "ignored.pem", "not a certificate");
  Result<std::vector<crypto::Certificate>> certs =
      store().GetCertificates(TrustStoreType::kCa, "acme");
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_EQ(certs->size(), 3u);
  EXPECT_EQ((*certs)[0], pki_.root);
  EXPECT_EQ((*certs)[1], pki_.issuing);
  EXPECT_EQ((*certs)[2], pki_.root);
}

TEST_F(TrustStoreDirectoryTest, NonCertificateFileIsAnErrorNamingIt) {
  WriteFile(Store("ca", "acme") / "root.pem", pki_.root.ToPem());
  WriteFile(Store("ca", "acme") / "notes.txt", "remember to rotate");
  Result<std::vector<crypto::Certificate>> certs =
      store().GetCertificates(TrustStoreType::kCa, "acme");
  ASSERT_FALSE(certs.ok());
  EXPECT_THAT(certs.status().message(),
              HasSubstr("failed to read the trusted certificate notes.txt in the trust store "
                        "\"acme\" of type \"ca\""));
}

TEST_F(TrustStoreDirectoryTest, EmptyStoreIsAnError) {
  fs::create_directories(Store("signingAuthority", "empty"));
  EXPECT_THAT(
      store().GetCertificates(TrustStoreType::kSigningAuthority, "empty").status().message(),
      HasSubstr("no x509 certificates were found in the trust store \"empty\" of type "
                "\"signingAuthority\""));
}

TEST_F(TrustStoreDirectoryTest, SymlinksAreRefused) {
  WriteFile(dir_.path() / "elsewhere" / "root.pem", pki_.root.ToPem());
  fs::create_directories(Store("ca", "linked-file"));
  fs::create_symlink(dir_.path() / "elsewhere" / "root.pem",
                     Store("ca", "linked-file") / "root.pem");
  EXPECT_THAT(store().GetCertificates(TrustStoreType::kCa, "linked-file").status().message(),
              HasSubstr("is not a regular file (symlinks are not supported)"));
  fs::create_directories(Store("ca", "x").parent_path());
  fs::create_directory_symlink(dir_.path() / "elsewhere", Store("ca", "linked-dir"));
  EXPECT_THAT(store().GetCertificates(TrustStoreType::kCa, "linked-dir").status().message(),
              HasSubstr("is not a regular directory (symlinks are not supported)"));
}

TEST_F(TrustStoreDirectoryTest, LeafCertificatesAreNotTrustAnchors) {
  WriteFile(Store("ca", "leafy") / "leaf.pem", pki_.leaf.ToPem());
  EXPECT_THAT(store().GetCertificates(TrustStoreType::kCa, "leafy").status().message(),
              HasSubstr("is not a CA certificate or self-signed signing certificate"));
}

TEST_F(TrustStoreDirectoryTest, TsaStoresHoldRootsOnly) {
  WriteFile(Store("tsa", "intermediate") / "issuing.pem", pki_.issuing.ToPem());
  EXPECT_THAT(store().GetCertificates(TrustStoreType::kTsa, "intermediate").status().message(),
              HasSubstr("is not a root CA certificate"));
  WriteFile(Store("tsa", "root") / "root.pem", pki_.root.ToPem());
  EXPECT_TRUE(store().GetCertificates(TrustStoreType::kTsa, "root").ok());
}

TEST(TrustStoreInMemoryTest, AddThenGet) {
  const TestPki pki = MakePki();
  TrustStore store;
  ASSERT_TRUE(store.Add(TrustStoreType::kSigningAuthority, "cli-anchor", {pki.root}).ok());
  Result<std::vector<crypto::Certificate>> certs =
      store.GetCertificates(TrustStoreType::kSigningAuthority, "cli-anchor");
  ASSERT_TRUE(certs.ok());
  EXPECT_EQ(*certs, std::vector<crypto::Certificate>{pki.root});
  // Same name, other type: not there.
  EXPECT_EQ(store.GetCertificates(TrustStoreType::kCa, "cli-anchor").status().code(),
            ErrorCode::kNotFound);
}

TEST(TrustStoreInMemoryTest, AddValidates) {
  const TestPki pki = MakePki();
  TrustStore store;
  EXPECT_THAT(store.Add(TrustStoreType::kCa, "bad/name", {pki.root}).message(),
              HasSubstr("is invalid"));
  EXPECT_THAT(store.Add(TrustStoreType::kCa, "empty", {}).message(),
              HasSubstr("no x509 certificates"));
  EXPECT_THAT(store.Add(TrustStoreType::kCa, "leaf", {pki.leaf}).message(),
              HasSubstr("is not a CA certificate"));
}

TEST(TrustStoreInMemoryTest, ShadowsTheDirectoryStoreOfTheSameName) {
  const TestPki pki = MakePki();
  TrustStore store = TrustStore::FromDirectory(VectorStore());
  ASSERT_TRUE(store.Add(TrustStoreType::kCa, "valid-trust-store", {pki.root}).ok());
  EXPECT_EQ(store.GetCertificates(TrustStoreType::kCa, "valid-trust-store")->size(), 1u);
  EXPECT_EQ(store.GetCertificates(TrustStoreType::kSigningAuthority, "valid-trust-store")->size(),
            3u);
}

}  // namespace
}  // namespace signet::notary
