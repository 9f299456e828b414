// Verification levels: what each Notary Project verification check does when it fails
// (trust store and trust policy specification, "Signature Verification details").
//
//   level        integrity  authenticity  authenticTimestamp  expiry   revocation
//   strict       enforce    enforce       enforce             enforce  enforce
//   permissive   enforce    enforce       log                 log      log
//   audit        enforce    log           log                 log      log
//   skip         skip       skip          skip                skip     skip
//
// A level other than skip may be customised with overrides: authenticity, authenticTimestamp
// and expiry take enforce or log; revocation takes enforce, log or skip; integrity cannot be
// overridden.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace signet::notary {

// The five checks, in the order the Notary Project names them.
enum class VerificationCheck {
  kIntegrity,
  kAuthenticity,
  kAuthenticTimestamp,
  kExpiry,
  kRevocation
};
inline constexpr std::array<VerificationCheck, 5> kVerificationChecks = {
    VerificationCheck::kIntegrity, VerificationCheck::kAuthenticity,
    VerificationCheck::kAuthenticTimestamp, VerificationCheck::kExpiry,
    VerificationCheck::kRevocation};

enum class VerificationAction { kEnforce, kLog, kSkip };

// "integrity", "authenticity", "authenticTimestamp", "expiry", "revocation"
std::string_view VerificationCheckName(VerificationCheck check);
std::optional<VerificationCheck> ParseVerificationCheck(std::string_view name);
// "enforce", "log", "skip"
std::string_view VerificationActionName(VerificationAction action);
std::optional<VerificationAction> ParseVerificationAction(std::string_view name);

class VerificationLevel {
 public:
  // strict: the safe default.
  VerificationLevel()
      : VerificationLevel("strict", {VerificationAction::kEnforce, VerificationAction::kEnforce,
                                     VerificationAction::kEnforce, VerificationAction::kEnforce,
                                     VerificationAction::kEnforce}) {}
  // One of the four predefined levels by name; InvalidArgument otherwise.
  static Result<VerificationLevel> Named(std::string_view name);
  // `name` customised by `overrides`, with notation-go's rules and messages.
  static Result<VerificationLevel> Custom(
      std::string_view name, const std::map<VerificationCheck, VerificationAction>& overrides);

  // "strict", "permissive", "audit", "skip"; "custom" once overridden.
  const std::string& name() const { return name_; }
  const std::string& base_name() const { return base_name_; }
  VerificationAction action(VerificationCheck check) const {
    return actions_[static_cast<size_t>(check)];
  }
  bool skips_verification() const { return base_name_ == "skip"; }

 private:
  VerificationLevel(std::string name, std::array<VerificationAction, 5> actions)
      : name_(name), base_name_(std::move(name)), actions_(actions) {}
  std::string name_;
  std::string base_name_;
  std::array<VerificationAction, 5> actions_;
};

}  // namespace signet::notary
