// EnvironmentPolicy: the configured environments (dev, staging, prod, … any names), each with a
// signing mode, an enforcement mode and an optional monthly budget (DESIGN.md §8), and the
// default environment for requests that name none.
//
// Signing mode: `sign` signs and bills; `skip` signs nothing, bills nothing, creates no job.
// Enforcement mode (`off` | `warn` | `enforce`) is what deploy-time checks and admission take
// from an environment, so one setting drives dev → warn, prod → enforce.
//
// Built validated (Create); afterwards always consistent. A plain value; safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "metering/budget.h"

namespace signet::metering {

enum class SigningMode { kSign, kSkip };
enum class EnforcementMode { kOff, kWarn, kEnforce };

std::string_view SigningModeName(SigningMode mode);            // "sign", "skip"
std::string_view EnforcementModeName(EnforcementMode mode);    // "off", "warn", "enforce"
Result<SigningMode> ParseSigningMode(std::string_view name);
Result<EnforcementMode> ParseEnforcementMode(std::string_view name);

// 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit: safe in a header, a label and a
// CSV cell.
bool IsValidEnvironmentName(std::string_view name);

struct Environment {
  std::string name;
  SigningMode signing = SigningMode::kSign;
  EnforcementMode enforcement = EnforcementMode::kOff;
  std::optional<Budget> budget;
};

class EnvironmentPolicy {
 public:
  // One environment that signs, enforces nothing and has no budget: signetd without a metering
  // configuration. `name` must be a valid environment name.
  static Result<EnvironmentPolicy> Single(std::string_view name);
  // InvalidArgument for no environments, an invalid or duplicate name, an invalid budget, or a
  // default that is not one of them.
  static Result<EnvironmentPolicy> Create(std::vector<Environment> environments,
                                          std::string_view default_environment);

  // The environment a request names; an empty name means the default. InvalidArgument, listing
  // the configured names, for any other name.
  Result<const Environment*> Resolve(std::string_view requested) const;

  const std::string& default_environment() const { return default_; }
  const std::map<std::string, Environment, std::less<>>& environments() const { return by_name_; }

 private:
  std::map<std::string, Environment, std::less<>> by_name_;
  std::string default_;
};

}  // namespace signet::metering
