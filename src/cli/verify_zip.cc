#include "cli/verify_zip.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/check_report.h"
#include "cli/signetd_revocation_checker.h"
#include "core/file.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "notary/verifier.h"
#include "signer/platform.h"
#include "zipsig/zip_signature.h"

namespace signet::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kPolicyName = "signet-verify-zip";
constexpr std::string_view kStoreName = "trust-anchors";

constexpr size_t kMaxTrustAnchorFileSize = size_t{1} << 20;

// The online revocation checker, when an endpoint is given (nullptr otherwise).
Result<std::shared_ptr<const notary::RevocationChecker>> BuildRevocationChecker(
    const VerifyZipOptions& options) {
  if (options.connection.endpoint.empty()) return std::shared_ptr<const notary::RevocationChecker>();
  SIGNET_ASSIGN_OR_RETURN(
      AwsConnection connection,
      ResolveConnection(options.connection, options.env ? options.env : ProcessEnvironment()));
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<api::AwsClient> client, Connect(connection));
  return std::shared_ptr<const notary::RevocationChecker>(std::make_shared<SignetdRevocationChecker>(
      std::move(client), std::string(signer::kLambdaPlatformId)));
}

Result<notary::Verifier> BuildVerifier(const VerifyZipOptions& options) {
  if (options.trust_anchor_files.empty()) {
    return InvalidArgumentError(
        "no trust anchor: pass --trust-anchor with your installation's root certificate "
        "(root-ca.pem in signetd's data directory)");
  }
  std::vector<crypto::Certificate> anchors;
  for (const std::string& file : options.trust_anchor_files) {
    SIGNET_ASSIGN_OR_RETURN(std::string bytes,
                            ReadSmallFile(file, kMaxTrustAnchorFileSize, "a trust anchor file"));
    auto certs = crypto::Certificate::ParseBundle(bytes);
    if (!certs.ok()) return certs.status().WithContext("trust anchor " + file);
    anchors.insert(anchors.end(), certs->begin(), certs->end());
  }
  notary::TrustStore store;
  SIGNET_RETURN_IF_ERROR(store.Add(notary::TrustStoreType::kCa, kStoreName, anchors));
  SIGNET_RETURN_IF_ERROR(store.Add(notary::TrustStoreType::kSigningAuthority, kStoreName, anchors));
  const json policy_doc = {
      {"version", "1.0"},
      {"trustPolicies",
       {{{"name", kPolicyName},
         {"globalPolicy", true},
         {"signatureVerification", {{"level", "strict"}}},
         {"trustStores",
          {"ca:" + std::string(kStoreName), "signingAuthority:" + std::string(kStoreName)}},
         {"trustedIdentities", {"*"}}}}}};
  SIGNET_ASSIGN_OR_RETURN(notary::TrustPolicy policy, notary::TrustPolicy::ParseBlob(policy_doc.dump()));
  notary::VerifierOptions verifier_options;
  verifier_options.clock = options.clock;
  SIGNET_ASSIGN_OR_RETURN(verifier_options.revocation_checker, BuildRevocationChecker(options));
  verifier_options.processed_critical_attributes = {
      std::string(notary::kSigningProfileVersionAttribute), std::string(notary::kSigningJobAttribute)};
  return notary::Verifier(std::move(policy), std::move(store), std::move(verifier_options));
}

std::string RevocationSource(const VerifyZipOptions& options) {
  return options.connection.endpoint.empty()
             ? "none (offline; pass --endpoint to ask signetd)"
             : "signetd GetRevocationStatus at " + options.connection.endpoint + " (not cached)";
}

// The report of one verification, as JSON; the human form is printed from it.
struct Report {  // NOLINT(bugprone-exception-escape): json's constructor throws only bad_alloc
  json doc;
  bool valid = false;
};

