#include "api/metering_billing.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace signet::api {

Result<signer::BillingDecision> MeteringBilling::Authorize(std::string_view environment,
                                                           std::string_view platform_id,
                                                           Timestamp now) {
  Result<metering::SigningDecision> decided = meter_.Authorize(environment, platform_id, now);
  if (!decided.ok()) {
    if (decided.status().code() == ErrorCode::kResourceExhausted) {
      spdlog::warn("signing refused: {}", decided.status().message());
    }
    return decided.status();
  }
  if (decided->skip) spdlog::info("{}", decided->skip_message);
  signer::BillingDecision out;
  out.environment = std::move(decided->environment);
  out.unit_price_micros = decided->unit_price_micros;
  out.skip = decided->skip;
  out.skip_message = std::move(decided->skip_message);
  out.warnings = std::move(decided->warnings);
  return out;
}

Result<std::vector<std::string>> MeteringBilling::Charge(store::StoreTransaction& tx,
                                                         const store::UsageRecord& usage) {
  Result<std::vector<std::string>> warnings = meter_.Charge(tx, usage);
  if (!warnings.ok()) {
    if (warnings.status().code() == ErrorCode::kResourceExhausted) {
      spdlog::warn("signing refused: {}", warnings.status().message());
    }
    return warnings;
  }
  for (const std::string& w : *warnings) {
    spdlog::warn("budget: {} (job {}, profile {})", w, usage.job_id, usage.profile_name);
  }
  return warnings;
}

}  // namespace signet::api
