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

}  // namespace signet::deploy
