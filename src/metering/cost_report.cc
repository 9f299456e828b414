#include "metering/cost_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "metering/meter.h"
#include "metering/price_table.h"

namespace signet::metering {
namespace {

using Json = nlohmann::json;
using store::UsageDimension;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::string& Value(const store::UsageTotal& row, UsageDimension d) {
  switch (d) {
    case UsageDimension::kMonth:
      return row.month;
    case UsageDimension::kEnvironment:
      return row.environment;
    case UsageDimension::kProfile:
      return row.profile_name;
    case UsageDimension::kPlatform:
      return row.platform_id;
    case UsageDimension::kAccount:
      return row.account;
    case UsageDimension::kPrincipal:
      return row.principal;
  }
  return row.month;
}

std::string& MutableValue(store::UsageTotal& row, UsageDimension d) {
  return const_cast<std::string&>(Value(row, d));
}

Status AddChecked(int64_t* sum, int64_t value) {
  if (value < 0 || __builtin_add_overflow(*sum, value, sum)) {
    return InvalidArgumentError("the report's amounts do not add up within 64 bits");
  }
  return Status::Ok();
}

}  // namespace

Result<Period> ParseMonthPeriod(std::string_view month) {
  const Status bad = InvalidArgumentError("month '" + std::string(month.substr(0, 40)) +
                                          "' is not YYYY-MM (e.g. 2026-11)");
  if (month.size() != 7 || month[4] != '-' || !AllDigits(month.substr(0, 4)) ||
      !AllDigits(month.substr(5, 2))) {
    return bad;
  }
  const int year = std::stoi(std::string(month.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(month.substr(5, 2))));
  if (m < 1 || m > 12 || year < 1970) return bad;
  const auto first = std::chrono::year(year) / std::chrono::month(m) / 1;
  return Period{Timestamp(std::chrono::sys_days(first)),
                Timestamp(std::chrono::sys_days(first + std::chrono::months(1)))};
}

Result<Timestamp> ParsePeriodBound(std::string_view text, bool is_end) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && AllDigits(text.substr(0, 4)) &&
      AllDigits(text.substr(5, 2)) && AllDigits(text.substr(8, 2))) {
    const std::chrono::year_month_day ymd{
        std::chrono::year(std::stoi(std::string(text.substr(0, 4)))),
        std::chrono::month(static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))))),
        std::chrono::day(static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2)))))};
    if (!ymd.ok()) return InvalidArgumentError("'" + std::string(text) + "' is not a date");
    std::chrono::sys_days day(ymd);
    if (is_end) day += std::chrono::days(1);
    return Timestamp(day);
  }
  Result<Timestamp> t = ParseRfc3339(text);
  if (!t.ok()) {
    return InvalidArgumentError("'" + std::string(text.substr(0, 40)) +
                                "' is neither YYYY-MM-DD nor an RFC 3339 time");
  }
  return t;
}

Result<Period> ResolvePeriod(const std::optional<std::string>& month,
                             const std::optional<std::string>& from,
                             const std::optional<std::string>& to, Timestamp now) {
  if (month) {
    if (from || to) return InvalidArgumentError("give either a month or from/to, not both");
    return ParseMonthPeriod(*month);
  }
  if (!from && !to) {
    auto [first, next] = MonthBounds(now);
    return Period{first, next};
  }
  if (!from) return InvalidArgumentError("a period with an end (to) needs a start (from)");
  Period period;
  SIGNET_ASSIGN_OR_RETURN(period.from, ParsePeriodBound(*from, false));
  if (to) {
    SIGNET_ASSIGN_OR_RETURN(period.to, ParsePeriodBound(*to, true));
  } else {
    period.to = now + std::chrono::seconds(1);
  }
  if (period.from > period.to) {
    return InvalidArgumentError("the period starts (" + FormatRfc3339(period.from) +
                                ") after it ends (" + FormatRfc3339(period.to) + ")");
  }
  return period;
}

Result<UsageDimension> ParseDimension(std::string_view name) {
  if (name == "month") return UsageDimension::kMonth;
  if (name == "environment") return UsageDimension::kEnvironment;
  if (name == "profile") return UsageDimension::kProfile;
  if (name == "platform") return UsageDimension::kPlatform;
  return InvalidArgumentError("cannot group by '" + std::string(name.substr(0, 40)) +
                              "'; use month, environment, profile or platform");
}

std::string_view DimensionName(UsageDimension dimension) {
  switch (dimension) {
    case UsageDimension::kMonth:
      return "month";
    case UsageDimension::kEnvironment:
      return "environment";
    case UsageDimension::kProfile:
      return "profile";
    case UsageDimension::kPlatform:
      return "platform";
    case UsageDimension::kAccount:
      return "account";
    case UsageDimension::kPrincipal:
      return "principal";
  }
  return "month";
}

Result<CostReport> BuildCostReport(store::StoreOperations& store, const Period& period,
                                   const std::vector<UsageDimension>& group_by,
                                   const std::optional<std::string>& account) {
  CostReport report;
  report.period = period;
  for (UsageDimension d : group_by) {
    if (std::find(report.group_by.begin(), report.group_by.end(), d) == report.group_by.end()) {
      report.group_by.push_back(d);
    }
  }
  store::UsageQuery query;
  query.from = period.from;
  query.to = period.to;
  query.account = account;
  query.group_by = report.group_by;
  SIGNET_ASSIGN_OR_RETURN(report.rows, store.SumUsage(query));
  for (const store::UsageTotal& row : report.rows) {
    SIGNET_RETURN_IF_ERROR(AddChecked(&report.signatures, row.signatures));
    SIGNET_RETURN_IF_ERROR(AddChecked(&report.total_micros, row.total_micros));
  }
  return report;
}

