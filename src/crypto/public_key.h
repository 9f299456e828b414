// PublicKey: a verification key of one of the six supported types (signature_algorithm.h).
//
// Keys of any other type or size (RSA-1024, P-224, Ed25519, ...) are refused when parsed, so a
// PublicKey is always one that the Notary Project allows. Copyable (shares the OpenSSL key);
// thread-safe for concurrent Verify calls.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/signature_algorithm.h"

namespace signet::crypto {

class PkeyContextPool;  // crypto/openssl_util.h

class PublicKey {
 public:
  // SubjectPublicKeyInfo, DER or PEM ("-----BEGIN PUBLIC KEY-----").
  static Result<PublicKey> FromSpkiDer(std::string_view der);
  static Result<PublicKey> FromPem(std::string_view pem);
  // Takes a reference on `pkey` (does not take ownership of the caller's).
  static Result<PublicKey> FromEvpPkey(EVP_PKEY* pkey);

  KeyType type() const { return type_; }
  // The one algorithm this key verifies.
  SignatureAlgorithm algorithm() const { return AlgorithmForKey(type_); }

  const std::string& SpkiDer() const { return spki_der_; }
  std::string ToPem() const;

  // Verifies `signature` over `data` with algorithm(). ECDSA signatures are raw R‖S.
  // Returns InvalidArgument "signature is invalid" on a bad signature.
  Status Verify(std::string_view data, std::string_view signature) const;
  // As Verify, over a digest computed by the caller with HashForAlgorithm(algorithm()).
  Status VerifyDigest(std::string_view digest, std::string_view signature) const;

  EVP_PKEY* raw() const { return pkey_.get(); }

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.spki_der_ == b.spki_der_; }

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> pkey, KeyType type, std::string spki_der);
  std::shared_ptr<EVP_PKEY> pkey_;
  // Initialised verification contexts, reused across calls and copies: setting one up (provider
  // fetch, PSS parameters) costs several percent of an ECDSA verification.
  std::shared_ptr<PkeyContextPool> contexts_;
  KeyType type_;
  std::string spki_der_;  // encoded once: comparing keys is on the signing path
};

}  // namespace signet::crypto
