#include "deploy/package_verifier.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/arn.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "zipsig/zip_signature.h"

namespace signet::deploy {
namespace {

constexpr std::string_view kPolicyName = "signet-deploy-gate";
constexpr std::string_view kStoreName = "deploy-trust-anchors";

std::string Attribute(const notary::EnvelopeContent& content, std::string_view key) {
  const notary::ExtendedAttribute* a = content.signed_attributes.Find(key);
  return a ? a->value : "";
}

}  // namespace

std::string_view DeployCheckName(DeployCheck check) {
  switch (check) {
    case DeployCheck::kIntegrity:
      return "integrity";
    case DeployCheck::kExpiry:
      return "expiry";
    case DeployCheck::kMismatch:
      return "mismatch";
    case DeployCheck::kRevocation:
      return "revocation";
  }
  return "unknown";
}

const CheckFailure* PackageVerdict::Find(DeployCheck check) const {
  for (const CheckFailure& f : failures) {
    if (f.check == check) return &f;
  }
  return nullptr;
}

Result<std::unique_ptr<PackageVerifier>> PackageVerifier::Create(
    std::vector<crypto::Certificate> trust_anchors, store::Store& store, const Clock& clock) {
  if (trust_anchors.empty()) return InvalidArgumentError("the deploy gate needs a trust anchor");
  notary::TrustStore trust_store;
  SIGNET_RETURN_IF_ERROR(trust_store.Add(notary::TrustStoreType::kCa, kStoreName, trust_anchors));
  SIGNET_RETURN_IF_ERROR(
      trust_store.Add(notary::TrustStoreType::kSigningAuthority, kStoreName, trust_anchors));
  // Only integrity is decided by the Verifier; the other checks are logged so that every
  // failure is reported and the config's policy decides. Revocation is read from the Store.
  const nlohmann::json policy_doc = {
      {"version", "1.0"},
      {"trustPolicies",
       {{{"name", kPolicyName},
         {"globalPolicy", true},
         {"signatureVerification",
          {{"level", "strict"},
           {"override",
            {{"authenticity", "log"},
             {"authenticTimestamp", "log"},
             {"expiry", "log"},
             {"revocation", "skip"}}}}},
         {"trustStores",
          {"ca:" + std::string(kStoreName), "signingAuthority:" + std::string(kStoreName)}},
         {"trustedIdentities", {"*"}}}}}};
  SIGNET_ASSIGN_OR_RETURN(notary::TrustPolicy policy,
                          notary::TrustPolicy::ParseBlob(policy_doc.dump()));
  notary::VerifierOptions options;
  options.clock = &clock;
  options.processed_critical_attributes = {std::string(notary::kSigningProfileVersionAttribute),
                                           std::string(notary::kSigningJobAttribute)};
  notary::Verifier verifier(std::move(policy), std::move(trust_store), std::move(options));
  return std::unique_ptr<PackageVerifier>(new PackageVerifier(std::move(verifier), store));
}

PackageVerdict PackageVerifier::CheckSignature(std::string_view package) const {
  PackageVerdict verdict;
  auto source = zipsig::ByteSource::FromMemory(package);
  Result<zipsig::PackageContent> content = zipsig::InspectPackage(*source);
  if (!content.ok()) {
    verdict.failures.push_back({DeployCheck::kIntegrity, content.status().message()});
    return verdict;
  }
  if (!content->envelope) {
    verdict.failures.push_back({DeployCheck::kMismatch, "the package is not signed"});
    return verdict;
  }
  Result<notary::VerificationOutcome> outcome =
      zipsig::VerifyPackageContent(*content, verifier_, kPolicyName);
  if (!outcome.ok()) {
    // Policy selection cannot fail for the one global statement; report it, never pass it.
    verdict.failures.push_back({DeployCheck::kIntegrity, outcome.status().message()});
    return verdict;
  }
  if (!outcome->verified() || !outcome->envelope()) {
    verdict.failures.push_back({DeployCheck::kIntegrity, outcome->reason()});
    return verdict;
  }
  const notary::EnvelopeContent& envelope = *outcome->envelope();
  verdict.signing_profile_version_arn =
      Attribute(envelope, notary::kSigningProfileVersionAttribute);
  verdict.signing_job_arn = Attribute(envelope, notary::kSigningJobAttribute);
  verdict.signing_time = envelope.signed_attributes.signing_time;
  const auto failed = [&](notary::VerificationCheck c) -> const notary::CheckResult* {
    const notary::CheckResult& r = outcome->check(c);
    return r.status == notary::CheckStatus::kFailed ? &r : nullptr;
  };
  if (const auto* r = failed(notary::VerificationCheck::kExpiry)) {
    verdict.failures.push_back({DeployCheck::kExpiry, r->message});
  } else if (const auto* t = failed(notary::VerificationCheck::kAuthenticTimestamp)) {
    verdict.failures.push_back({DeployCheck::kExpiry, t->message});
  }
  if (const auto* r = failed(notary::VerificationCheck::kAuthenticity)) {
    verdict.failures.push_back({DeployCheck::kMismatch, r->message});
  }
  return verdict;
}

PackageVerdict PackageVerifier::ReadSigner(std::string_view package) const {
  PackageVerdict verdict = CheckSignature(package);
  if (verdict.Find(DeployCheck::kIntegrity)) return PackageVerdict{};
  verdict.failures.clear();
  return verdict;
}

Result<PackageVerdict> PackageVerifier::Verify(std::string_view package,
                                               const store::CodeSigningConfigRecord& config) const {
  PackageVerdict verdict = CheckSignature(package);
  if (verdict.Find(DeployCheck::kIntegrity) || verdict.Find(DeployCheck::kMismatch)) {
    // Unreadable or unsigned: there is no signer to match or revoke.
    if (verdict.signing_profile_version_arn.empty()) return verdict;
  }
  const std::string& version_arn = verdict.signing_profile_version_arn;
  const auto& allowed = config.allowed_profile_version_arns;
  if (version_arn.empty()) {
    verdict.failures.push_back(
        {DeployCheck::kMismatch, "the signature names no signing profile version"});
  } else if (std::find(allowed.begin(), allowed.end(), version_arn) == allowed.end() &&
             !verdict.Find(DeployCheck::kMismatch)) {
    verdict.failures.push_back({DeployCheck::kMismatch, "signing profile version " + version_arn +
                                                            " is not an allowed publisher of " +
                                                            config.arn});
  }

  // Revocation, read now from this installation's records. A job or profile version this
  // installation does not know was signed elsewhere: nothing here can revoke it.
  std::vector<std::string> revoked;
  if (!verdict.signing_job_arn.empty()) {
    Result<SigningJobArn> job = ParseSigningJobArn(verdict.signing_job_arn);
    if (job.ok()) {
      Result<bool> r = store_.IsJobRevoked(job->job_id);
      if (!r.ok() && r.status().code() != ErrorCode::kNotFound) return r.status();
      if (r.ok() && *r) revoked.push_back("signing job " + verdict.signing_job_arn + " is revoked");
    }
  }
  if (!version_arn.empty() && verdict.signing_time) {
    const Timestamp signed_at = *verdict.signing_time;
    Result<bool> r = store_.IsProfileVersionRevokedAt(version_arn, signed_at);
    if (!r.ok() && r.status().code() != ErrorCode::kNotFound) return r.status();
    if (r.ok() && *r) {
      revoked.push_back("signing profile version " + version_arn +
                        " is revoked effective at or before the signing time " +
                        FormatRfc3339(signed_at));
    }
  }
  if (!revoked.empty()) {
    std::string reason = revoked[0];
    for (size_t i = 1; i < revoked.size(); ++i) reason += "; " + revoked[i];
    verdict.failures.push_back({DeployCheck::kRevocation, reason});
  }
  std::stable_sort(verdict.failures.begin(), verdict.failures.end(),
                   [](const CheckFailure& a, const CheckFailure& b) { return a.check < b.check; });
  return verdict;
}

}  // namespace signet::deploy
