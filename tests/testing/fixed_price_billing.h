// FixedPriceBilling: a BillingPolicy test double (signer/billing.h) for tests that sign but are
// not about metering: one environment that signs, the published AWS prices, no budget. The real
// policy (metering::Meter behind api::MeteringBilling) is tested in tests/metering, tests/api and
// tests/integration/metering_test.py.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "signer/billing.h"

namespace signet::test {

class FixedPriceBilling final : public signer::BillingPolicy {
 public:
  explicit FixedPriceBilling(std::string environment = "test")
      : environment_(std::move(environment)) {}

  Result<signer::BillingDecision> Authorize(std::string_view environment,
                                            std::string_view platform_id, Timestamp) override {
    if (!environment.empty() && environment != environment_) {
      return InvalidArgumentError("unknown environment '" + std::string(environment) +
                                  "'; this signetd is configured with: " + environment_);
    }
    signer::BillingDecision decision;
    decision.environment = environment_;
    auto price = prices_.find(platform_id);
    decision.unit_price_micros = price == prices_.end() ? 0 : price->second;
    return decision;
  }

  Result<std::vector<std::string>> Charge(store::StoreTransaction&,
                                          const store::UsageRecord&) override {
    return std::vector<std::string>{};
  }

 private:
  const std::string environment_;
  const std::map<std::string, int64_t, std::less<>> prices_ = {
      {"AWSLambda-SHA384-ECDSA", 5'000}, {"Notation-OCI-SHA384-ECDSA", 500'000}};
};

}  // namespace signet::test
