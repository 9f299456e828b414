// The six key types as a parameterised matrix: sign, verify, tamper, encode, and refuse the rest.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <thread>
#include <vector>

#include "crypto/ecdsa_signature.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "crypto/signature_algorithm.h"
#include "test_keys.h"

namespace signet::crypto {
namespace {

using testing::kAllKeyTypes;
using testing::OtherSharedKey;
using testing::SharedKey;

size_t SignatureSize(KeyType type) {
  switch (type) {
    case KeyType::kEcP256:
      return 64;
    case KeyType::kEcP384:
      return 96;
    case KeyType::kEcP521:
      return 132;
    case KeyType::kRsa2048:
      return 256;
    case KeyType::kRsa3072:
      return 384;
    case KeyType::kRsa4096:
      return 512;
  }
  return 0;
}

class KeysAndSignaturesTest : public ::testing::TestWithParam<KeyType> {
 protected:
  const PrivateKey& key() const { return SharedKey(GetParam()); }
};

TEST_P(KeysAndSignaturesTest, GeneratedKeyHasItsType) {
  EXPECT_EQ(key().public_key().type(), GetParam());
  EXPECT_EQ(key().algorithm(), AlgorithmForKey(GetParam()));
}

TEST_P(KeysAndSignaturesTest, SignThenVerify) {
  const std::string data = "{\"targetArtifact\":{}}";
  Result<std::string> sig = key().Sign(data);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), SignatureSize(GetParam()));
  EXPECT_TRUE(key().public_key().Verify(data, *sig).ok());
  // VerifyDigest over the caller's digest agrees.
  const std::string digest = Hash(HashForAlgorithm(key().algorithm()), data);
  EXPECT_TRUE(key().public_key().VerifyDigest(digest, *sig).ok());
  // SignDigest is what Sign does.
  Result<std::string> sig2 = key().SignDigest(digest);
  ASSERT_TRUE(sig2.ok());
  EXPECT_TRUE(key().public_key().Verify(data, *sig2).ok());
}

TEST_P(KeysAndSignaturesTest, FlippedBitFails) {
  const std::string data = "payload";
  std::string sig = key().Sign(data).value();
  for (size_t pos : {size_t{0}, sig.size() / 2, sig.size() - 1}) {
    std::string bad = sig;
    bad[pos] ^= 0x01;
    const Status s = key().public_key().Verify(data, bad);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << pos;
    EXPECT_EQ(s.message(), "signature is invalid");
  }
  EXPECT_FALSE(key().public_key().Verify("payloaD", sig).ok());
}

TEST_P(KeysAndSignaturesTest, SignatureFromAnotherKeyFails) {
  const PrivateKey& other = OtherSharedKey(GetParam());
  ASSERT_FALSE(other.public_key() == key().public_key());
  const std::string sig = other.Sign("payload").value();
  EXPECT_TRUE(other.public_key().Verify("payload", sig).ok());
  const Status s = key().public_key().Verify("payload", sig);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "signature is invalid");
}

TEST_P(KeysAndSignaturesTest, WrongLengthSignatureFails) {
  const std::string sig = key().Sign("payload").value();
  for (const std::string& bad : {sig.substr(0, sig.size() - 1), sig + '\0', std::string(),
                                 std::string(sig.size() / 2, '\x01'), sig + sig}) {
    const Status s = key().public_key().Verify("payload", bad);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << bad.size();
  }
  if (IsEcdsa(key().algorithm())) {
    // The DER form of a valid signature is not accepted where raw R||S is expected.
    const std::string der = EcdsaRawToDer(sig).value();
    EXPECT_FALSE(key().public_key().Verify("payload", der).ok());
  }
}

