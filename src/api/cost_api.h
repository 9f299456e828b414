// The cost report route of signetd (DESIGN.md §8), SigV4 service "signer":
//
//   GET /usage/cost?month=YYYY-MM | from=…&to=…  [&by=month|environment|profile|platform]…
//
// answers 200 with metering/cost_report.h's JSON: the usage billed to the caller's account.
// `from`/`to` take YYYY-MM-DD (to: through the end of that day) or RFC 3339; with no period,
// the current UTC month. Bad parameters are 400 ValidationException naming the parameter;
// another method is 405 MethodNotAllowedException. Operation name (metrics): GetCostReport.
#pragma once

#include <string_view>

#include "api/http_message.h"
#include "core/time.h"
#include "store/store.h"

namespace signet::api {

inline constexpr std::string_view kCostReportPath = "/usage/cost";

// Whether a signer-service request is for the cost route (any method).
bool IsCostReportRequest(const ApiRequest& request);

ApiResponse HandleCostReport(const ApiRequest& request, store::Store& store, const Clock& clock);

}  // namespace signet::api
