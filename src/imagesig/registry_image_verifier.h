// RegistryImageVerifier: a long-lived verifier of images in OCI registries for a process that
// verifies many (signetd's admission webhook, benchmarks). It is an ImageVerifier that owns what
// it reuses from one verification to the next:
//   - the registry connections (oci::RegistryPool: keep-alive connections, bearer tokens, the
//     registry's Referrers API support, remembered for the verifier's lifetime);
//   - an oci::RepositoryCache (cached_repository.h): content by digest under an LRU cap, tags and
//     signature lists for at most their TTLs (5 s by default; 0 disables);
//   - a crypto::ChainValidationCache: a certificate chain seen before is not validated again.
// What is never cached: the envelope's signature (verified on every call), expiry and the
// chain's validity at the signing time (against the clock on every call), anchoring in the trust
// store and the trusted identities, revocation (the RevocationChecker is asked every time), and
// the outcome itself (caching decisions is the caller's business, e.g. admission's
// VerificationCache).
//
// Thread-safe: Verify may run concurrently from any number of threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "crypto/chain_validation_cache.h"
#include "imagesig/image_verifier.h"
#include "oci/cached_repository.h"
#include "oci/reference.h"
#include "oci/registry_pool.h"

namespace signet::imagesig {

struct RegistryImageVerifierOptions {
  oci::RegistryOptions registry;
  oci::RepositoryCacheOptions cache;
  size_t max_cached_chains = crypto::ChainValidationCache::kDefaultMaxEntries;  // 0: none
  ImageVerificationOptions verification;  // its chain_cache is the verifier's own
};

class RegistryImageVerifier {
 public:
  // Errors are ImageVerifier::Create's.
  static Result<std::unique_ptr<RegistryImageVerifier>> Create(notary::TrustPolicy policy,
                                                               notary::TrustStore trust_store,
                                                               RegistryImageVerifierOptions options);

  // Verifies `image` (by its digest when it has one, else its tag) as ImageVerifier::Verify does
  // for "registry/repository". With a deadline, every registry exchange must end by then
  // (Unavailable otherwise, which is never "verified").
  Result<ImageVerification> Verify(
      const oci::Reference& image,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt) const;

  const oci::RepositoryCache& cache() const { return *cache_; }
  size_t chain_cache_hits() const { return chain_cache_ ? chain_cache_->hits() : 0; }

 private:
  RegistryImageVerifier(ImageVerifier verifier, RegistryImageVerifierOptions& options,
                        std::shared_ptr<crypto::ChainValidationCache> chain_cache)
      : verifier_(std::move(verifier)),
        pool_(std::make_unique<oci::RegistryPool>(std::move(options.registry))),
        cache_(std::make_unique<oci::RepositoryCache>(std::move(options.cache))),
        chain_cache_(std::move(chain_cache)) {}

  ImageVerifier verifier_;
  std::unique_ptr<oci::RegistryPool> pool_;
  std::unique_ptr<oci::RepositoryCache> cache_;
  std::shared_ptr<crypto::ChainValidationCache> chain_cache_;
};

}  // namespace signet::imagesig
