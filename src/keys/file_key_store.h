// FileKeyStore: the embedded default KeyStore.
//
// Layout under `dir` (created 0700):
//   master.key          32 random bytes, mode 0600, created on first use, unless the master key
//                       is given in the environment variable SIGNET_MASTER_KEY (64 hex digits or
//                       base64 of 32 bytes), in which case no file is written or read;
//   keys/<id>.key       AES-256-GCM(master, PKCS#8 DER of the private key, aad = "signet-key:" + id),
//                       mode 0600, written atomically (temp file + fsync + rename);
//   keys/<id>.label     the label given at creation.
// Decrypted keys are cached in memory (SecretBytes) for speed; nothing secret is logged.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/secret_bytes.h"
#include "crypto/private_key.h"
#include "keys/key_store.h"

namespace signet::keys {

inline constexpr const char* kMasterKeyEnv = "SIGNET_MASTER_KEY";

class FileKeyStore final : public KeyStore {
 public:
  // Opens (creating if needed) the store at `dir`. `master_key_env` overrides the variable read
  // (tests pass a value directly; nullopt reads SIGNET_MASTER_KEY from the environment).
  static Result<std::unique_ptr<FileKeyStore>> Open(
      const std::filesystem::path& dir, std::optional<SecretBytes> master_key = std::nullopt);

  Result<KeyInfo> CreateKey(std::string_view label) override;
  Result<std::string> SignDigest(std::string_view key_id, std::string_view digest) override;
  Result<crypto::PublicKey> GetPublicKey(std::string_view key_id) override;
  Result<std::vector<KeyInfo>> ListKeys() override;
  Status DestroyKey(std::string_view key_id) override;

 private:
  FileKeyStore(std::filesystem::path dir, SecretBytes master) : dir_(std::move(dir)), master_(std::move(master)) {}
  Result<std::shared_ptr<const crypto::PrivateKey>> Load(std::string_view key_id);

  std::filesystem::path dir_;
  SecretBytes master_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const crypto::PrivateKey>, std::less<>> cache_;
};

}  // namespace signet::keys
