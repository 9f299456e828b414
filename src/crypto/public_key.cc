#include "crypto/public_key.h"

#include <mutex>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/ecdsa_signature.h"
#include "crypto/evp_key.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {

Result<PublicKey> PublicKey::FromSpkiDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));  // NOLINT
  EvpPkeyPtr pkey(raw);
  if (!pkey) return OpenSslError(ErrorCode::kInvalidArgument, "malformed SubjectPublicKeyInfo");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return InvalidArgumentError("malformed SubjectPublicKeyInfo: trailing bytes");
  }
  return FromEvpPkey(pkey.get());
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (!bio) return InvalidArgumentError("public key PEM is too large");
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    return OpenSslError(ErrorCode::kInvalidArgument,
                        "malformed public key PEM (expected \"-----BEGIN PUBLIC KEY-----\")");
  }
  return FromEvpPkey(pkey.get());
}

PublicKey::PublicKey(std::shared_ptr<EVP_PKEY> pkey, KeyType type, std::string spki_der)
    : pkey_(std::move(pkey)),
      contexts_(std::make_shared<PkeyContextPool>()),
      type_(type),
      spki_der_(std::move(spki_der)) {}

Result<PublicKey> PublicKey::FromEvpPkey(EVP_PKEY* pkey) {
  SIGNET_ASSIGN_OR_RETURN(KeyType type, ClassifyKey(pkey));
  if (EVP_PKEY_up_ref(pkey) != 1) return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_up_ref");
  std::string spki = EncodeDer(pkey, i2d_PUBKEY);
  return PublicKey(std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free), type, std::move(spki));
}


std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  return BioContents(bio.get());
}

Status PublicKey::Verify(std::string_view data, std::string_view signature) const {
  return VerifyDigest(Hash(HashForAlgorithm(algorithm()), data), signature);
}

Status PublicKey::VerifyDigest(std::string_view digest, std::string_view signature) const {
  const HashAlgorithm hash = HashForAlgorithm(algorithm());
  if (digest.size() != DigestSize(hash)) {
    return InvalidArgumentError("digest for " + std::string(JwsAlgorithmName(algorithm())) +
                                " must be " + std::to_string(DigestSize(hash)) + " bytes, got " +
                                std::to_string(digest.size()));
  }
  std::string der_signature;
  std::string_view to_verify = signature;
  if (IsEcdsa(algorithm())) {
    // Raw R||S of exactly twice the scalar size; any other length is a bad signature, not a
    // different encoding to be guessed at.
    if (signature.size() != 2 * EcdsaScalarSize(type_)) {
      return InvalidArgumentError("signature is invalid");
    }
    Result<std::string> der = EcdsaRawToDer(signature);
    if (!der.ok()) return InvalidArgumentError("signature is invalid");
    der_signature = std::move(der).value();
    to_verify = der_signature;
  }
  EvpPkeyCtxPtr ctx = contexts_->Take();
  if (!ctx) {
    ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
      return OpenSslError(ErrorCode::kInternal, "EVP_PKEY_verify_init");
    }
    SIGNET_RETURN_IF_ERROR(ConfigureSignatureContext(ctx.get(), type_));
  }
  const int rc = EVP_PKEY_verify(
      ctx.get(), reinterpret_cast<const unsigned char*>(to_verify.data()), to_verify.size(),
      reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  ERR_clear_error();  // a failed verification leaves reasons on the queue; they are expected
  // A context keeps no per-verification state, so it goes back to the pool either way.
  contexts_->Give(std::move(ctx));
  if (rc != 1) return InvalidArgumentError("signature is invalid");
  return Status::Ok();
}

}  // namespace signet::crypto
