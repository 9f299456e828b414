#include "keys/file_key_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>
#include <vector>

#include "core/arn.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "core/time.h"
#include "crypto/aes_gcm.h"
#include "crypto/certificate_builder.h"
#include "crypto/digest.h"
#include "crypto/private_key.h"

namespace signet::keys {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

// Hex text of a fixed master key, as SIGNET_MASTER_KEY would hold it.
const std::string kMasterHex(64, 'a');

class FileKeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv(kMasterKeyEnv);  // the default-path tests must not pick up a developer's key
    char tmpl[] = "/tmp/signet-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ / "store";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<FileKeyStore> OpenDefault() {
    Result<std::unique_ptr<FileKeyStore>> store = FileKeyStore::Open(dir_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<FileKeyStore> OpenWith(std::string_view master) {
    Result<std::unique_ptr<FileKeyStore>> store = FileKeyStore::Open(dir_, SecretBytes(master));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  fs::path KeyFile(const std::string& id) const { return dir_ / "keys" / (id + ".key"); }

  fs::path root_;
  fs::path dir_;
};

const std::string kDigest = crypto::Sha384("artifact manifest");

TEST_F(FileKeyStoreTest, CreateSignVerify) {
  auto store = OpenDefault();
  ASSERT_TRUE(store);
  Result<KeyInfo> info =
      store->CreateKey("arn:aws:signer:us-east-1:000000000000:/signing-profiles/p/abcdefghij");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(IsValidUuid(info->id));
  Result<std::string> sig = store->SignDigest(info->id, kDigest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 96u);
  Result<crypto::PublicKey> pub = store->GetPublicKey(info->id);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->type(), crypto::KeyType::kEcP384);
  EXPECT_TRUE(pub->VerifyDigest(kDigest, *sig).ok());
  EXPECT_EQ(store->SignDigest(info->id, "short").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(FileKeyStoreTest, GetSignerSignsThroughTheStore) {
  auto store = OpenDefault();
  const KeyInfo info = store->CreateKey("signer").value();
  Result<std::unique_ptr<crypto::Signer>> signer = store->GetSigner(info.id);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ((*signer)->algorithm(), crypto::SignatureAlgorithm::kEs384);
  const std::string sig = (*signer)->Sign("payload").value();
  EXPECT_TRUE(store->GetPublicKey(info.id)->Verify("payload", sig).ok());
  EXPECT_EQ(store->GetSigner("00000000-0000-4000-8000-000000000000").status().code(),
            ErrorCode::kNotFound);
}

// A CA whose key never leaves the store: the certificate is signed through KeyStore::GetSigner.
TEST_F(FileKeyStoreTest, IssuesACertificateThroughTheStoreSigner) {
  auto store = OpenDefault();
  const KeyInfo info = store->CreateKey("root CA").value();
  std::unique_ptr<crypto::Signer> signer = store->GetSigner(info.id).value();
  crypto::CertificateTemplate tmpl;
  tmpl.role = crypto::CertificateRole::kRootCa;
  tmpl.subject.common_name = "Store Root";
  tmpl.not_before = ParseRfc3339("2024-01-01T00:00:00Z").value();
  tmpl.not_after = ParseRfc3339("2034-01-01T00:00:00Z").value();
  Result<crypto::Certificate> root = crypto::IssueRootCertificate(tmpl, *signer);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->Subject(), "CN=Store Root");
  EXPECT_TRUE(root->public_key().value() == store->GetPublicKey(info.id).value());
}

TEST_F(FileKeyStoreTest, ReopenedStoreSignsWithTheSameKey) {
  std::string id;
  std::optional<crypto::PublicKey> first_pub;
  {
    auto store = OpenDefault();
    id = store->CreateKey("k").value().id;
    first_pub = store->GetPublicKey(id).value();
  }
  const crypto::PublicKey* pub = &*first_pub;
  auto again = OpenDefault();
  ASSERT_TRUE(again);
  Result<std::string> sig = again->SignDigest(id, kDigest);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(pub->VerifyDigest(kDigest, *sig).ok());
  EXPECT_TRUE(again->GetPublicKey(id).value() == *pub);
}

TEST_F(FileKeyStoreTest, FilesArePrivate) {
  auto store = OpenDefault();
  const std::string id = store->CreateKey("k").value().id;
  EXPECT_EQ(Mode(dir_), 0700u);
  EXPECT_EQ(Mode(dir_ / "keys"), 0700u);
  EXPECT_EQ(Mode(dir_ / "master.key"), 0600u);
  EXPECT_EQ(fs::file_size(dir_ / "master.key"), 32u);
  EXPECT_EQ(Mode(KeyFile(id)), 0600u);
  EXPECT_EQ(Mode(dir_ / "keys" / (id + ".label")), 0600u);
  // No temporaries left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(FileKeyStoreTest, PrivateKeyNeverStoredInTheClear) {
  auto store = OpenDefault();
  const std::string id = store->CreateKey("k").value().id;
  // Decrypt the key file the way the store does, to learn the PKCS#8 bytes.
  const SecretBytes master(ReadFile(dir_ / "master.key"));
  Result<SecretBytes> pkcs8 = crypto::AesGcmOpen(master, ReadFile(KeyFile(id)), "signet-key:" + id);
  ASSERT_TRUE(pkcs8.ok()) << pkcs8.status().ToString();
  Result<crypto::PrivateKey> key = crypto::PrivateKey::FromPkcs8Der(*pkcs8);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->public_key() == store->GetPublicKey(id).value());
  // Neither the PKCS#8 DER nor a long slice of it appears in any file.
  const std::string_view der = pkcs8->reveal();
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    const std::string contents = ReadFile(entry.path());
    EXPECT_EQ(contents.find(der), std::string::npos) << entry.path();
    EXPECT_EQ(contents.find(der.substr(der.size() - 48)), std::string::npos) << entry.path();
  }
}

