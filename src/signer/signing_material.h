// SigningMaterialCache: the key and certificate chain of each signing profile version.
//
// Issue() makes the material of a new version: a P-384 key in the KeyStore (labelled with the
// version ARN) and a code-signing leaf from the installation's CA. Get() returns a ready-to-use
// signer and parsed chain for a stored version, cached (keys and certificates never change for
// a version), so the signing hot path parses nothing. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"
#include "keys/key_store.h"
#include "notary/jws_envelope.h"
#include "signer/certificate_authority.h"
#include "store/signing_profile_record.h"

namespace signet::signer {

struct IssuedMaterial {
  std::string key_id;
  std::string chain_pem;  // leaf, issuing CA, root
};

struct SigningMaterial {
  std::unique_ptr<crypto::Signer> signer;
  notary::JwsCertificateChain jws_chain;  // the chain, its x5c encoded once for SignPayload

  // Leaf first.
  const std::vector<crypto::Certificate>& chain() const { return jws_chain.certificates(); }
};

class SigningMaterialCache {
 public:
  SigningMaterialCache(keys::KeyStore& keys, const CertificateAuthority& ca)
      : keys_(keys), ca_(ca) {}

  // A new key and a leaf valid from now (minus a few minutes of clock skew) until `not_after`.
  Result<IssuedMaterial> Issue(const store::SigningProfileRecord& version, Timestamp not_after);
  // Destroys a key that was issued but never stored (best effort).
  void Discard(const std::string& key_id);

  Result<std::shared_ptr<const SigningMaterial>> Get(const store::SigningProfileRecord& version);
  // SignerService::CertificateHash of the version's leaf, from its certificates alone (a revoked
  // version's key may be destroyed). Cached: GetRevocationStatus asks for every revoked version.
  Result<std::string> LeafHash(const store::SigningProfileRecord& version);

 private:
  keys::KeyStore& keys_;
  const CertificateAuthority& ca_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const SigningMaterial>> by_version_arn_;
  std::map<std::string, std::string> leaf_hash_by_version_arn_;
};

}  // namespace signet::signer
