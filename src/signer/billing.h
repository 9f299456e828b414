// BillingPolicy: how each billable signature is decided and billed (DESIGN.md §8), as the
// signer sees it. The signer may not use metering/ (DESIGN.md §2), so signetd plugs the
// metering module in through this interface (api/metering_billing.h): the one source of
// environments and prices.
//
// Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace signet::signer {

// The environment a request names, as an API request header.
inline constexpr std::string_view kEnvironmentHeader = "x-signet-environment";

struct BillingDecision {
  std::string environment;  // resolved (never empty)
  int64_t unit_price_micros = 0;
  bool skip = false;         // sign nothing, bill nothing, create no job
  std::string skip_message;  // for the caller: "signing skipped: environment dev is ..."
  std::vector<std::string> warnings;  // budget warnings, to log and return
};

class BillingPolicy {
 public:
  virtual ~BillingPolicy() = default;
  // Before signing. `environment` as the caller named it (empty: the default). InvalidArgument
  // for an unknown environment; ResourceExhausted when its budget refuses the signature.
  virtual Result<BillingDecision> Authorize(std::string_view environment,
                                            std::string_view platform_id, Timestamp now) = 0;
  // Inside the transaction, before `usage` is appended: the binding budget check.
  // ResourceExhausted aborts the transaction. Returns the warnings.
  virtual Result<std::vector<std::string>> Charge(store::StoreTransaction& tx,
                                                  const store::UsageRecord& usage) = 0;
};

}  // namespace signet::signer
