// CostReport: what signing cost over a period, grouped by any combination of month,
// environment, profile and platform (DESIGN.md §8; `signet cost`, GET /usage/cost).
//
// Rows are the store's exact integer sums of the recorded unit prices; the total is the sum of
// the rows, so it equals the sum of the records exactly. No floating point touches money:
// amounts are micro-dollars, and dollars are rendered from them as decimal strings.
//
// The JSON form (the API's answer, and `signet cost --output json`):
//   {"from": RFC 3339, "to": RFC 3339, "groupBy": ["environment", ...], "currency": "USD",
//    "rows": [{"environment": "prod", ..., "signatures": 3, "costMicros": 15000,
//              "cost": "0.015000"}],
//    "total": {"signatures": 3, "costMicros": 15000, "cost": "0.015000"}}
// A row carries only the dimensions grouped by.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace signet::metering {

// Time in [from, to).
struct Period {
  Timestamp from{};
  Timestamp to{};
};

// "YYYY-MM" → that UTC month.
Result<Period> ParseMonthPeriod(std::string_view month);
// A period bound: "YYYY-MM-DD" (midnight UTC; as `to`, the end of that day) or RFC 3339.
Result<Timestamp> ParsePeriodBound(std::string_view text, bool is_end);
// From the CLI/API options: a month, or from/to (to defaults to now, from is required), or, with
// neither, the month of `now`. InvalidArgument for a mix, a bad form, or from > to.
Result<Period> ResolvePeriod(const std::optional<std::string>& month,
                             const std::optional<std::string>& from,
                             const std::optional<std::string>& to, Timestamp now);

// "month", "environment", "profile", "platform".
Result<store::UsageDimension> ParseDimension(std::string_view name);
std::string_view DimensionName(store::UsageDimension dimension);

struct CostReport {
  Period period;
  std::vector<store::UsageDimension> group_by;  // no duplicates, in the order asked
  std::vector<store::UsageTotal> rows;
  int64_t signatures = 0;
  int64_t total_micros = 0;
};

// The report of the usage billed to `account` (every account when nullopt).
Result<CostReport> BuildCostReport(store::StoreOperations& store, const Period& period,
                                   const std::vector<store::UsageDimension>& group_by,
                                   const std::optional<std::string>& account);

std::string CostReportJson(const CostReport& report);
// InvalidArgument when `json` is not a report in the form above (or its total does not add up).
Result<CostReport> ParseCostReportJson(std::string_view json);

// A text table: one column per dimension, then SIGNATURES, COST_USD, COST_MICROS, and a TOTAL
// line.
std::string RenderCostTable(const CostReport& report);
// RFC 4180 CSV (CRLF line ends): a header line (dimension names, signatures, cost_micros,
// cost_usd), then one line per row; no total line (it is the sum of the rows).
std::string RenderCostCsv(const CostReport& report);
// One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled).
std::string CsvField(std::string_view value);

}  // namespace signet::metering
