// KeyStore: custody of signing keys that never leave it.
//
// Two implementations: FileKeyStore (keys/file_key_store.h, the embedded default: each key
// encrypted at rest with AES-256-GCM under a master key) and the PKCS#11 store (an HSM; SoftHSM2
// in tests). Keys are EC P-384 (ES384). Implementations are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/public_key.h"
#include "crypto/signer.h"

namespace signet::keys {

struct KeyInfo {
  std::string id;     // opaque, stable, safe to log and store
  std::string label;  // what the caller named it at creation (e.g. a profile version ARN)
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Creates a new non-extractable EC P-384 key and returns its id.
  virtual Result<KeyInfo> CreateKey(std::string_view label) = 0;
  // Signs a SHA-384 digest with the key: raw R‖S (96 bytes). NotFound for an unknown id.
  virtual Result<std::string> SignDigest(std::string_view key_id, std::string_view digest) = 0;
  virtual Result<crypto::PublicKey> GetPublicKey(std::string_view key_id) = 0;
  virtual Result<std::vector<KeyInfo>> ListKeys() = 0;
  // Destroys the key; signatures it made stay verifiable with its certificate.
  virtual Status DestroyKey(std::string_view key_id) = 0;

  // A Signer bound to one key of this store (the store must outlive it).
  Result<std::unique_ptr<crypto::Signer>> GetSigner(std::string_view key_id);
};

}  // namespace signet::keys