TEST_F(FileKeyStoreTest, WrongMasterKeyIsAClearFailedPrecondition) {
  std::string id;
  {
    auto store = OpenWith(kMasterHex);
    id = store->CreateKey("k").value().id;
  }
  auto wrong = OpenWith(std::string(64, 'b'));
  ASSERT_TRUE(wrong);
  Result<std::string> sig = wrong->SignDigest(id, kDigest);
  ASSERT_FALSE(sig.ok());
  EXPECT_EQ(sig.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(sig.status().message().find("wrong master key"), std::string::npos);
  EXPECT_NE(sig.status().message().find(id), std::string::npos);
  EXPECT_EQ(wrong->GetPublicKey(id).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(FileKeyStoreTest, TamperedKeyFileIsRefused) {
  std::string id;
  std::string other;
  {
    auto store = OpenWith(kMasterHex);
    id = store->CreateKey("k").value().id;
    other = store->CreateKey("other").value().id;
  }
  std::string sealed = ReadFile(KeyFile(id));
  sealed[sealed.size() / 2] ^= 0x01;
  WriteFile(KeyFile(id), sealed);
  auto store = OpenWith(kMasterHex);  // a fresh store: nothing cached
  EXPECT_EQ(store->SignDigest(id, kDigest).status().code(), ErrorCode::kFailedPrecondition);
  // A sealed key moved to another id does not open: the id is bound in as AAD.
  WriteFile(KeyFile(id), ReadFile(KeyFile(other)));
  EXPECT_EQ(store->SignDigest(id, kDigest).status().code(), ErrorCode::kFailedPrecondition);
  // Truncated.
  WriteFile(KeyFile(id), "short");
  EXPECT_FALSE(store->SignDigest(id, kDigest).ok());
  EXPECT_TRUE(store->SignDigest(other, kDigest).ok());
}

TEST_F(FileKeyStoreTest, MasterKeyValueInHexOrBase64) {
  const std::string raw = RandomBytes(32);
  std::string id;
  {
    auto store = OpenWith(HexEncode(raw));
    ASSERT_TRUE(store);
    id = store->CreateKey("k").value().id;
  }
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));        // a given master key is never written
  auto by_base64 = OpenWith(Base64Encode(raw) + "\n");  // surrounding whitespace is tolerated
  ASSERT_TRUE(by_base64);
  EXPECT_TRUE(by_base64->SignDigest(id, kDigest).ok());
  // Upper-case hex is the same key.
  std::string upper = HexEncode(raw);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto by_upper_hex = OpenWith(upper);
  ASSERT_TRUE(by_upper_hex);
  EXPECT_TRUE(by_upper_hex->SignDigest(id, kDigest).ok());
}

TEST_F(FileKeyStoreTest, MasterKeyFromEnvironment) {
  const std::string value = HexEncode(RandomBytes(32));
  ASSERT_EQ(::setenv(kMasterKeyEnv, value.c_str(), 1), 0);
  std::string id;
  {
    auto store = OpenDefault();
    ASSERT_TRUE(store);
    id = store->CreateKey("k").value().id;
  }
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));
  auto explicit_store = OpenWith(value);
  EXPECT_TRUE(explicit_store->SignDigest(id, kDigest).ok());
  ::unsetenv(kMasterKeyEnv);
}