Report FromOutcome(const VerifyZipOptions& options, const zipsig::PackageContent& package,
                   const notary::VerificationOutcome& outcome) {
  Report r;
  json checks = ChecksJson(outcome);
  std::string result(notary::VerificationResultName(outcome.result()));
  std::string failed_check =
      outcome.failed_check() ? std::string(notary::VerificationCheckName(*outcome.failed_check())) : "";
  std::string reason = outcome.reason();
  r.valid = outcome.verified();
  json signer = nullptr;
  if (const auto& envelope = outcome.envelope()) {
    signer = SignerJson(*envelope);
    const std::string version_arn = signer["signingProfileVersionArn"];
    if (r.valid && !options.allowed_profile_versions.empty()) {
      bool allowed = false;
      for (const std::string& a : options.allowed_profile_versions) allowed |= a == version_arn;
      if (!allowed) {
        r.valid = false;
        result = "failed";
        failed_check = "authenticity";
        reason = "signed by profile version \"" + version_arn +
                 "\", which is not among the allowed profile versions";
        for (json& check : checks) {  // the mismatch is an authenticity failure (DESIGN.md §6)
          if (check["check"] == "authenticity") {
            check["status"] = "failed";
            check["action"] = "enforce";
            check["message"] = reason;
          }
        }
      }
    }
  }
  r.doc = {{"file", options.file},
           {"result", result},
           {"valid", r.valid},
           {"failedCheck", failed_check.empty() ? json(nullptr) : json(failed_check)},
           {"reason", reason},
           {"checks", checks},
           {"warnings", outcome.warnings()},
           {"policy", outcome.policy_name()},
           {"level", outcome.level_name()},
           {"revocationSource", RevocationSource(options)},
           {"signer", signer},
           {"package",
            {{"mediaType", package.target.media_type},
             {"digest", package.target.digest},
             {"size", package.target.size}}}};
  return r;
}

// A package that could not be verified at all: malformed, unsigned, or with a foreign comment.
Report Unverifiable(const VerifyZipOptions& options, std::string_view failed_check,
                    const std::string& reason) {
  Report r;
  r.doc = {{"file", options.file},
           {"result", "failed"},
           {"valid", false},
           {"failedCheck", failed_check},
           {"reason", reason},
           {"checks", json::array({{{"check", failed_check},
                                    {"status", "failed"},
                                    {"action", "enforce"},
                                    {"message", reason}}})},
           {"warnings", json::array()},
           {"signer", nullptr},
           {"package", nullptr}};
  return r;
}

void PrintHuman(const Report& r, std::ostream& out) {
  const json& d = r.doc;
  out << d["file"].get<std::string>() << ": " << (r.valid ? "signature verified" : "NOT verified");
  if (!r.valid) out << " (" << d["reason"].get<std::string>() << ")";
  out << "\n";
  PrintCheckLines(d["checks"], ReportLayout{}, out);
  if (!d["signer"].is_null()) PrintSignerLines(d["signer"], ReportLayout{}, true, out);
  if (d.contains("revocationSource")) {
    out << "  revocation source    " << d["revocationSource"].get<std::string>() << "\n";
  }
  if (!d["package"].is_null()) {
    out << "  package              " << d["package"]["digest"].get<std::string>() << " ("
        << d["package"]["size"].get<int64_t>() << " bytes unsigned)\n";
  }
}

}  // namespace

int RunVerifyZip(const VerifyZipOptions& options, std::ostream& out, std::ostream& err) {
  Result<notary::Verifier> verifier = BuildVerifier(options);
  if (!verifier.ok()) {
    err << "signet: " << verifier.status().message() << "\n";
    return kExitUsage;
  }
  auto source = zipsig::ByteSource::OpenFile(options.file);
  if (!source.ok()) {
    err << "signet: " << source.status().message() << "\n";
    return kExitUsage;
  }
  Report report;
  Result<zipsig::PackageContent> package = zipsig::InspectPackage(**source);
  if (!package.ok()) {
    if (package.status().code() != ErrorCode::kInvalidArgument) {
      err << "signet: " << package.status().message() << "\n";  // an I/O failure mid-read
      return kExitUsage;
    }
    report = Unverifiable(options, "integrity", package.status().message());
  } else if (!package->envelope) {
    report = Unverifiable(options, "signature", "package is not signed");
  } else {
    Result<notary::VerificationOutcome> outcome =
        zipsig::VerifyPackageContent(*package, *verifier, kPolicyName);
    if (!outcome.ok()) {
      err << "signet: " << outcome.status().message() << "\n";
      return kExitUsage;
    }
    report = FromOutcome(options, *package, *outcome);
  }
  if (options.json) {
    // Subjects and file names are not guaranteed UTF-8: replace, never throw.
    out << report.doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    PrintHuman(report, out);
  }
  return report.valid ? kExitValid : kExitInvalid;
}

}  // namespace signet::cli
