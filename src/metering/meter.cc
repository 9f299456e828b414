#include "metering/meter.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "core/signet_metrics.h"

namespace signet::metering {
namespace {

using std::chrono::year_month_day;

// The month's spend of one environment: the store's running total, exact and constant-time.
Result<int64_t> MonthSpend(store::StoreOperations& ops, std::string_view environment,
                           Timestamp now) {
  return ops.MonthlyUsageMicros(environment, MonthOf(now));
}

}  // namespace

std::string MonthOf(Timestamp t) {
  const year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

std::pair<Timestamp, Timestamp> MonthBounds(Timestamp t) {
  const year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  const auto first = ymd.year() / ymd.month() / 1;
  const auto next = first + std::chrono::months(1);
  return {Timestamp(std::chrono::sys_days(first)), Timestamp(std::chrono::sys_days(next))};
}

Meter::Meter(store::Store& store, MeteringConfig config)
    : store_(store), config_(std::move(config)) {}

Result<SigningDecision> Meter::Authorize(std::string_view requested_environment,
                                         std::string_view platform_id, Timestamp now) const {
  SIGNET_ASSIGN_OR_RETURN(const Environment* env,
                          config_.environments.Resolve(requested_environment));
  SigningDecision decision;
  decision.environment = env->name;
  decision.unit_price_micros = config_.prices.UnitPriceMicros(platform_id);
  if (env->signing == SigningMode::kSkip) {
    decision.skip = true;
    decision.skip_message = "signing skipped: environment " + env->name +
                            " is configured to skip signing; nothing was signed or billed";
    metrics::SigningRefused().Add({env->name, "skipped"});
    return decision;
  }
  if (env->budget) {
    SIGNET_ASSIGN_OR_RETURN(int64_t spent, MonthSpend(store_, env->name, now));
    BudgetCheck check =
        CheckBudget(env->name, MonthOf(now), *env->budget, spent, decision.unit_price_micros);
    if (check.refused) {
      metrics::SigningRefused().Add({env->name, "over_budget"});
      return ResourceExhaustedError(check.message);
    }
    if (!check.message.empty()) decision.warnings.push_back(check.message);
  }
  return decision;
}

Result<std::vector<std::string>> Meter::Charge(store::StoreTransaction& tx,
                                               const store::UsageRecord& usage) const {
  SIGNET_ASSIGN_OR_RETURN(const Environment* env, config_.environments.Resolve(usage.environment));
  std::vector<std::string> warnings;
  if (!env->budget) return warnings;
  SIGNET_ASSIGN_OR_RETURN(int64_t spent, MonthSpend(tx, env->name, usage.time));
  BudgetCheck check = CheckBudget(env->name, MonthOf(usage.time), *env->budget, spent,
                                  usage.unit_price_micros);
  if (check.refused) {
    metrics::SigningRefused().Add({env->name, "over_budget"});
    return ResourceExhaustedError(check.message);
  }
  if (check.level != BudgetLevel::kUnder) {
    metrics::BudgetWarnings().Add(
        {env->name, check.level == BudgetLevel::kOver ? "over_budget" : "threshold"});
    warnings.push_back(check.message);
  }
  return warnings;
}

}  // namespace signet::metering
