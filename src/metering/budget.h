// Budget: an environment's monthly spending limit and what happens near and over it.
//
// All arithmetic is on integer micro-dollars; the warning share is in basis points (0.8 = 8000)
// so no floating point touches money. For one signature of price p in an environment that has
// spent s this UTC calendar month (s = the exact sum of its usage records):
//   s + p >  limit              over budget: `warn` signs with a warning, `deny` refuses (a free
//                               signature, p = 0, is never refused)
//   s + p >= limit × share      warning: signs, and the warning is logged and returned
// so with a limit of exactly k signatures, the k-th warns and, under `deny`, the (k+1)-th is
// refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::metering {

enum class OverBudgetAction { kWarn, kDeny };
std::string_view OverBudgetActionName(OverBudgetAction action);  // "warn", "deny"
Result<OverBudgetAction> ParseOverBudgetAction(std::string_view name);

// Upper limit of a monthly budget ($100 million): keeps limit × share inside int64.
inline constexpr int64_t kMaxMonthlyBudgetMicros = 100'000'000'000'000;
inline constexpr int32_t kBasisPoints = 10'000;

struct Budget {
  int64_t monthly_micros = 0;                   // 0 ..kMaxMonthlyBudgetMicros
  int32_t warn_share_basis_points = 8'000;      // 0 ..10'000
  OverBudgetAction over_budget = OverBudgetAction::kWarn;
};

// InvalidArgument naming the bad field.
Status ValidateBudget(const Budget& budget);

enum class BudgetLevel { kUnder, kWarning, kOver };

struct BudgetCheck {
  BudgetLevel level = BudgetLevel::kUnder;
  bool refused = false;  // over budget under `deny`, for a priced signature
  int64_t spent_after_micros = 0;
  std::string message;   // empty when kUnder; otherwise the warning or the refusal, for the user
};

// The outcome for one signature (see above). `budget` must be valid; `spent` >= 0.
BudgetCheck CheckBudget(std::string_view environment, std::string_view month,
                        const Budget& budget, int64_t spent_micros, int64_t price_micros);

}  // namespace signet::metering
