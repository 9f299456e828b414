#include "signer/signing_material.h"

#include <chrono>

#include "signer/signer_service.h"

namespace signet::signer {

Result<IssuedMaterial> SigningMaterialCache::Issue(const store::SigningProfileRecord& version,
                                                   Timestamp not_after) {
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo key, keys_.CreateKey(version.version_arn));
  Result<crypto::PublicKey> public_key = keys_.GetPublicKey(key.id);
  if (!public_key.ok()) {
    Discard(key.id);
    return public_key.status();
  }
  // Verifiers whose clocks run a little behind must still accept the first signatures.
  const Timestamp not_before = version.created_at - std::chrono::minutes(5);
  Result<crypto::Certificate> leaf = ca_.IssueCodeSigningCertificate(
      *public_key, version.name, version.account, not_before, not_after);
  if (!leaf.ok()) {
    Discard(key.id);
    return leaf.status();
  }
  std::string pem;
  for (const crypto::Certificate& c : ca_.ChainFor(*leaf)) pem += c.ToPem();
  return IssuedMaterial{key.id, std::move(pem)};
}

void SigningMaterialCache::Discard(const std::string& key_id) { (void)keys_.DestroyKey(key_id); }

Result<std::shared_ptr<const SigningMaterial>> SigningMaterialCache::Get(
    const store::SigningProfileRecord& version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_version_arn_.find(version.version_arn);
    if (it != by_version_arn_.end()) return it->second;
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> chain,
                          crypto::Certificate::ParseBundle(version.certificate_chain_pem));
  if (chain.size() < 2) {
    return InternalError("profile version " + version.version_arn +
                         " has no certificate chain");
  }
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer, keys_.GetSigner(version.key_id));
  auto material = std::make_shared<const SigningMaterial>(
      SigningMaterial{std::move(signer), notary::JwsCertificateChain(std::move(chain))});
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = by_version_arn_.emplace(version.version_arn, std::move(material));
  return it->second;
}

Result<std::string> SigningMaterialCache::LeafHash(const store::SigningProfileRecord& version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = leaf_hash_by_version_arn_.find(version.version_arn);
    if (it != leaf_hash_by_version_arn_.end()) return it->second;
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> chain,
                          crypto::Certificate::ParseBundle(version.certificate_chain_pem));
  if (chain.size() < 2) {
    return InternalError("profile version " + version.version_arn + " has no certificate chain");
  }
  std::string hash = SignerService::CertificateHash(chain[0], chain[1]);
  std::lock_guard<std::mutex> lock(mu_);
  leaf_hash_by_version_arn_.emplace(version.version_arn, hash);
  return hash;
}

}  // namespace signet::signer
