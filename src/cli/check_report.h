// The parts of a verification report that `signet verify zip` and `signet verify image` share:
// the per-check list and the signer block, as JSON (the `--output json` form) and as the indented
// lines of the human form, printed from that JSON so both forms always say the same thing.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "notary/signature_envelope.h"
#include "notary/verification_outcome.h"

namespace signet::cli {

// [{"check", "status", "action", "message"}, ...] in the order the verifier ran them.
nlohmann::json ChecksJson(const notary::VerificationOutcome& outcome);

// {"signingProfileVersionArn", "signingJobArn", "signingScheme", "signingTime", "expiry",
//  "subject"} of a parsed envelope; the ARNs are the signed signet attributes ("" if absent).
nlohmann::json SignerJson(const notary::EnvelopeContent& envelope);

// The layout of the human lines: `indent` spaces, then the label padded to `label_width`.
struct ReportLayout {
  int indent = 2;
  int label_width = 21;
};

// One line per check: label, status, and the message if any ("(logged, not enforced)" when a
// failed check's action is log).
void PrintCheckLines(const nlohmann::json& checks, ReportLayout layout, std::ostream& out);

// The profile version, job, signing time and expiry lines of a SignerJson (the subject line only
// if `with_subject`).
void PrintSignerLines(const nlohmann::json& signer, ReportLayout layout, bool with_subject,
                      std::ostream& out);

}  // namespace signet::cli
