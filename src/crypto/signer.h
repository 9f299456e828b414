// Signer: something that signs with a key it does not reveal.
//
// Two real implementations: PrivateKey (in memory; the file key store) and the PKCS#11 key
// (keys/). The key determines the algorithm. ECDSA signatures are returned raw (R‖S), the JWS
// and PKCS#11 form; X.509 code converts to DER itself. Implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/public_key.h"

namespace signet::crypto {

class Signer {
 public:
  virtual ~Signer() = default;

  virtual const PublicKey& public_key() const = 0;
  SignatureAlgorithm algorithm() const { return public_key().algorithm(); }

  // Hashes `data` with HashForAlgorithm(algorithm()) and signs the digest.
  Result<std::string> Sign(std::string_view data) const;
  // Signs a digest the caller computed with HashForAlgorithm(algorithm()).
  virtual Result<std::string> SignDigest(std::string_view digest) const = 0;
};

}  // namespace signet::crypto
