// RegistryPool: the transports (keep-alive connections, tokens, what each registry showed of the
// Referrers API) of every registry a long-lived client talks to, one per registry, created on
// first use with the pool's options.
//
// At most kMaxRegistries transports are kept; past that the pool starts afresh (transports in
// use stay alive with their users), so names from untrusted input cannot grow it without bound.
// Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "oci/registry_transport.h"

namespace signet::oci {

class RegistryPool {
 public:
  static constexpr size_t kMaxRegistries = 256;

  explicit RegistryPool(RegistryOptions options) : options_(std::move(options)) {}

  // The transport of `registry` (host[:port]). Errors are RegistryTransport::Create's.
  Result<std::shared_ptr<RegistryTransport>> Transport(std::string_view registry);

  const RegistryOptions& options() const { return options_; }

 private:
  const RegistryOptions options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<RegistryTransport>, std::less<>> transports_;
};

}  // namespace signet::oci
