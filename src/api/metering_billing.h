// MeteringBilling: the metering module's Meter as the signer's BillingPolicy (signer/billing.h).
// The signer may not use metering/ (DESIGN.md §2); signetd wires the two together here. Budget
// warnings and refusals are logged (spdlog) as they are decided. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metering/meter.h"
#include "signer/billing.h"

namespace signet::api {

class MeteringBilling final : public signer::BillingPolicy {
 public:
  // `meter` must outlive this object.
  explicit MeteringBilling(const metering::Meter& meter) : meter_(meter) {}

  Result<signer::BillingDecision> Authorize(std::string_view environment,
                                            std::string_view platform_id, Timestamp now) override;
  Result<std::vector<std::string>> Charge(store::StoreTransaction& tx,
                                          const store::UsageRecord& usage) override;

 private:
  const metering::Meter& meter_;
};

}  // namespace signet::api
