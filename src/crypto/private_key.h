// PrivateKey: an in-memory signing key of one of the six supported types.
//
// signet itself only generates EC P-384 keys (profile versions, CAs); the other types exist so
// that tests can produce envelopes with every algorithm a verifier must accept. The key bytes
// leave the object only as an encrypted-at-rest PKCS#8 blob via ToPkcs8Der() (SecretBytes), for
// the file key store. Thread-safe for concurrent signing.
#pragma once

#include <memory>

#include "core/secret_bytes.h"
#include "crypto/signer.h"

namespace signet::crypto {

class PrivateKey final : public Signer {
 public:
  static Result<PrivateKey> Generate(KeyType type);
  static Result<PrivateKey> FromPkcs8Der(const SecretBytes& der);
  // PEM ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN EC PRIVATE KEY-----"), for tests and imports.
  static Result<PrivateKey> FromPem(const SecretBytes& pem);

  SecretBytes ToPkcs8Der() const;

  const PublicKey& public_key() const override { return public_key_; }
  Result<std::string> SignDigest(std::string_view digest) const override;

  EVP_PKEY* raw() const { return pkey_.get(); }

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> pkey, PublicKey pub);
  std::shared_ptr<EVP_PKEY> pkey_;
  PublicKey public_key_;
  std::shared_ptr<PkeyContextPool> contexts_;  // initialised signing contexts
};

}  // namespace signet::crypto
