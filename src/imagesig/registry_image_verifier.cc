#include "imagesig/registry_image_verifier.h"

#include <utility>

#include "oci/registry_repository.h"

namespace signet::imagesig {

Result<std::unique_ptr<RegistryImageVerifier>> RegistryImageVerifier::Create(
    notary::TrustPolicy policy, notary::TrustStore trust_store,
    RegistryImageVerifierOptions options) {
  std::shared_ptr<crypto::ChainValidationCache> chain_cache;
  if (options.max_cached_chains > 0) {
    chain_cache = std::make_shared<crypto::ChainValidationCache>(options.max_cached_chains);
  }
  options.verification.chain_cache = chain_cache;
  SIGNET_ASSIGN_OR_RETURN(ImageVerifier verifier,
                          ImageVerifier::Create(std::move(policy), std::move(trust_store),
                                                options.verification));
  return std::unique_ptr<RegistryImageVerifier>(
      new RegistryImageVerifier(std::move(verifier), options, std::move(chain_cache)));
}

Result<ImageVerification> RegistryImageVerifier::Verify(
    const oci::Reference& image,
    std::optional<std::chrono::steady_clock::time_point> deadline) const {
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<oci::RegistryTransport> transport,
                          pool_->Transport(image.registry));
  oci::RegistryRepository registry(std::move(transport), image.repository);
  registry.set_deadline(deadline);
  const std::string name = image.registry + "/" + image.repository;
  oci::CachedRepository repository(registry, *cache_, name);
  return verifier_.Verify(repository, name, image.Identifier());
}

}  // namespace signet::imagesig
