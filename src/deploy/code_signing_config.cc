#include "deploy/code_signing_config.h"

#include "core/arn.h"
#include "core/encoding.h"

namespace signet::deploy {
namespace {

Status ValidationError(std::string value, std::string_view field, std::string_view constraint) {
  return InvalidArgumentError("1 validation error detected: Value '" + value + "' at '" +
                              std::string(field) +
                              "' failed to satisfy constraint: " + std::string(constraint));
}

}  // namespace

Result<store::UntrustedArtifactPolicy> ParseUntrustedArtifactPolicy(std::string_view text) {
  if (text == "Warn") return store::UntrustedArtifactPolicy::kWarn;
  if (text == "Enforce") return store::UntrustedArtifactPolicy::kEnforce;
  return ValidationError(std::string(text), "codeSigningPolicies.untrustedArtifactOnDeployment",
                         "Member must satisfy enum value set: [Enforce, Warn]");
}

Status ValidateAllowedPublishers(const std::vector<std::string>& arns) {
  if (arns.size() < kMinAllowedPublishers || arns.size() > kMaxAllowedPublishers) {
    std::string listed = "[";
    for (size_t i = 0; i < arns.size(); ++i) listed += (i ? ", " : "") + arns[i];
    listed += "]";
    return ValidationError(listed, "allowedPublishers.signingProfileVersionArns",
                           arns.empty() ? "Member must have length greater than or equal to 1"
                                        : "Member must have length less than or equal to 20");
  }
  for (const std::string& arn : arns) {
    Result<SigningProfileArn> parsed = ParseSigningProfileArn(arn);
    if (!parsed.ok() || !parsed->version) {
      return InvalidArgumentError(
          "Signing profile version ARN " + arn +
          " is not valid: it must name a signing profile version "
          "(arn:PARTITION:signer:REGION:ACCOUNT:/signing-profiles/NAME/VERSION)" +
          (parsed.ok() ? std::string() : ": " + parsed.status().message()));
    }
  }
  return Status::Ok();
}

Status ValidateDescription(std::string_view description) {
  if (Utf8Length(description) > kMaxDescriptionLength) {
    return ValidationError(std::string(description.substr(0, 64)) + "...", "description",
                           "Member must have length less than or equal to 256");
  }
  return Status::Ok();
}

EffectivePolicy ResolvePolicy(const store::CodeSigningConfigRecord& config,
                              const EnvironmentEnforcements& environments) {
  EffectivePolicy out;
  auto tag = config.tags.find(std::string(kEnvironmentTag));
  if (tag == config.tags.end()) {
    out.policy = config.policy;
    return out;
  }
  out.environment = tag->second;
  auto env = environments.find(tag->second);
  if (env == environments.end()) {
    out.unknown_environment = true;
    out.policy = store::UntrustedArtifactPolicy::kEnforce;
    return out;
  }
  switch (env->second) {
    case EnvironmentEnforcement::kOff:
      break;
    case EnvironmentEnforcement::kWarn:
      out.policy = store::UntrustedArtifactPolicy::kWarn;
      break;
    case EnvironmentEnforcement::kEnforce:
      out.policy = store::UntrustedArtifactPolicy::kEnforce;
      break;
  }
  return out;
}

Status ValidateConfigTags(const store::TagMap& tags, const EnvironmentEnforcements& environments) {
  if (tags.size() > kMaxConfigTags) {
    return InvalidArgumentError("a code signing config has at most " +
                                std::to_string(kMaxConfigTags) + " tags (got " +
                                std::to_string(tags.size()) + ")");
  }
  for (const auto& [key, value] : tags) {
    const size_t key_length = Utf8Length(key);
    if (key_length < 1 || key_length > 128) {
      return ValidationError(key, "tags.key", "Member must have length between 1 and 128");
    }
    if (key.rfind("aws:", 0) == 0) {
      return InvalidArgumentError("Tag keys starting with 'aws:' are reserved for AWS use (" +
                                  key + ")");
    }
    if (Utf8Length(value) > 256) {
      return ValidationError(value.substr(0, 64) + "...", "tags." + key,
                             "Member must have length less than or equal to 256");
    }
  }
  auto env = tags.find(std::string(kEnvironmentTag));
  if (env != tags.end() && environments.count(env->second) == 0) {
    std::string names;
    for (const auto& [name, mode] : environments) names += (names.empty() ? "" : ", ") + name;
    return InvalidArgumentError("Tag " + std::string(kEnvironmentTag) + "=" + env->second +
                                " names no environment of this signetd; configured: " +
                                (names.empty() ? std::string("none") : names));
  }
  return Status::Ok();
}

}  // namespace signet::deploy
