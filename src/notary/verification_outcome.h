// VerificationOutcome: what notary::Verifier concluded about one signature.
//
// Only the Verifier constructs one, so an outcome that says kVerified always comes from a full
// verification. The result is one of:
//   kVerified         every enforced check passed (logged failures are listed as warnings);
//   kFailed           an enforced check failed (failed_check() names it), or the signature
//                     lacks the metadata the caller required (failed_check() is empty);
//   kCouldNotComplete an enforced check could not be carried out (e.g. the revocation service
//                     was unreachable). Never to be read as verified;
//   kSkipped          the applicable trust policy statement has level "skip": nothing was
//                     verified, by the policy's choice. Callers decide (Notation allows it).
// Copyable, immutable, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "notary/payload.h"
#include "notary/signature_envelope.h"
#include "notary/verification_level.h"

namespace signet::notary {

enum class CheckStatus { kPassed, kFailed, kSkipped };
std::string_view CheckStatusName(CheckStatus status);  // "passed", "failed", "skipped"

struct CheckResult {
  VerificationCheck check = VerificationCheck::kIntegrity;
  CheckStatus status = CheckStatus::kSkipped;
  VerificationAction action = VerificationAction::kEnforce;  // what the policy does on failure
  std::string message;  // why it failed or was skipped; empty when passed
};

enum class VerificationResult { kVerified, kFailed, kCouldNotComplete, kSkipped };
std::string_view VerificationResultName(VerificationResult result);  // "verified", ...

class VerificationOutcome {
 public:
  VerificationResult result() const { return result_; }
  bool verified() const { return result_ == VerificationResult::kVerified; }

  // kFailed / kCouldNotComplete: the enforced check that failed or could not be carried out;
  // nullopt for missing required metadata, kVerified and kSkipped.
  std::optional<VerificationCheck> failed_check() const { return failed_check_; }
  // Why the outcome is not kVerified; empty when it is.
  const std::string& reason() const { return reason_; }

  // The five checks in kVerificationChecks order. Checks after a decisive failure are kSkipped.
  const std::vector<CheckResult>& checks() const { return checks_; }
  const CheckResult& check(VerificationCheck check) const {
    return checks_[static_cast<size_t>(check)];
  }
  // Failures whose action is "log": "expiry: digital signature has expired on …".
  std::vector<std::string> warnings() const;

  // The trust policy statement applied and its level ("strict", ..., "custom").
  const std::string& policy_name() const { return policy_name_; }
  const std::string& level_name() const { return level_name_; }

  // The parsed envelope and its target, set once integrity passed (the signature is then
  // cryptographically valid, but its signer is trusted only if verified()).
  const std::optional<EnvelopeContent>& envelope() const { return envelope_; }
  const std::optional<Descriptor>& target() const { return target_; }

  // "verified", or "failed: authenticity: the signature's certificate chain …".
  std::string Summary() const;

 private:
  friend class Verifier;
  VerificationOutcome();

  VerificationResult result_ = VerificationResult::kFailed;
  std::optional<VerificationCheck> failed_check_;
  std::string reason_;
  std::vector<CheckResult> checks_;
  std::string policy_name_;
  std::string level_name_;
  std::optional<EnvelopeContent> envelope_;
  std::optional<Descriptor> target_;
};

}  // namespace signet::notary
