// Meter: applies the metering configuration to each billable signature (DESIGN.md §8).
//
// Two steps per signature, so that slow signing happens outside any transaction and the budget
// is still exact:
//   1. Authorize, before signing: resolves the environment the caller named (empty: the
//      default; unknown: InvalidArgument), reports `skip`, prices the signature, and refuses it
//      early (ResourceExhausted) when the environment is already over a `deny` budget.
//   2. Charge, inside the store transaction that writes the job's usage record: re-reads the
//      month's exact spend of the environment in that transaction and decides the budget for
//      good. A ResourceExhausted here aborts the transaction, so nothing is recorded. Store
//      transactions are serialised (SQLite: one writer, BEGIN IMMEDIATE), so concurrent signings
//      cannot both pass a check and together overrun a `deny` budget.
// Budgets are per environment and UTC calendar month, across all accounts. The month's spend is
// the store's running total (StoreOperations::MonthlyUsageMicros), read in constant time.
//
// Thread-safe; holds no mutable state (metrics go to DefaultMetrics()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "metering/metering_config.h"
#include "store/store.h"

namespace signet::metering {

struct SigningDecision {
  std::string environment;  // resolved name
  bool skip = false;        // signing mode skip: sign nothing, bill nothing
  std::string skip_message;  // "signing skipped: environment dev is configured to skip signing"
  int64_t unit_price_micros = 0;
  std::vector<std::string> warnings;  // budget warnings known before signing
};

// "YYYY-MM" of a time, UTC; and that month's [first second, first second of the next).
std::string MonthOf(Timestamp t);
std::pair<Timestamp, Timestamp> MonthBounds(Timestamp t);

class Meter {
 public:
  // `store` must outlive the Meter.
  Meter(store::Store& store, MeteringConfig config);

  Result<SigningDecision> Authorize(std::string_view requested_environment,
                                    std::string_view platform_id, Timestamp now) const;
  // `usage` is the record about to be appended in `tx` (its environment and price from
  // Authorize). Returns the budget warnings to log and return with the signature.
  Result<std::vector<std::string>> Charge(store::StoreTransaction& tx,
                                          const store::UsageRecord& usage) const;

  const MeteringConfig& config() const { return config_; }

 private:
  store::Store& store_;
  const MeteringConfig config_;
};

}  // namespace signet::metering
