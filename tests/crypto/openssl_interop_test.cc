// Independent checks with the openssl command-line tool: what signet issues and signs must be
// accepted by a verifier that shares none of its code paths above libcrypto.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include "crypto/ecdsa_signature.h"
#include "test_certificates.h"

namespace signet::crypto {
namespace {

namespace fs = std::filesystem;

bool OpensslOnPath() { return std::system("command -v openssl >/dev/null 2>&1") == 0; }

class OpensslInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OpensslOnPath()) GTEST_SKIP() << "openssl is not on PATH";
    char tmpl[] = "/tmp/signet-openssl-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string Write(const std::string& name, std::string_view bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }

  // Runs `command` in the temp dir; returns its exit status, with its output in `output`.
  int Run(const std::string& command, std::string* output = nullptr) {
    const std::string log = (dir_ / "out.log").string();
    const int rc =
        std::system(("cd '" + dir_.string() + "' && " + command + " >'" + log + "' 2>&1").c_str());
    if (output != nullptr) *output = testing::ReadTestFile(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  fs::path dir_;
};

TEST_F(OpensslInteropTest, OpensslVerifiesIssuedChain) {
  for (const auto& [root, issuing, leaf] :
       {std::tuple{KeyType::kEcP384, KeyType::kEcP384, KeyType::kEcP384},
        std::tuple{KeyType::kRsa3072, KeyType::kRsa2048, KeyType::kEcP256}}) {
    const testing::TestPki pki = testing::MakePki(root, issuing, leaf);
    Write("root.pem", pki.root.ToPem());
    Write("issuing.pem", pki.issuing.ToPem());
    Write("leaf.pem", pki.leaf.ToPem());
    std::string out;
    EXPECT_EQ(
        Run("openssl verify -x509_strict -CAfile root.pem -untrusted issuing.pem leaf.pem", &out),
        0)
        << KeyTypeName(root) << ": " << out;
    // Negative control: without the issuing CA there is no path.
    EXPECT_NE(Run("openssl verify -CAfile root.pem leaf.pem", &out), 0) << out;
  }
}

TEST_F(OpensslInteropTest, OpensslVerifiesP384Signature) {
  const PrivateKey& key = testing::SharedKey(KeyType::kEcP384);
  const std::string data = "signet interop: the quick brown fox\n";
  const std::string raw = key.Sign(data).value();
  ASSERT_EQ(raw.size(), 96u);
  Write("data", data);
  Write("pub.pem", key.public_key().ToPem());
  Write("sig.der", EcdsaRawToDer(raw).value());
  std::string out;
  EXPECT_EQ(Run("openssl dgst -sha384 -verify pub.pem -signature sig.der data", &out), 0) << out;
  // Negative control: other data.
  Write("data", data + "!");
  EXPECT_NE(Run("openssl dgst -sha384 -verify pub.pem -signature sig.der data", &out), 0) << out;
}

TEST_F(OpensslInteropTest, OpensslVerifiesPs256Signature) {
  const PrivateKey& key = testing::SharedKey(KeyType::kRsa2048);
  const std::string data = "signet interop: RSASSA-PSS";
  Write("data", data);
  Write("pub.pem", key.public_key().ToPem());
  Write("sig.bin", key.Sign(data).value());
  std::string out;
  EXPECT_EQ(Run("openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 "
                "-sigopt rsa_mgf1_md:sha256 -verify pub.pem -signature sig.bin data",
                &out),
            0)
      << out;
}

TEST_F(OpensslInteropTest, SignetVerifiesOpensslSignature) {
  const PrivateKey& key = testing::SharedKey(KeyType::kEcP384);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, key.raw(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* pem = nullptr;
  const long len = BIO_get_mem_data(bio, &pem);  // NOLINT(google-runtime-int)
  Write("key.pem", std::string_view(pem, static_cast<size_t>(len)));
  BIO_free(bio);
  Write("data", "made by openssl");
  std::string out;
  ASSERT_EQ(Run("openssl dgst -sha384 -sign key.pem -out sig.der data", &out), 0) << out;
  const std::string der = testing::ReadTestFile((dir_ / "sig.der").string());
  Result<std::string> raw = EcdsaDerToRaw(der, 48);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_TRUE(key.public_key().Verify("made by openssl", *raw).ok());
}

}  // namespace
}  // namespace signet::crypto
