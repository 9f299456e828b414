#include "oci/registry_pool.h"

namespace signet::oci {

Result<std::shared_ptr<RegistryTransport>> RegistryPool::Transport(std::string_view registry) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = transports_.find(registry); it != transports_.end()) return it->second;
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<RegistryTransport> created,
                          RegistryTransport::Create(registry, options_));
  if (transports_.size() >= kMaxRegistries) transports_.clear();
  std::shared_ptr<RegistryTransport> shared = std::move(created);
  transports_.emplace(std::string(registry), shared);
  return shared;
}

}  // namespace signet::oci
