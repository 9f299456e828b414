#include "metering/environment_policy.h"

#include <utility>

namespace signet::metering {

std::string_view SigningModeName(SigningMode mode) {
  return mode == SigningMode::kSkip ? "skip" : "sign";
}

std::string_view EnforcementModeName(EnforcementMode mode) {
  switch (mode) {
    case EnforcementMode::kOff:
      return "off";
    case EnforcementMode::kWarn:
      return "warn";
    case EnforcementMode::kEnforce:
      return "enforce";
  }
  return "off";
}

Result<SigningMode> ParseSigningMode(std::string_view name) {
  if (name == "sign") return SigningMode::kSign;
  if (name == "skip") return SigningMode::kSkip;
  return InvalidArgumentError("signing must be \"sign\" or \"skip\" (got \"" + std::string(name) +
                              "\")");
}

Result<EnforcementMode> ParseEnforcementMode(std::string_view name) {
  if (name == "off") return EnforcementMode::kOff;
  if (name == "warn") return EnforcementMode::kWarn;
  if (name == "enforce") return EnforcementMode::kEnforce;
  return InvalidArgumentError("enforcement must be \"off\", \"warn\" or \"enforce\" (got \"" +
                              std::string(name) + "\")");
}

bool IsValidEnvironmentName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

namespace {

Status InvalidName(std::string_view name) {
  return InvalidArgumentError("environment name '" + std::string(name) +
                              "' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit");
}

}  // namespace

Result<EnvironmentPolicy> EnvironmentPolicy::Single(std::string_view name) {
  Environment env;
  env.name = std::string(name);
  std::vector<Environment> all;
  all.push_back(std::move(env));
  return Create(std::move(all), name);
}

Result<EnvironmentPolicy> EnvironmentPolicy::Create(std::vector<Environment> environments,
                                                    std::string_view default_environment) {
  if (environments.empty()) return InvalidArgumentError("configure at least one environment");
  EnvironmentPolicy policy;
  for (Environment& env : environments) {
    if (!IsValidEnvironmentName(env.name)) return InvalidName(env.name);
    if (env.budget) {
      Status valid = ValidateBudget(*env.budget);
      if (!valid.ok()) return valid.WithContext("environment " + env.name + " budget");
    }
    std::string name = env.name;
    if (!policy.by_name_.emplace(name, std::move(env)).second) {
      return InvalidArgumentError("environment " + name + " is configured twice");
    }
  }
  if (policy.by_name_.count(default_environment) == 0) {
    std::string names;
    for (const auto& [name, env] : policy.by_name_) names += (names.empty() ? "" : ", ") + name;
    return InvalidArgumentError("the default environment '" + std::string(default_environment) +
                                "' is not configured; configured: " + names);
  }
  policy.default_ = std::string(default_environment);
  return policy;
}

Result<const Environment*> EnvironmentPolicy::Resolve(std::string_view requested) const {
  const std::string_view name = requested.empty() ? std::string_view(default_) : requested;
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return &it->second;
  std::string names;
  for (const auto& [n, env] : by_name_) names += (names.empty() ? "" : ", ") + n;
  // The name comes from a request header: quote at most a bounded prefix of it.
  const std::string_view quoted = name.substr(0, 80);
  if (!IsValidEnvironmentName(name)) return InvalidName(quoted);
  return InvalidArgumentError("unknown environment '" + std::string(quoted) +
                              "'; this signetd is configured with: " + names);
}

}  // namespace signet::metering
