// Validation of code signing config fields (Lambda's limits, DESIGN.md §6): 1–20 allowed
// publishers, each a signing profile version ARN; UntrustedArtifactOnDeployment "Warn" (the
// default) or "Enforce"; a description of at most 256 characters.
//
// Errors are InvalidArgument with Lambda's "validation error" wording.
//
// Environments (DESIGN.md §8): a config created with the tag `signet:environment=NAME` takes its
// policy from environment NAME's enforcement mode at every deployment, so one setting in the
// metering configuration drives dev, staging and prod (`aws lambda create-code-signing-config
// --tags signet:environment=prod`). The mapping:
//   enforce → Enforce; warn → Warn;
//   off     → the config's checks are not run: the deployment proceeds as without a config, with
//             no warning counted (a Warn that counts every unsigned dev deploy would be noise,
//             and a Warn that hides its warnings would make Warn mean two things);
//   an environment no longer configured → Enforce (fail closed).
// Lambda's API knows only Warn and Enforce, so a config reports its effective policy, with Warn
// for `off` (the one that never blocks on these checks). Such a config's policy cannot also be
// set directly (CodeSigningPolicies), and the tag is fixed when the config is created.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/code_signing_config_record.h"
#include "store/tags.h"

namespace signet::deploy {

inline constexpr size_t kMinAllowedPublishers = 1;
inline constexpr size_t kMaxAllowedPublishers = 20;
inline constexpr size_t kMaxDescriptionLength = 256;
inline constexpr size_t kMaxConfigTags = 50;  // Lambda's limit per resource
inline constexpr std::string_view kEnvironmentTag = "signet:environment";

// An environment's enforcement mode, as the deploy gate applies it.
enum class EnvironmentEnforcement { kOff, kWarn, kEnforce };
// Environment name → its enforcement mode (signetd fills it from the metering configuration).
using EnvironmentEnforcements = std::map<std::string, EnvironmentEnforcement, std::less<>>;

struct EffectivePolicy {
  std::optional<store::UntrustedArtifactPolicy> policy;  // nullopt: `off`, checks not run
  std::string environment;  // from the tag; empty when the config sets its own policy
  bool unknown_environment = false;  // tagged with an environment no longer configured
  // What GetCodeSigningConfig reports: Warn for `off`.
  store::UntrustedArtifactPolicy Reported() const {
    return policy.value_or(store::UntrustedArtifactPolicy::kWarn);
  }
};

// The policy a deployment under `config` applies now.
EffectivePolicy ResolvePolicy(const store::CodeSigningConfigRecord& config,
                              const EnvironmentEnforcements& environments);

// Lambda's tag limits (at most 50; key 1–128 characters, value 0–256, no "aws:" prefix), and a
// `signet:environment` tag must name a configured environment.
Status ValidateConfigTags(const store::TagMap& tags, const EnvironmentEnforcements& environments);

Result<store::UntrustedArtifactPolicy> ParseUntrustedArtifactPolicy(std::string_view text);
Status ValidateAllowedPublishers(const std::vector<std::string>& profile_version_arns);
Status ValidateDescription(std::string_view description);

}  // namespace signet::deploy
