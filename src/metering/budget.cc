#include "metering/budget.h"

#include <limits>

#include "metering/price_table.h"

namespace signet::metering {

std::string_view OverBudgetActionName(OverBudgetAction action) {
  return action == OverBudgetAction::kDeny ? "deny" : "warn";
}

Result<OverBudgetAction> ParseOverBudgetAction(std::string_view name) {
  if (name == "warn") return OverBudgetAction::kWarn;
  if (name == "deny") return OverBudgetAction::kDeny;
  return InvalidArgumentError("over_budget must be \"warn\" or \"deny\" (got \"" +
                              std::string(name) + "\")");
}

Status ValidateBudget(const Budget& budget) {
  if (budget.monthly_micros < 0 || budget.monthly_micros > kMaxMonthlyBudgetMicros) {
    return InvalidArgumentError("monthly_micros must be 0 to " +
                                std::to_string(kMaxMonthlyBudgetMicros) + " (got " +
                                std::to_string(budget.monthly_micros) + ")");
  }
  if (budget.warn_share_basis_points < 0 || budget.warn_share_basis_points > kBasisPoints) {
    return InvalidArgumentError("warn_at must be a share from 0 to 1, e.g. 0.8");
  }
  return Status::Ok();
}

BudgetCheck CheckBudget(std::string_view environment, std::string_view month,
                        const Budget& budget, int64_t spent_micros, int64_t price_micros) {
  BudgetCheck check;
  const std::string env(environment);
  const std::string limit = "$" + FormatDollars(budget.monthly_micros);
  int64_t after = 0;
  if (__builtin_add_overflow(spent_micros, price_micros, &after)) {
    after = std::numeric_limits<int64_t>::max();
  }
  check.spent_after_micros = after;
  if (after > budget.monthly_micros) {
    check.level = BudgetLevel::kOver;
    check.refused = budget.over_budget == OverBudgetAction::kDeny && price_micros > 0;
    if (check.refused) {
      check.message = "environment " + env + " has used $" + FormatDollars(spent_micros) +
                      " of its " + limit + " budget for " + std::string(month) +
                      "; this signature ($" + FormatDollars(price_micros) +
                      ") would exceed it, so it is refused (over_budget: deny). Raise the "
                      "budget in the metering configuration, or wait for the next month";
    } else {
      check.message = "environment " + env + " is over its " + limit + " budget for " +
                      std::string(month) + " ($" + FormatDollars(after) +
                      " with this signature); signing continues (over_budget: warn)";
    }
    return check;
  }
  // after <= monthly_micros <= kMaxMonthlyBudgetMicros: neither product overflows.
  if (after > 0 && after * kBasisPoints >=
                       budget.monthly_micros * static_cast<int64_t>(budget.warn_share_basis_points)) {
    check.level = BudgetLevel::kWarning;
    const int64_t percent = budget.monthly_micros == 0 ? 100 : after * 100 / budget.monthly_micros;
    check.message = "environment " + env + " has used $" + FormatDollars(after) + " of its " +
                    limit + " budget for " + std::string(month) + " (" +
                    std::to_string(percent) + "%)";
  }
  return check;
}

}  // namespace signet::metering
