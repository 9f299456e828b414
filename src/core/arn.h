// Amazon Resource Names for the resources signet owns (DESIGN.md §3).
//
//   arn:PARTITION:signer:REGION:ACCOUNT:/signing-profiles/NAME[/VERSION]
//   arn:PARTITION:signer:REGION:ACCOUNT:/signing-jobs/JOB_ID
//   arn:PARTITION:lambda:REGION:ACCOUNT:code-signing-config:csc-XXXXXXXXXXXXXXXXX
//   arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
//   arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME[:VERSION]
//
// Parsers validate every field (names, version ids, UUIDs) and explain what is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet {

// Where a resource lives.
struct ArnScope {
  std::string partition = "aws";
  std::string region = "us-east-1";
  std::string account = "000000000000";
  friend bool operator==(const ArnScope&, const ArnScope&) = default;
};

// The six colon-separated fields of any ARN; `resource` keeps its own colons.
struct Arn {
  ArnScope scope;
  std::string service;
  std::string resource;
  std::string ToString() const;
};
Result<Arn> ParseArn(std::string_view text);

struct SigningProfileArn {
  ArnScope scope;
  std::string profile_name;
  std::optional<std::string> version;  // 10 characters [A-Za-z0-9] when present
  std::string ToString() const;
  // The ARN without the version.
  std::string ProfileArn() const;
  friend bool operator==(const SigningProfileArn&, const SigningProfileArn&) = default;
};
Result<SigningProfileArn> ParseSigningProfileArn(std::string_view text);

struct SigningJobArn {
  ArnScope scope;
  std::string job_id;  // UUID
  std::string ToString() const;
  friend bool operator==(const SigningJobArn&, const SigningJobArn&) = default;
};
Result<SigningJobArn> ParseSigningJobArn(std::string_view text);

struct CodeSigningConfigArn {
  ArnScope scope;
  std::string config_id;  // "csc-" + 17 [a-z0-9]
  std::string ToString() const;
  friend bool operator==(const CodeSigningConfigArn&, const CodeSigningConfigArn&) = default;
};
Result<CodeSigningConfigArn> ParseCodeSigningConfigArn(std::string_view text);

enum class LambdaResourceKind { kFunction, kLayer };
struct LambdaResourceArn {
  ArnScope scope;
  LambdaResourceKind kind = LambdaResourceKind::kFunction;
  std::string name;
  std::optional<std::string> qualifier;  // function version/alias, or layer version number
  std::string ToString() const;
  friend bool operator==(const LambdaResourceArn&, const LambdaResourceArn&) = default;
};
Result<LambdaResourceArn> ParseLambdaResourceArn(std::string_view text);

// Field validators shared by the parsers and the API layer.
bool IsValidAccountId(std::string_view account);     // [0-9]{12}
bool IsValidProfileName(std::string_view name);        // [A-Za-z0-9_]{2,64}
bool IsValidProfileVersion(std::string_view version);  // [A-Za-z0-9]{10}
bool IsValidUuid(std::string_view id);                 // 8-4-4-4-12 lower-case hex
bool IsValidCodeSigningConfigId(std::string_view id);  // csc-[a-z0-9]{17}

}  // namespace signet
