#include "admission/signer_revocation_checker.h"

#include <vector>

#include "signer/platform.h"

namespace signet::admission {

using notary::RevocationStatus;

RevocationStatus SignerRevocationChecker::Check(const notary::EnvelopeContent& content) const {
  const notary::ExtendedAttribute* version =
      content.signed_attributes.Find(notary::kSigningProfileVersionAttribute);
  const notary::ExtendedAttribute* job = content.signed_attributes.Find(notary::kSigningJobAttribute);
  if (version == nullptr || job == nullptr) {
    return RevocationStatus::Unknown(
        "the signature names no signing profile version and job, so signetd cannot tell "
        "whether it was revoked");
  }
  signer::RevocationStatusRequest request;
  request.signature_timestamp = content.signed_attributes.signing_time;
  request.platform_id = std::string(signer::kNotationPlatformId);
  request.profile_version_arn = version->value;
  request.job_arn = job->value;
  const std::vector<crypto::Certificate>& chain = content.certificate_chain;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    request.certificate_hashes.push_back(
        signer::SignerService::CertificateHash(chain[i], chain[i + 1]));
  }
  // GetRevocationStatus is public in the Signer API: it does not depend on who asks.
  const signer::Caller caller{"", "signetd admission webhook"};
  Result<std::vector<std::string>> revoked = signer_.GetRevocationStatus(caller, request);
  if (!revoked.ok()) {
    return RevocationStatus::Unknown("revocation status unavailable: " +
                                     revoked.status().message());
  }
  std::string reason;
  for (const std::string& entity : *revoked) {
    const std::string what = entity == job->value       ? "signing job "
                             : entity == version->value ? "signing profile version "
                                                        : "certificate ";
    reason += (reason.empty() ? "" : "; ") + what + entity + " is revoked";
  }
  if (reason.empty()) return RevocationStatus::NotRevoked();
  return RevocationStatus::Revoked(reason);
}

}  // namespace signet::admission
