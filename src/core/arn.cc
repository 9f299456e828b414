#include "core/arn.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace signet {
namespace {

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsNameChar(char c) { return IsAlnum(c) || c == '_'; }
bool IsLambdaNameChar(char c) { return IsAlnum(c) || c == '_' || c == '-'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgumentError("invalid ARN \"" + std::string(text.substr(0, 200)) + "\": " +
                              std::string(why));
}

std::string Prefix(const ArnScope& s, std::string_view service) {
  return "arn:" + s.partition + ":" + std::string(service) + ":" + s.region + ":" + s.account + ":";
}

}  // namespace

bool IsValidAccountId(std::string_view account) {
  return account.size() == 12 && AllOf(account, IsDigit);
}

bool IsValidProfileName(std::string_view name) {
  return name.size() >= 2 && name.size() <= 64 && AllOf(name, IsNameChar);
}
bool IsValidProfileVersion(std::string_view v) { return v.size() == 10 && AllOf(v, IsAlnum); }
bool IsValidUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !(IsDigit(id[i]) || (id[i] >= 'a' && id[i] <= 'f'))) return false;
  }
  return true;
}
bool IsValidCodeSigningConfigId(std::string_view id) {
  return id.size() == 21 && id.substr(0, 4) == "csc-" && AllOf(id.substr(4), IsLowerAlnum);
}

std::string Arn::ToString() const { return Prefix(scope, service) + resource; }

Result<Arn> ParseArn(std::string_view text) {
  if (text.size() > 2048) return Bad(text, "longer than 2048 characters");
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return Bad(text, "expected arn:partition:service:region:account:resource");
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn") return Bad(text, "does not start with \"arn:\"");
  if (parts[1].empty() || parts[2].empty()) return Bad(text, "empty partition or service");
  Arn arn;
  arn.scope.partition = std::string(parts[1]);
  arn.service = std::string(parts[2]);
  arn.scope.region = std::string(parts[3]);
  arn.scope.account = std::string(parts[4]);
  arn.resource = std::string(text.substr(start));
  if (arn.resource.empty()) return Bad(text, "empty resource");
  if (!arn.scope.account.empty() && !IsValidAccountId(arn.scope.account)) {
    return Bad(text, "account must be 12 digits");
  }
  return arn;
}

std::string SigningProfileArn::ProfileArn() const {
  return Prefix(scope, "signer") + "/signing-profiles/" + profile_name;
}
std::string SigningProfileArn::ToString() const {
  return version ? ProfileArn() + "/" + *version : ProfileArn();
}

Result<SigningProfileArn> ParseSigningProfileArn(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(Arn arn, ParseArn(text));
  if (arn.service != "signer") return Bad(text, "not a signer ARN");
  constexpr std::string_view kPrefix = "/signing-profiles/";
  std::string_view rest = arn.resource;
  if (rest.substr(0, kPrefix.size()) != kPrefix) return Bad(text, "not a signing profile ARN");
  rest.remove_prefix(kPrefix.size());
  SigningProfileArn out;
  out.scope = arn.scope;
  const size_t slash = rest.find('/');
  out.profile_name = std::string(rest.substr(0, slash));
  if (!IsValidProfileName(out.profile_name)) {
    return Bad(text, "profile name must be 2-64 characters of [A-Za-z0-9_]");
  }
  if (slash != std::string_view::npos) {
    std::string_view version = rest.substr(slash + 1);
    if (!IsValidProfileVersion(version)) {
      return Bad(text, "profile version must be 10 characters of [A-Za-z0-9]");
    }
    out.version = std::string(version);
  }
  return out;
}

std::string SigningJobArn::ToString() const {
  return Prefix(scope, "signer") + "/signing-jobs/" + job_id;
}

Result<SigningJobArn> ParseSigningJobArn(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(Arn arn, ParseArn(text));
  if (arn.service != "signer") return Bad(text, "not a signer ARN");
  constexpr std::string_view kPrefix = "/signing-jobs/";
  std::string_view rest = arn.resource;
  if (rest.substr(0, kPrefix.size()) != kPrefix) return Bad(text, "not a signing job ARN");
  rest.remove_prefix(kPrefix.size());
  if (!IsValidUuid(rest)) return Bad(text, "job id must be a lower-case UUID");
  return SigningJobArn{arn.scope, std::string(rest)};
}

std::string CodeSigningConfigArn::ToString() const {
  return Prefix(scope, "lambda") + "code-signing-config:" + config_id;
}

Result<CodeSigningConfigArn> ParseCodeSigningConfigArn(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(Arn arn, ParseArn(text));
  if (arn.service != "lambda") return Bad(text, "not a lambda ARN");
  constexpr std::string_view kPrefix = "code-signing-config:";
  std::string_view rest = arn.resource;
  if (rest.substr(0, kPrefix.size()) != kPrefix) return Bad(text, "not a code signing config ARN");
  rest.remove_prefix(kPrefix.size());
  if (!IsValidCodeSigningConfigId(rest)) {
    return Bad(text, "code signing config id must be csc- followed by 17 of [a-z0-9]");
  }
  return CodeSigningConfigArn{arn.scope, std::string(rest)};
}

std::string LambdaResourceArn::ToString() const {
  std::string s = Prefix(scope, "lambda") +
                  (kind == LambdaResourceKind::kFunction ? "function:" : "layer:") + name;
  if (qualifier) s += ":" + *qualifier;
  return s;
}

Result<LambdaResourceArn> ParseLambdaResourceArn(std::string_view text) {
  SIGNET_ASSIGN_OR_RETURN(Arn arn, ParseArn(text));
  if (arn.service != "lambda") return Bad(text, "not a lambda ARN");
  LambdaResourceArn out;
  out.scope = arn.scope;
  std::string_view rest = arn.resource;
  if (rest.substr(0, 9) == "function:") {
    out.kind = LambdaResourceKind::kFunction;
    rest.remove_prefix(9);
  } else if (rest.substr(0, 6) == "layer:") {
    out.kind = LambdaResourceKind::kLayer;
    rest.remove_prefix(6);
  } else {
    return Bad(text, "not a function or layer ARN");
  }
  const size_t colon = rest.find(':');
  out.name = std::string(rest.substr(0, colon));
  if (out.name.empty() || out.name.size() > 140 || !AllOf(out.name, IsLambdaNameChar)) {
    return Bad(text, "name must be 1-140 characters of [A-Za-z0-9_-]");
  }
  if (colon != std::string_view::npos) {
    std::string_view q = rest.substr(colon + 1);
    if (q.empty() || q.size() > 128 || !AllOf(q, IsLambdaNameChar)) {
      return Bad(text, "malformed qualifier");
    }
    if (out.kind == LambdaResourceKind::kLayer && !AllOf(q, IsDigit)) {
      return Bad(text, "layer version must be a number");
    }
    out.qualifier = std::string(q);
  }
  return out;
}

}  // namespace signet
