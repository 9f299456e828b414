#include "cli/check_report.h"

#include <iomanip>

#include "core/time.h"

namespace signet::cli {

using nlohmann::json;

namespace {

std::string AttributeOrEmpty(const notary::EnvelopeContent& content, std::string_view key) {
  const notary::ExtendedAttribute* a = content.signed_attributes.Find(key);
  return a ? a->value : "";
}

void PrintLabel(std::string_view label, ReportLayout layout, std::ostream& out) {
  out << std::string(static_cast<size_t>(layout.indent), ' ') << std::left
      << std::setw(layout.label_width) << label;
}

}  // namespace

json ChecksJson(const notary::VerificationOutcome& outcome) {
  json checks = json::array();
  for (const notary::CheckResult& c : outcome.checks()) {
    checks.push_back({{"check", notary::VerificationCheckName(c.check)},
                      {"status", notary::CheckStatusName(c.status)},
                      {"action", notary::VerificationActionName(c.action)},
                      {"message", c.message}});
  }
  return checks;
}

json SignerJson(const notary::EnvelopeContent& envelope) {
  const notary::SignedAttributes& attrs = envelope.signed_attributes;
  return {{"signingProfileVersionArn", AttributeOrEmpty(envelope, notary::kSigningProfileVersionAttribute)},
          {"signingJobArn", AttributeOrEmpty(envelope, notary::kSigningJobAttribute)},
          {"signingScheme", notary::SigningSchemeName(attrs.scheme)},
          {"signingTime", FormatRfc3339(attrs.signing_time)},
          {"expiry", attrs.expiry ? json(FormatRfc3339(*attrs.expiry)) : json(nullptr)},
          {"subject", envelope.certificate_chain.empty() ? "" : envelope.certificate_chain[0].Subject()}};
}

void PrintCheckLines(const json& checks, ReportLayout layout, std::ostream& out) {
  for (const json& c : checks) {
    PrintLabel(c["check"].get<std::string>(), layout, out);
    if (c["message"].get<std::string>().empty()) {
      out << c["status"].get<std::string>();
    } else {
      out << std::setw(8) << c["status"].get<std::string>() << c["message"].get<std::string>();
      if (c["status"] == "failed" && c["action"] == "log") out << " (logged, not enforced)";
    }
    out << "\n";
  }
}

void PrintSignerLines(const json& signer, ReportLayout layout, bool with_subject, std::ostream& out) {
  auto line = [&](std::string_view label, const json& value) {
    PrintLabel(label, layout, out);
    out << value.get<std::string>() << "\n";
  };
  if (with_subject) line("signer", signer["subject"]);
  if (!signer["signingProfileVersionArn"].get<std::string>().empty()) {
    line("profile version", signer["signingProfileVersionArn"]);
  }
  if (!signer["signingJobArn"].get<std::string>().empty()) line("signing job", signer["signingJobArn"]);
  line("signed at", signer["signingTime"]);
  if (!signer["expiry"].is_null()) line("expires", signer["expiry"]);
}

}  // namespace signet::cli
