#include "notary/verification_outcome.h"

namespace signet::notary {

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPassed:
      return "passed";
    case CheckStatus::kFailed:
      return "failed";
    case CheckStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::string_view VerificationResultName(VerificationResult result) {
  switch (result) {
    case VerificationResult::kVerified:
      return "verified";
    case VerificationResult::kFailed:
      return "failed";
    case VerificationResult::kCouldNotComplete:
      return "could not complete";
    case VerificationResult::kSkipped:
      return "skipped";
  }
  return "unknown";
}

VerificationOutcome::VerificationOutcome() {
  for (VerificationCheck check : kVerificationChecks) {
    checks_.push_back(
        CheckResult{check, CheckStatus::kSkipped, VerificationAction::kSkip, "not evaluated"});
  }
}

std::vector<std::string> VerificationOutcome::warnings() const {
  std::vector<std::string> out;
  for (const CheckResult& result : checks_) {
    if (result.status == CheckStatus::kFailed && result.action == VerificationAction::kLog) {
      out.push_back(std::string(VerificationCheckName(result.check)) + ": " + result.message);
    }
  }
  return out;
}

std::string VerificationOutcome::Summary() const {
  std::string out(VerificationResultName(result_));
  if (result_ == VerificationResult::kVerified) return out;
  out += ": ";
  if (failed_check_) out += std::string(VerificationCheckName(*failed_check_)) + ": ";
  return out + reason_;
}

}  // namespace signet::notary
