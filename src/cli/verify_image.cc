#include "cli/verify_image.h"

#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/check_report.h"
#include "cli/signetd_revocation_checker.h"
#include "cli/verify_zip.h"
#include "core/file.h"
#include "imagesig/image_verifier.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "signer/platform.h"

namespace signet::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kMaxTrustPolicyBytes = 1 << 20;
constexpr ReportLayout kSignatureLayout{.indent = 4, .label_width = 20};

std::string Env(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  return value ? *value : "";
}

Result<notary::TrustPolicy> LoadPolicy(const VerifyImageOptions& options, const std::string& config_dir) {
  if (!options.trust_policy.empty()) {
    SIGNET_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(options.trust_policy, kMaxTrustPolicyBytes,
                                                            "a trust policy"));
    Result<notary::TrustPolicy> policy = notary::TrustPolicy::ParseOci(text);
    if (!policy.ok()) return policy.status().WithContext("trust policy " + options.trust_policy);
    return policy;
  }
  Result<notary::TrustPolicy> policy = notary::TrustPolicy::LoadOci(config_dir);
  if (!policy.ok() && policy.status().code() == ErrorCode::kNotFound) {
    return NotFoundError("no trust policy: " + policy.status().message() +
                         " (pass --trust-policy FILE, or set NOTATION_CONFIG)");
  }
  return policy;
}

Result<std::shared_ptr<const notary::RevocationChecker>> RevocationChecker(
    const VerifyImageOptions& options, const EnvLookup& env) {
  if (options.connection.endpoint.empty()) return std::shared_ptr<const notary::RevocationChecker>();
  SIGNET_ASSIGN_OR_RETURN(AwsConnection connection, ResolveConnection(options.connection, env));
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<api::AwsClient> client, Connect(connection));
  return std::shared_ptr<const notary::RevocationChecker>(std::make_shared<SignetdRevocationChecker>(
      std::move(client), std::string(signer::kNotationPlatformId)));
}

json DescriptorJson(const oci::Descriptor& d) {
  return {{"digest", d.digest}, {"mediaType", d.media_type}, {"size", d.size}};
}

json SignatureJson(const imagesig::TriedSignature& s) {
  json j = {{"digest", s.manifest.digest},
            {"envelopeMediaType", s.envelope_media_type},
            {"summary", s.Summary()},
            {"verified", s.verified()},
            {"result", nullptr},
            {"failedCheck", nullptr},
            {"checks", json::array()},
            {"warnings", json::array()},
            {"signer", nullptr},
            {"error", s.error.ok() ? json(nullptr) : json(s.error.message())}};
  if (!s.outcome) {
    j["result"] = "error";
    return j;
  }
  const notary::VerificationOutcome& o = *s.outcome;
  j["result"] = notary::VerificationResultName(o.result());
  if (o.failed_check()) j["failedCheck"] = notary::VerificationCheckName(*o.failed_check());
  if (!o.verified()) j["reason"] = o.reason();
  j["checks"] = ChecksJson(o);
  j["warnings"] = o.warnings();
  if (const auto& envelope = o.envelope()) j["signer"] = SignerJson(*envelope);
  return j;
}

void PrintHuman(const json& d, std::ostream& out) {
  out << d["reference"].get<std::string>() << ": ";
  const std::string result = d["result"];
  if (result == "verified") {
    out << "signature verified\n";
  } else if (result == "skipped") {
    out << "verification skipped by the trust policy (level skip)\n";
  } else {
    out << "NOT verified (" << d["reason"].get<std::string>() << ")\n";
  }
  out << "  image                " << d["image"]["digest"].get<std::string>() << "\n"
      << "  trust policy         " << d["policy"].get<std::string>() << " (level "
      << d["level"].get<std::string>() << ")\n"
      << "  revocation source    " << d["revocationSource"].get<std::string>() << "\n";
  for (const json& s : d["signatures"]) {
    out << "  signature " << s["digest"].get<std::string>() << ": " << s["summary"].get<std::string>()
        << "\n";
    PrintCheckLines(s["checks"], kSignatureLayout, out);
    if (!s["signer"].is_null()) PrintSignerLines(s["signer"], kSignatureLayout, false, out);
  }
  if (d["untriedSignatures"].get<size_t>() > 0) {
    out << "  " << d["untriedSignatures"].get<size_t>() << " more signature(s) not tried (limit "
        << d["maxSignatures"].get<size_t>() << ")\n";
  }
}

}  // namespace

