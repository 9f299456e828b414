// Validation of code signing config fields (Lambda's limits, DESIGN.md §6): 1–20 allowed
// publishers, each a signing profile version ARN; UntrustedArtifactOnDeployment "Warn" (the
// default) or "Enforce"; a description of at most 256 characters.
//
// Errors are InvalidArgument with Lambda's "validation error" wording.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/code_signing_config_record.h"

namespace signet::deploy {

inline constexpr size_t kMinAllowedPublishers = 1;
inline constexpr size_t kMaxAllowedPublishers = 20;
inline constexpr size_t kMaxDescriptionLength = 256;

Result<store::UntrustedArtifactPolicy> ParseUntrustedArtifactPolicy(std::string_view text);
Status ValidateAllowedPublishers(const std::vector<std::string>& profile_version_arns);
Status ValidateDescription(std::string_view description);

}  // namespace signet::deploy
