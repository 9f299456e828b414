#include "keys/key_store.h"

namespace signet::keys {
namespace {

// A Signer for one key of a store: signing goes to the store, so the key never leaves it.
class StoreSigner final : public crypto::Signer {
 public:
  StoreSigner(KeyStore* store, std::string key_id, crypto::PublicKey public_key)
      : store_(store), key_id_(std::move(key_id)), public_key_(std::move(public_key)) {}

  const crypto::PublicKey& public_key() const override { return public_key_; }
  Result<std::string> SignDigest(std::string_view digest) const override {
    return store_->SignDigest(key_id_, digest);
  }

 private:
  KeyStore* store_;  // not owned; outlives this signer (KeyStore::GetSigner's contract)
  std::string key_id_;
  crypto::PublicKey public_key_;
};

}  // namespace

Result<std::unique_ptr<crypto::Signer>> KeyStore::GetSigner(std::string_view key_id) {
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey public_key, GetPublicKey(key_id));
  return std::unique_ptr<crypto::Signer>(
      std::make_unique<StoreSigner>(this, std::string(key_id), std::move(public_key)));
}

}  // namespace signet::keys