std::string CostReportJson(const CostReport& report) {
  Json group_by = Json::array();
  for (UsageDimension d : report.group_by) group_by.push_back(DimensionName(d));
  Json rows = Json::array();
  for (const store::UsageTotal& row : report.rows) {
    Json r = Json::object();
    for (UsageDimension d : report.group_by) r[std::string(DimensionName(d))] = Value(row, d);
    r["signatures"] = row.signatures;
    r["costMicros"] = row.total_micros;
    r["cost"] = FormatDollars(row.total_micros);
    rows.push_back(std::move(r));
  }
  Json out = {{"from", FormatRfc3339(report.period.from)},
              {"to", FormatRfc3339(report.period.to)},
              {"groupBy", std::move(group_by)},
              {"currency", "USD"},
              {"rows", std::move(rows)},
              {"total",
               {{"signatures", report.signatures},
                {"costMicros", report.total_micros},
                {"cost", FormatDollars(report.total_micros)}}}};
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<CostReport> ParseCostReportJson(std::string_view text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  const Status bad = InvalidArgumentError("the answer is not a cost report");
  if (!j.is_object() || !j.contains("from") || !j.contains("to") || !j.contains("groupBy") ||
      !j.contains("rows") || !j["from"].is_string() || !j["to"].is_string() ||
      !j["groupBy"].is_array() || !j["rows"].is_array()) {
    return bad;
  }
  CostReport report;
  SIGNET_ASSIGN_OR_RETURN(report.period.from, ParseRfc3339(j["from"].get<std::string>()));
  SIGNET_ASSIGN_OR_RETURN(report.period.to, ParseRfc3339(j["to"].get<std::string>()));
  for (const Json& d : j["groupBy"]) {
    if (!d.is_string()) return bad;
    SIGNET_ASSIGN_OR_RETURN(UsageDimension dim, ParseDimension(d.get<std::string>()));
    report.group_by.push_back(dim);
  }
  for (const Json& r : j["rows"]) {
    if (!r.is_object() || !r.contains("signatures") || !r.contains("costMicros") ||
        !r["signatures"].is_number_integer() || !r["costMicros"].is_number_integer()) {
      return bad;
    }
    store::UsageTotal row;
    for (UsageDimension d : report.group_by) {
      auto v = r.find(std::string(DimensionName(d)));
      if (v == r.end() || !v->is_string()) return bad;
      MutableValue(row, d) = v->get<std::string>();
    }
    row.signatures = r["signatures"].get<int64_t>();
    row.total_micros = r["costMicros"].get<int64_t>();
    SIGNET_RETURN_IF_ERROR(AddChecked(&report.signatures, row.signatures));
    SIGNET_RETURN_IF_ERROR(AddChecked(&report.total_micros, row.total_micros));
    report.rows.push_back(std::move(row));
  }
  if (j.contains("total")) {
    const Json& t = j["total"];
    if (!t.is_object() || t.value("costMicros", int64_t{-1}) != report.total_micros ||
        t.value("signatures", int64_t{-1}) != report.signatures) {
      return InvalidArgumentError("the cost report's total is not the sum of its rows");
    }
  }
  return report;
}

std::string RenderCostTable(const CostReport& report) {
  std::vector<std::string> header;
  for (UsageDimension d : report.group_by) {
    std::string name(DimensionName(d));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    header.push_back(name);
  }
  const size_t dims = header.size();
  header.insert(header.end(), {"SIGNATURES", "COST_USD", "COST_MICROS"});
  std::vector<std::vector<std::string>> lines = {header};
  // Without dimensions the only row is the total: show it once.
  for (const store::UsageTotal& row : dims == 0 ? std::vector<store::UsageTotal>{} : report.rows) {
    std::vector<std::string> line;
    for (UsageDimension d : report.group_by) line.push_back(Value(row, d).empty() ? "-" : Value(row, d));
    line.insert(line.end(), {std::to_string(row.signatures), FormatDollars(row.total_micros),
                             std::to_string(row.total_micros)});
    lines.push_back(std::move(line));
  }
  std::vector<std::string> total(dims, "");
  if (dims > 0) total[0] = "TOTAL";
  total.insert(total.end(), {std::to_string(report.signatures), FormatDollars(report.total_micros),
                             std::to_string(report.total_micros)});
  lines.push_back(std::move(total));

  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string out = "Signing cost " + FormatRfc3339(report.period.from) + " to " +
                    FormatRfc3339(report.period.to) + " (USD)\n";
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto& line = lines[n];
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      const bool numeric = i >= dims;  // numbers right-aligned
      const std::string pad(width[i] - line[i].size(), ' ');
      if (i > 0) text += "  ";
      text += numeric ? pad + line[i] : line[i] + pad;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string RenderCostCsv(const CostReport& report) {
  std::string out;
  for (UsageDimension d : report.group_by) out += std::string(DimensionName(d)) + ",";
  out += "signatures,cost_micros,cost_usd\r\n";
  for (const store::UsageTotal& row : report.rows) {
    for (UsageDimension d : report.group_by) out += CsvField(Value(row, d)) + ",";
    out += std::to_string(row.signatures) + "," + std::to_string(row.total_micros) + "," +
           FormatDollars(row.total_micros) + "\r\n";
  }
  return out;
}

}  // namespace signet::metering
