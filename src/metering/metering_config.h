// MeteringConfig: prices and environments for signetd, read from a JSON file
// (`signetd --metering-config FILE`; README "Cost and environments"):
//
//   {
//     "unit_price_micros": {"AWSLambda-SHA384-ECDSA": 5000, "Notation-OCI-SHA384-ECDSA": 500000},
//     "default_environment": "dev",
//     "environments": {
//       "dev":     {"signing": "skip", "enforcement": "warn"},
//       "staging": {"signing": "sign", "enforcement": "warn"},
//       "prod":    {"signing": "sign", "enforcement": "enforce",
//                   "budget": {"monthly_micros": 100000000, "warn_at": 0.8, "over_budget": "deny"}}
//     }
//   }
//
// Every member is optional: prices listed replace the defaults of those platforms (the others
// keep theirs); without "environments" there is one environment, "default", that signs;
// "default_environment" may be left out only when there is exactly one environment. Unknown
// members are errors (a misspelt "budget" must not silently mean "no budget"). Errors name the
// file and the member path, e.g. "environments.prod.budget.over_budget must be ...".
#pragma once

#include <filesystem>
#include <string_view>

#include "core/status.h"
#include "metering/environment_policy.h"
#include "metering/price_table.h"

namespace signet::metering {

struct MeteringConfig {
  PriceTable prices = PriceTable::Defaults();
  EnvironmentPolicy environments;
};

// The configuration of a signetd without a file: default prices, one environment that signs.
Result<MeteringConfig> DefaultMeteringConfig(std::string_view environment = "default");

// `source` names the text in error messages (the file name). A non-empty `default_environment`
// (signetd --environment) replaces the file's "default_environment" and must name one of its
// environments.
Result<MeteringConfig> ParseMeteringConfig(std::string_view json, std::string_view source,
                                           std::string_view default_environment = {});
Result<MeteringConfig> LoadMeteringConfig(const std::filesystem::path& path,
                                          std::string_view default_environment = {});

}  // namespace signet::metering