TEST_P(KeysAndSignaturesTest, WrongDigestLengthIsRefused) {
  EXPECT_EQ(key().SignDigest("short").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(key().public_key().VerifyDigest("short", std::string(64, '\0')).code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(KeysAndSignaturesTest, PublicKeyDerAndPemRoundTrip) {
  const PublicKey& pub = key().public_key();
  Result<PublicKey> from_der = PublicKey::FromSpkiDer(pub.SpkiDer());
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  EXPECT_TRUE(*from_der == pub);
  EXPECT_EQ(from_der->type(), GetParam());
  const std::string pem = pub.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  Result<PublicKey> from_pem = PublicKey::FromPem(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  EXPECT_TRUE(*from_pem == pub);
  // A parsed key verifies what the original signed.
  EXPECT_TRUE(from_der->Verify("x", key().Sign("x").value()).ok());
  // Trailing garbage and truncation are refused.
  EXPECT_FALSE(PublicKey::FromSpkiDer(pub.SpkiDer() + '\0').ok());
  EXPECT_FALSE(PublicKey::FromSpkiDer(pub.SpkiDer().substr(0, 20)).ok());
}

TEST_P(KeysAndSignaturesTest, PrivateKeyPkcs8AndPemRoundTrip) {
  const SecretBytes pkcs8 = key().ToPkcs8Der();
  ASSERT_FALSE(pkcs8.empty());
  Result<PrivateKey> back = PrivateKey::FromPkcs8Der(pkcs8);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->public_key() == key().public_key());
  EXPECT_TRUE(key().public_key().Verify("x", back->Sign("x").value()).ok());

  // PEM, as PKCS#8 ("PRIVATE KEY") and, for EC, SEC1 ("EC PRIVATE KEY").
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, key().raw(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  const std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  Result<PrivateKey> from_pem = PrivateKey::FromPem(SecretBytes(pem));
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  EXPECT_TRUE(from_pem->public_key() == key().public_key());

  EXPECT_FALSE(PrivateKey::FromPkcs8Der(SecretBytes(std::string(pkcs8.reveal()) + "x")).ok());
  EXPECT_FALSE(PrivateKey::FromPkcs8Der(SecretBytes(pkcs8.reveal().substr(1))).ok());
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, KeysAndSignaturesTest, ::testing::ValuesIn(kAllKeyTypes),
                         [](const ::testing::TestParamInfo<KeyType>& param_info) {
                           std::string name(KeyTypeName(param_info.param));
                           std::erase_if(name, [](char c) { return c == ' ' || c == '-'; });
                           return name;
                         });

TEST(KeysAndSignaturesTest, EcPrivateKeyPemIsAccepted) {
  const PrivateKey& ec = SharedKey(KeyType::kEcP384);
  BIO* bio = BIO_new(BIO_s_mem());
  // Traditional SEC1 form ("-----BEGIN EC PRIVATE KEY-----").
  ASSERT_EQ(
      PEM_write_bio_PrivateKey_traditional(bio, ec.raw(), nullptr, nullptr, 0, nullptr, nullptr),
      1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  const std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  ASSERT_NE(pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  Result<PrivateKey> key = PrivateKey::FromPem(SecretBytes(pem));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->public_key() == ec.public_key());
}

TEST(KeysAndSignaturesTest, AlgorithmTable) {
  EXPECT_EQ(AlgorithmForKey(KeyType::kEcP256), SignatureAlgorithm::kEs256);
  EXPECT_EQ(AlgorithmForKey(KeyType::kEcP384), SignatureAlgorithm::kEs384);
  EXPECT_EQ(AlgorithmForKey(KeyType::kEcP521), SignatureAlgorithm::kEs512);
  EXPECT_EQ(AlgorithmForKey(KeyType::kRsa2048), SignatureAlgorithm::kPs256);
  EXPECT_EQ(AlgorithmForKey(KeyType::kRsa3072), SignatureAlgorithm::kPs384);
  EXPECT_EQ(AlgorithmForKey(KeyType::kRsa4096), SignatureAlgorithm::kPs512);
  for (const char* name : {"ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}) {
    const std::optional<SignatureAlgorithm> alg = ParseJwsAlgorithm(name);
    ASSERT_TRUE(alg.has_value()) << name;
    EXPECT_EQ(JwsAlgorithmName(*alg), name);
  }
  for (const char* name : {"es384", "RS256", "none", "HS256", "EdDSA", ""}) {
    EXPECT_FALSE(ParseJwsAlgorithm(name).has_value()) << name;
  }
  EXPECT_EQ(HashForAlgorithm(SignatureAlgorithm::kPs384), HashAlgorithm::kSha384);
  EXPECT_EQ(HashForAlgorithm(SignatureAlgorithm::kEs512), HashAlgorithm::kSha512);
  EXPECT_TRUE(IsEcdsa(SignatureAlgorithm::kEs256));
  EXPECT_FALSE(IsEcdsa(SignatureAlgorithm::kPs256));
  EXPECT_EQ(KeyTypeName(KeyType::kEcP384), "EC P-384");
  EXPECT_EQ(KeyTypeName(KeyType::kRsa3072), "RSA 3072");
}

// Keys made with OpenSSL that a Notary signature may not use.
struct UnsupportedKey {
  const char* name;
  const char* type;
  const char* param;  // curve name, or null
  size_t bits;        // RSA bits, or 0
  const char* message;
};

class UnsupportedKeyTest : public ::testing::TestWithParam<UnsupportedKey> {};

TEST_P(UnsupportedKeyTest, IsRefused) {
  const UnsupportedKey& k = GetParam();
  EVP_PKEY* raw = nullptr;
  if (k.bits != 0) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, k.type, k.bits);
  } else if (k.param != nullptr) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, k.type, k.param);
  } else {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, k.type);
  }
  ASSERT_NE(raw, nullptr);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(raw, EVP_PKEY_free);

  Result<PublicKey> from_evp = PublicKey::FromEvpPkey(pkey.get());
  ASSERT_FALSE(from_evp.ok());
  EXPECT_EQ(from_evp.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(from_evp.status().message().rfind(k.message, 0), 0u) << from_evp.status().message();

  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey.get(), &der);
  ASSERT_GT(len, 0);
  const std::string spki(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  Result<PublicKey> from_der = PublicKey::FromSpkiDer(spki);
  ASSERT_FALSE(from_der.ok());
  EXPECT_EQ(from_der.status().message(), from_evp.status().message());

  unsigned char* p8 = nullptr;
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(pkey.get());
  ASSERT_NE(info, nullptr);
  const int p8len = i2d_PKCS8_PRIV_KEY_INFO(info, &p8);
  PKCS8_PRIV_KEY_INFO_free(info);
  ASSERT_GT(p8len, 0);
  const SecretBytes pkcs8(
      std::string_view(reinterpret_cast<char*>(p8), static_cast<size_t>(p8len)));
  OPENSSL_free(p8);
  EXPECT_FALSE(PrivateKey::FromPkcs8Der(pkcs8).ok());
}

INSTANTIATE_TEST_SUITE_P(Keys, UnsupportedKeyTest,
                         ::testing::Values(UnsupportedKey{"Rsa1024", "RSA", nullptr, 1024,
                                                          "unsupported key: RSA 1024 bits"},
                                           UnsupportedKey{"EcP224", "EC", "P-224", 0,
                                                          "unsupported key: EC curve secp224r1"},
                                           UnsupportedKey{"Ed25519", "ED25519", nullptr, 0,
                                                          "unsupported key: ED25519"}),
                         [](const ::testing::TestParamInfo<UnsupportedKey>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(PublicKeyTest, MalformedInputIsRefused) {
  EXPECT_FALSE(PublicKey::FromSpkiDer("").ok());
  EXPECT_FALSE(PublicKey::FromSpkiDer("not der").ok());
  EXPECT_FALSE(PublicKey::FromPem("").ok());
  EXPECT_FALSE(
      PublicKey::FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").ok());
  EXPECT_FALSE(PrivateKey::FromPem(SecretBytes("nothing")).ok());
  EXPECT_FALSE(PrivateKey::FromPkcs8Der(SecretBytes("")).ok());
}

TEST(PrivateKeyTest, EncryptedPemIsRefusedWithoutPrompting) {
  const PrivateKey& ec = SharedKey(KeyType::kEcP256);
  BIO* bio = BIO_new(BIO_s_mem());
  const char pass[] = "passphrase";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, ec.raw(), EVP_aes_256_cbc(), pass, sizeof(pass) - 1,
                                          nullptr, nullptr),
            1);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  const std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EXPECT_FALSE(PrivateKey::FromPem(SecretBytes(pem)).ok());
}

TEST(PrivateKeyTest, ConcurrentSigningIsSafe) {
  const PrivateKey& key = SharedKey(KeyType::kEcP384);
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Result<std::string> sig = key.Sign("data");
        if (sig.ok() && key.public_key().Verify("data", *sig).ok()) ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 100);
}

}  // namespace
}  // namespace signet::crypto
