#include "crypto/private_key.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ecdsa_signature.h"
#include "crypto/evp_key.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, OpenSslDeleter<PKCS8_PRIV_KEY_INFO_free>>;

// Refuses to prompt on a terminal for the passphrase of an encrypted PEM key.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

// The public half as a key object of its own, so a PublicKey never holds private material.
Result<PublicKey> PublicHalf(EVP_PKEY* pkey) {
  const std::string spki = EncodeDer(pkey, i2d_PUBKEY);
  if (spki.empty()) return OpenSslError(ErrorCode::kInternal, "i2d_PUBKEY");
  return PublicKey::FromSpkiDer(spki);
}

}  // namespace

Result<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::kEcP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEcP521:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::kRsa2048:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeyType::kRsa3072:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
      break;
    case KeyType::kRsa4096:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
  }
  EvpPkeyPtr pkey(raw);
  if (!pkey) {
    return OpenSslError(ErrorCode::kInternal,
                        "generating a " + std::string(KeyTypeName(type)) + " key");
  }
  SIGNET_ASSIGN_OR_RETURN(PublicKey pub, PublicHalf(pkey.get()));
  return PrivateKey(std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free), std::move(pub));
}

Result<PrivateKey> PrivateKey::FromPkcs8Der(const SecretBytes& der) {
  const std::string_view bytes = der.reveal();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(bytes.size())));  // NOLINT
  if (!info) {
    ERR_clear_error();
    return InvalidArgumentError("malformed PKCS#8 private key");
  }
  if (p != reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size()) {
    return InvalidArgumentError("malformed PKCS#8 private key: trailing bytes");
  }
  EvpPkeyPtr pkey(EVP_PKCS82PKEY(info.get()));
  if (!pkey) {
    ERR_clear_error();
    return InvalidArgumentError("malformed PKCS#8 private key: unreadable key");
  }
  SIGNET_ASSIGN_OR_RETURN(PublicKey pub, PublicHalf(pkey.get()));
  return PrivateKey(std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free), std::move(pub));
}

Result<PrivateKey> PrivateKey::FromPem(const SecretBytes& pem) {
  BioPtr bio = MemoryBio(pem.reveal());
  if (!bio) return InvalidArgumentError("private key PEM is too large");
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) {
    ERR_clear_error();
    return InvalidArgumentError(
        "malformed private key PEM (expected an unencrypted \"-----BEGIN PRIVATE KEY-----\" or "
        "\"-----BEGIN EC PRIVATE KEY-----\" block)");
  }
  SIGNET_ASSIGN_OR_RETURN(PublicKey pub, PublicHalf(pkey.get()));
  return PrivateKey(std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free), std::move(pub));
}

SecretBytes PrivateKey::ToPkcs8Der() const {
  Pkcs8Ptr info(EVP_PKEY2PKCS8(pkey_.get()));
  if (!info) {
    ERR_clear_error();
    return SecretBytes();
  }
  unsigned char* buf = nullptr;
  const int len = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &buf);
  if (len <= 0 || buf == nullptr) {
    ERR_clear_error();
    return SecretBytes();
  }
  SecretBytes out(std::string_view(reinterpret_cast<const char*>(buf), static_cast<size_t>(len)));
  OPENSSL_clear_free(buf, static_cast<size_t>(len));
  return out;
}

PrivateKey::PrivateKey(std::shared_ptr<EVP_PKEY> pkey, PublicKey pub)
    : pkey_(std::move(pkey)),
      public_key_(std::move(pub)),
      contexts_(std::make_shared<PkeyContextPool>()) {}

Result<std::string> PrivateKey::SignDigest(std::string_view digest) const {
  const KeyType type = public_key_.type();
  const SignatureAlgorithm alg = AlgorithmForKey(type);
  const size_t want = DigestSize(HashForAlgorithm(alg));
  if (digest.size() != want) {
    return InvalidArgumentError("digest for " + std::string(JwsAlgorithmName(alg)) + " must be " +
                                std::to_string(want) + " bytes, got " +
                                std::to_string(digest.size()));
  }
  // A context serves one thread at a time; idle ones are reused (PkeyContextPool).
  EvpPkeyCtxPtr ctx = contexts_->Take();
  if (!ctx) {
    ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) {
      return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_sign_init");
    }
    SIGNET_RETURN_IF_ERROR(ConfigureSignatureContext(ctx.get(), type));
  }
  const auto* in = reinterpret_cast<const unsigned char*>(digest.data());
  size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, digest.size()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_sign");
  }
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                    digest.size()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_sign");
  }
  sig.resize(len);
  contexts_->Give(std::move(ctx));
  if (!IsEcdsa(alg)) return sig;
  return EcdsaDerToRaw(sig, EcdsaScalarSize(type));
}

}  // namespace signet::crypto
