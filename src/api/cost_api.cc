#include "api/cost_api.h"

#include <optional>
#include <string>
#include <vector>

#include "api/aws_error.h"
#include "metering/cost_report.h"

namespace signet::api {

bool IsCostReportRequest(const ApiRequest& request) {
  std::string_view path = request.raw_path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path == kCostReportPath;
}

ApiResponse HandleCostReport(const ApiRequest& request, store::Store& store, const Clock& clock) {
  ApiResponse response;
  response.operation = "GetCostReport";
  if (request.method != "GET") {
    response = JsonErrorResponse({405, "MethodNotAllowedException",
                                  "method " + request.method +
                                      " is not allowed on this resource; allowed: GET"});
    response.SetHeader("Allow", "GET");
    response.operation = "GetCostReport";
    return response;
  }
  auto fail = [](const Status& status) {
    ApiResponse error = JsonErrorResponse(AwsErrorFromStatus(status));
    error.operation = "GetCostReport";
    return error;
  };
  std::optional<std::multimap<std::string, std::string>> query = ParseQuery(request.raw_query);
  if (!query) return fail(InvalidArgumentError("malformed percent-encoding in the query string"));
  auto one = [&](const char* name) -> std::optional<std::string> {
    auto it = query->find(name);
    if (it == query->end()) return std::nullopt;
    return it->second;
  };
  for (const auto& [name, value] : *query) {
    if (name != "month" && name != "from" && name != "to" && name != "by") {
      return fail(InvalidArgumentError("unknown parameter '" + name.substr(0, 40) +
                                       "'; use month, from, to and by"));
    }
    if (name != "by" && query->count(name) > 1) {
      return fail(InvalidArgumentError("parameter " + name + " is given more than once"));
    }
  }
  Result<metering::Period> period = metering::ResolvePeriod(one("month"), one("from"), one("to"),
                                                            clock.Now());
  if (!period.ok()) return fail(period.status());
  std::vector<store::UsageDimension> by;
  auto [first, last] = query->equal_range("by");
  for (auto it = first; it != last; ++it) {
    // "by=environment,profile" and repeated "by=" both work.
    std::string_view list = it->second;
    while (true) {
      const size_t comma = list.find(',');
      Result<store::UsageDimension> d = metering::ParseDimension(list.substr(0, comma));
      if (!d.ok()) return fail(d.status());
      by.push_back(*d);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  Result<metering::CostReport> report =
      metering::BuildCostReport(store, *period, by, request.caller.account);
  if (!report.ok()) return fail(report.status());
  response.status = 200;
  response.content_type = "application/json";
  response.body = metering::CostReportJson(*report);
  return response;
}

}  // namespace signet::api