std::string NotationConfigDir(const EnvLookup& env) {
  const std::string notation = Env(env, "NOTATION_CONFIG");
  if (!notation.empty()) return notation;
  std::string xdg = Env(env, "XDG_CONFIG_HOME");
  if (xdg.empty()) xdg = Env(env, "HOME") + "/.config";
  return xdg + "/notation";
}

int RunVerifyImage(const VerifyImageOptions& options, const EnvLookup& env, std::istream& in,
                   std::ostream& out, std::ostream& err) {
  const std::string config_dir = NotationConfigDir(env);
  Result<notary::TrustPolicy> policy = LoadPolicy(options, config_dir);
  if (!policy.ok()) {
    err << "signet: " << policy.status().message() << "\n";
    return kExitUsage;
  }
  const std::string store_dir =
      options.trust_store.empty() ? (fs::path(config_dir) / "truststore").string() : options.trust_store;
  imagesig::ImageVerificationOptions verify_options;
  verify_options.clock = options.clock;
  verify_options.max_signatures =
      options.max_signatures == 0 ? imagesig::kDefaultMaxSignatures : options.max_signatures;
  Result<std::shared_ptr<const notary::RevocationChecker>> checker = RevocationChecker(options, env);
  if (!checker.ok()) {
    err << "signet: " << checker.status().message() << "\n";
    return kExitUsage;
  }
  verify_options.revocation_checker = std::move(*checker);
  Result<imagesig::ImageVerifier> verifier = imagesig::ImageVerifier::Create(
      std::move(*policy), notary::TrustStore::FromDirectory(store_dir), std::move(verify_options));
  if (!verifier.ok()) {
    err << "signet: " << verifier.status().message() << "\n";
    return kExitUsage;
  }
  Result<ImageTarget> target = OpenImageTarget(options.reference, options.registry, in);
  if (!target.ok()) {
    err << DescribeRegistryError(target.status()) << "\n";
    return kExitUsage;
  }
  Result<imagesig::ImageVerification> v =
      verifier->Verify(*target->repository, target->repository_name, target->identifier);
  if (!v.ok()) {
    err << DescribeRegistryError(v.status()) << "\n";
    return kExitUsage;
  }

  json signatures = json::array();
  for (const imagesig::TriedSignature& s : v->signatures) signatures.push_back(SignatureJson(s));
  const std::string shown = target->is_layout ? options.registry.oci_layout + ":" + options.reference
                                              : options.reference;
  const json report = {
      {"reference", shown},
      {"image", DescriptorJson(v->image)},
      {"artifactReference", v->artifact_reference},
      {"result", imagesig::ImageVerificationResultName(v->result)},
      {"verified", v->verified()},
      {"reason", v->reason},
      {"policy", v->policy_name},
      {"level", v->level_name},
      {"trustStore", store_dir},
      {"revocationSource", options.connection.endpoint.empty()
                               ? "none (pass --endpoint to ask signetd)"
                               : "signetd GetRevocationStatus at " + options.connection.endpoint +
                                     " (not cached)"},
      {"signatures", signatures},
      {"untriedSignatures", v->untried_signatures},
      {"maxSignatures", options.max_signatures == 0 ? imagesig::kDefaultMaxSignatures
                                                    : options.max_signatures},
      {"warnings", v->warnings}};
  for (const std::string& w : v->warnings) err << "signet: warning: " << w << "\n";
  if (options.json) {
    out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    PrintHuman(report, out);
  }
  const bool ok = v->verified() || v->result == imagesig::ImageVerificationResult::kSkipped;
  return ok ? kExitValid : kExitInvalid;
}

}  // namespace signet::cli
