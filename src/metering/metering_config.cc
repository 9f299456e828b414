#include "metering/metering_config.h"

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/file.h"

namespace signet::metering {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxConfigBytes = 1 << 20;

Status Bad(std::string_view path, const std::string& what) {
  return InvalidArgumentError(std::string(path) + " " + what);
}

Status CheckObject(const Json& j, std::string_view path,
                   std::initializer_list<std::string_view> known) {
  if (!j.is_object()) return Bad(path, "must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    bool found = false;
    std::string names;
    for (std::string_view k : known) {
      found = found || key == k;
      names += (names.empty() ? "" : ", ") + std::string(k);
    }
    if (!found) {
      return InvalidArgumentError("unknown member '" + key + "' in " + std::string(path) +
                                  "; expected one of: " + names);
    }
  }
  return Status::Ok();
}

Result<std::string> StringMember(const Json& j, std::string_view path, std::string_view key,
                                 std::string fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) return Bad(std::string(path) + "." + std::string(key), "must be a string");
  return it->get<std::string>();
}

Result<int64_t> IntegerMember(const Json& value, const std::string& path) {
  if (!value.is_number_integer()) {
    return Bad(path, "must be a whole number of micro-dollars (1 USD = 1000000), e.g. 5000");
  }
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{INT64_MAX}) {
    return Bad(path, "is too large");
  }
  return value.get<int64_t>();
}

// A share in [0, 1] with at most four decimals (0.8, 0.95, 0.1234), as basis points.
Result<int32_t> ShareMember(const Json& value, const std::string& path) {
  if (!value.is_number()) return Bad(path, "must be a number from 0 to 1, e.g. 0.8");
  const double share = value.get<double>();
  if (!(share >= 0 && share <= 1)) return Bad(path, "must be a number from 0 to 1, e.g. 0.8");
  const long points = std::lround(share * kBasisPoints);
  if (std::fabs(static_cast<double>(points) / kBasisPoints - share) > 1e-9) {
    return Bad(path, "may have at most four decimals (e.g. 0.8 or 0.9375)");
  }
  return static_cast<int32_t>(points);
}

Result<Budget> ParseBudget(const Json& j, const std::string& path) {
  SIGNET_RETURN_IF_ERROR(CheckObject(j, path, {"monthly_micros", "warn_at", "over_budget"}));
  Budget budget;
  auto limit = j.find("monthly_micros");
  if (limit == j.end()) return Bad(path + ".monthly_micros", "is required");
  SIGNET_ASSIGN_OR_RETURN(budget.monthly_micros, IntegerMember(*limit, path + ".monthly_micros"));
  if (auto share = j.find("warn_at"); share != j.end()) {
    SIGNET_ASSIGN_OR_RETURN(budget.warn_share_basis_points,
                            ShareMember(*share, path + ".warn_at"));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string action, StringMember(j, path, "over_budget", "warn"));
  Result<OverBudgetAction> parsed = ParseOverBudgetAction(action);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  budget.over_budget = *parsed;
  Status valid = ValidateBudget(budget);
  if (!valid.ok()) return valid.WithContext(path);
  return budget;
}

Result<Environment> ParseEnvironment(const std::string& name, const Json& j) {
  const std::string path = "environments." + name;
  SIGNET_RETURN_IF_ERROR(CheckObject(j, path, {"signing", "enforcement", "budget"}));
  Environment env;
  env.name = name;
  SIGNET_ASSIGN_OR_RETURN(std::string signing, StringMember(j, path, "signing", "sign"));
  Result<SigningMode> mode = ParseSigningMode(signing);
  if (!mode.ok()) return mode.status().WithContext(path);
  env.signing = *mode;
  SIGNET_ASSIGN_OR_RETURN(std::string enforcement, StringMember(j, path, "enforcement", "off"));
  Result<EnforcementMode> enforce = ParseEnforcementMode(enforcement);
  if (!enforce.ok()) return enforce.status().WithContext(path);
  env.enforcement = *enforce;
  if (auto budget = j.find("budget"); budget != j.end() && !budget->is_null()) {
    SIGNET_ASSIGN_OR_RETURN(env.budget, ParseBudget(*budget, path + ".budget"));
  }
  return env;
}

Result<MeteringConfig> ParseJson(const Json& root, std::string_view default_override) {
  SIGNET_RETURN_IF_ERROR(
      CheckObject(root, "the configuration", {"unit_price_micros", "default_environment",
                                              "environments"}));
  MeteringConfig config;
  if (auto prices = root.find("unit_price_micros"); prices != root.end()) {
    if (!prices->is_object()) return Bad("unit_price_micros", "must map platform ids to prices");
    for (const auto& [platform, price] : prices->items()) {
      SIGNET_ASSIGN_OR_RETURN(int64_t micros,
                              IntegerMember(price, "unit_price_micros." + platform));
      Status set = config.prices.Set(platform, micros);
      if (!set.ok()) return set.WithContext("unit_price_micros");
    }
  }
  std::vector<Environment> environments;
  if (auto envs = root.find("environments"); envs != root.end()) {
    if (!envs->is_object() || envs->empty()) {
      return Bad("environments", "must be an object with at least one environment by name");
    }
    for (const auto& [name, value] : envs->items()) {
      SIGNET_ASSIGN_OR_RETURN(Environment env, ParseEnvironment(name, value));
      environments.push_back(std::move(env));
    }
  } else {
    Environment only;
    only.name = "default";
    environments.push_back(std::move(only));
  }
  std::string fallback = environments.size() == 1 ? environments[0].name : "";
  SIGNET_ASSIGN_OR_RETURN(std::string default_env,
                          StringMember(root, "the configuration", "default_environment", fallback));
  if (!default_override.empty()) default_env = std::string(default_override);
  if (default_env.empty()) {
    return Bad("default_environment",
               "is required when more than one environment is configured");
  }
  SIGNET_ASSIGN_OR_RETURN(config.environments,
                          EnvironmentPolicy::Create(std::move(environments), default_env));
  return config;
}

}  // namespace

Result<MeteringConfig> DefaultMeteringConfig(std::string_view environment) {
  SIGNET_ASSIGN_OR_RETURN(EnvironmentPolicy policy, EnvironmentPolicy::Single(environment));
  return MeteringConfig{PriceTable::Defaults(), std::move(policy)};
}

Result<MeteringConfig> ParseMeteringConfig(std::string_view json, std::string_view source,
                                           std::string_view default_environment) {
  const std::string where = "metering configuration " + std::string(source);
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgumentError(where + ": not valid JSON");
  Result<MeteringConfig> config = ParseJson(root, default_environment);
  if (!config.ok()) return config.status().WithContext(where);
  return config;
}

Result<MeteringConfig> LoadMeteringConfig(const std::filesystem::path& path,
                                          std::string_view default_environment) {
  SIGNET_ASSIGN_OR_RETURN(std::string text,
                          ReadSmallFile(path, kMaxConfigBytes, "a metering configuration"));
  return ParseMeteringConfig(text, path.string(), default_environment);
}

}  // namespace signet::metering
