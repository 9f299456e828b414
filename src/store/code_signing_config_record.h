// CodeSigningConfigRecord: a Lambda code signing config as the Store keeps it (DESIGN.md §6).
//
// The Store checks only what it alone can keep: a unique id/ARN, and that a config still named
// by a function is not deleted, and at most kMaxTagsPerResource tags. Limits (1–20 profile version ARNs, description length, ARN
// forms) are the deploy module's to validate before writing.
//
// Plain values; safe to copy and share.
#pragma once

#include <string>
#include <vector>

#include "core/time.h"
#include "store/tags.h"

namespace signet::store {

// What a deployment does with code whose signature fails a check other than integrity.
enum class UntrustedArtifactPolicy { kWarn, kEnforce };
std::string_view UntrustedArtifactPolicyName(UntrustedArtifactPolicy policy);  // "Warn", "Enforce"

struct CodeSigningConfigRecord {
  std::string account{};
  std::string config_id{};  // "csc-" + 17 [a-z0-9]
  std::string arn{};
  std::string description{};
  std::vector<std::string> allowed_profile_version_arns{};  // in the order given
  UntrustedArtifactPolicy policy = UntrustedArtifactPolicy::kWarn;
  TagMap tags{};  // set by CreateCodeSigningConfig only; kept by Update
  Timestamp last_modified{};
  friend bool operator==(const CodeSigningConfigRecord&, const CodeSigningConfigRecord&) = default;
};

}  // namespace signet::store