TEST_F(FileKeyStoreTest, MalformedMasterKeyIsRejectedWithoutEchoingIt) {
  const std::string secretish = "s3cr3t-" + std::string(57, 'x');
  for (const std::string& bad : {std::string("xyz"), std::string(63, 'a'), std::string(66, 'a'),
                                 secretish, Base64Encode(std::string(31, 'k')),
                                 Base64Encode(std::string(33, 'k')), std::string("  ")}) {
    Result<std::unique_ptr<FileKeyStore>> store = FileKeyStore::Open(dir_, SecretBytes(bad));
    ASSERT_FALSE(store.ok()) << bad;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(store.status().message().find("SIGNET_MASTER_KEY"), std::string::npos);
    if (bad.size() > 3) {
      EXPECT_EQ(store.status().message().find(bad), std::string::npos);
    }
  }
}

TEST_F(FileKeyStoreTest, MasterKeyFileChecks) {
  { auto store = OpenDefault(); }
  const fs::path master = dir_ / "master.key";
  ::chmod(master.c_str(), 0644);
  Result<std::unique_ptr<FileKeyStore>> loose = FileKeyStore::Open(dir_);
  ASSERT_FALSE(loose.ok());
  EXPECT_EQ(loose.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(loose.status().message().find("chmod 600"), std::string::npos);
  ::chmod(master.c_str(), 0600);
  WriteFile(master, "too short");
  Result<std::unique_ptr<FileKeyStore>> corrupt = FileKeyStore::Open(dir_);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(FileKeyStoreTest, DestroyThenSignIsNotFound) {
  auto store = OpenDefault();
  const std::string id = store->CreateKey("doomed").value().id;
  ASSERT_TRUE(store->SignDigest(id, kDigest).ok());  // now cached
  ASSERT_TRUE(store->DestroyKey(id).ok());
  EXPECT_EQ(store->SignDigest(id, kDigest).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetPublicKey(id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->DestroyKey(id).code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(KeyFile(id)));
  EXPECT_FALSE(fs::exists(dir_ / "keys" / (id + ".label")));
  // Another store instance agrees.
  EXPECT_EQ(OpenDefault()->SignDigest(id, kDigest).status().code(), ErrorCode::kNotFound);
}

TEST_F(FileKeyStoreTest, UnknownAndMalformedIdsAreNotFound) {
  auto store = OpenDefault();
  for (const char* id : {"00000000-0000-4000-8000-000000000000", "../master", "", "master",
                         "00000000-0000-4000-8000-00000000000G"}) {
    EXPECT_EQ(store->SignDigest(id, kDigest).status().code(), ErrorCode::kNotFound) << id;
    EXPECT_EQ(store->GetPublicKey(id).status().code(), ErrorCode::kNotFound) << id;
    EXPECT_EQ(store->DestroyKey(id).code(), ErrorCode::kNotFound) << id;
  }
}

TEST_F(FileKeyStoreTest, ListKeys) {
  auto store = OpenDefault();
  EXPECT_TRUE(store->ListKeys().value().empty());
  const std::string a = store->CreateKey("alpha").value().id;
  const std::string b = store->CreateKey("beta").value().id;
  const std::string c = store->CreateKey("").value().id;
  ASSERT_TRUE(store->DestroyKey(b).ok());
  Result<std::vector<KeyInfo>> keys = OpenDefault()->ListKeys();
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  std::map<std::string, std::string> labels;
  for (const KeyInfo& k : *keys) labels[k.id] = k.label;
  EXPECT_EQ(labels[a], "alpha");
  EXPECT_EQ(labels[c], "");
  EXPECT_EQ(labels.count(b), 0u);
  EXPECT_LT((*keys)[0].id, (*keys)[1].id);  // sorted
}

TEST_F(FileKeyStoreTest, ConcurrentSigningFromFourThreads) {
  auto store = OpenDefault();
  const std::string id = store->CreateKey("shared").value().id;
  const crypto::PublicKey pub = store->GetPublicKey(id).value();
  auto fresh = OpenDefault();  // cold cache: the threads race to load the key
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string digest = crypto::Sha384("message " + std::to_string(t * 100 + i));
        Result<std::string> sig = fresh->SignDigest(id, digest);
        if (sig.ok() && pub.VerifyDigest(digest, *sig).ok()) ++verified;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(verified.load(), 40);
}

}  // namespace
}  // namespace signet::keys
