// ChainValidationCache: remembers which certificate chains VerifyCertificateChain found valid, so
// a long-lived verifier checks the signatures and rules of a chain it sees again and again (every
// signature of one signing profile carries the same x5c) once, not on every verification.
//
// Only the time-independent validation is cached: VerifyCertificateChain(chain, nullopt, purpose).
// It depends on nothing but the chain's bytes and the purpose, which form the key; what depends
// on the time (validity periods, expiry) or on a trust store (anchoring, identities) is for the
// caller to check on every use. Failures are not cached (they are rare and carry a message).
// Bounded by an entry cap, least recently used first out.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "core/lru_cache.h"
#include "core/status.h"
#include "crypto/certificate.h"
#include "crypto/chain_verifier.h"

namespace signet::crypto {

class ChainValidationCache {
 public:
  static constexpr size_t kDefaultMaxEntries = 1024;
  explicit ChainValidationCache(size_t max_entries = kDefaultMaxEntries);

  // VerifyCertificateChain(chain, std::nullopt, purpose), answered from the cache when that chain
  // passed before.
  Status Verify(const std::vector<Certificate>& chain, CertificatePurpose purpose);

  size_t hits() const { return hits_.load(); }
  size_t size() const { return valid_.size(); }

 private:
  LruCache<bool> valid_;
  std::atomic<size_t> hits_{0};
};

}  // namespace signet::crypto
