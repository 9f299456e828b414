#include "notary/verification_level.h"

namespace signet::notary {
namespace {

using A = VerificationAction;
constexpr A kE = A::kEnforce;
constexpr A kL = A::kLog;
constexpr A kS = A::kSkip;

struct Predefined {
  std::string_view name;
  std::array<VerificationAction, 5> actions;  // in VerificationCheck order
};
constexpr Predefined kLevels[] = {
    {"strict", {kE, kE, kE, kE, kE}},
    {"permissive", {kE, kE, kL, kL, kL}},
    {"audit", {kE, kL, kL, kL, kL}},
    {"skip", {kS, kS, kS, kS, kS}},
};

}  // namespace

std::string_view VerificationCheckName(VerificationCheck check) {
  switch (check) {
    case VerificationCheck::kIntegrity:
      return "integrity";
    case VerificationCheck::kAuthenticity:
      return "authenticity";
    case VerificationCheck::kAuthenticTimestamp:
      return "authenticTimestamp";
    case VerificationCheck::kExpiry:
      return "expiry";
    case VerificationCheck::kRevocation:
      return "revocation";
  }
  return "unknown";
}

std::optional<VerificationCheck> ParseVerificationCheck(std::string_view name) {
  for (VerificationCheck check : kVerificationChecks) {
    if (VerificationCheckName(check) == name) return check;
  }
  return std::nullopt;
}

std::string_view VerificationActionName(VerificationAction action) {
  switch (action) {
    case VerificationAction::kEnforce:
      return "enforce";
    case VerificationAction::kLog:
      return "log";
    case VerificationAction::kSkip:
      return "skip";
  }
  return "unknown";
}

std::optional<VerificationAction> ParseVerificationAction(std::string_view name) {
  for (VerificationAction action : {kE, kL, kS}) {
    if (VerificationActionName(action) == name) return action;
  }
  return std::nullopt;
}

Result<VerificationLevel> VerificationLevel::Named(std::string_view name) {
  if (name.empty()) {
    return InvalidArgumentError(
        "signature verification level is empty or missing in the trust policy statement");
  }
  for (const Predefined& level : kLevels) {
    if (level.name == name) return VerificationLevel(std::string(name), level.actions);
  }
  return InvalidArgumentError("invalid signature verification level \"" + std::string(name) + "\"");
}

Result<VerificationLevel> VerificationLevel::Custom(
    std::string_view name, const std::map<VerificationCheck, VerificationAction>& overrides) {
  SIGNET_ASSIGN_OR_RETURN(VerificationLevel level, Named(name));
  if (overrides.empty()) return level;
  if (level.skips_verification()) {
    return InvalidArgumentError(
        "signature verification level \"skip\" can't be used to customize signature "
        "verification");
  }
  for (const auto& [check, action] : overrides) {
    if (check == VerificationCheck::kIntegrity) {
      return InvalidArgumentError(
          "\"integrity\" verification can not be overridden in custom signature "
          "verification");
    }
    if (check != VerificationCheck::kRevocation && action == VerificationAction::kSkip) {
      return InvalidArgumentError(
          "\"" + std::string(VerificationCheckName(check)) +
          "\" verification can not be skipped in custom signature verification");
    }
    level.actions_[static_cast<size_t>(check)] = action;
  }
  level.name_ = "custom";
  return level;
}

}  // namespace signet::notary
