#include "crypto/chain_validation_cache.h"

#include <string>

namespace signet::crypto {
namespace {

// The purpose, then each certificate's DER with its length: unambiguous for any chain.
std::string KeyFor(const std::vector<Certificate>& chain, CertificatePurpose purpose) {
  std::string key(1, purpose == CertificatePurpose::kCodeSigning ? 'c' : 't');
  for (const Certificate& c : chain) {
    key += std::to_string(c.der().size());
    key += ':';
    key += c.der();
  }
  return key;
}

}  // namespace

// The byte cap only backs up the entry cap: chains are a few KiB.
ChainValidationCache::ChainValidationCache(size_t max_entries)
    : valid_(max_entries, max_entries * 64 * 1024) {}

Status ChainValidationCache::Verify(const std::vector<Certificate>& chain,
                                    CertificatePurpose purpose) {
  std::string key = KeyFor(chain, purpose);
  if (valid_.Get(key)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  }
  SIGNET_RETURN_IF_ERROR(VerifyCertificateChain(chain, std::nullopt, purpose));
  const size_t bytes = key.size();
  valid_.Put(std::move(key), true, bytes);
  return Status::Ok();
}

}  // namespace signet::crypto
