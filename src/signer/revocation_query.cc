#include "signer/revocation_query.h"

#include "signer/signer_service.h"

namespace signet::signer {

Result<RevocationStatusRequest> RevocationRequestFor(const notary::EnvelopeContent& content,
                                                     std::string_view platform_id) {
  const notary::ExtendedAttribute* version =
      content.signed_attributes.Find(notary::kSigningProfileVersionAttribute);
  const notary::ExtendedAttribute* job = content.signed_attributes.Find(notary::kSigningJobAttribute);
  if (version == nullptr || job == nullptr) {
    return FailedPreconditionError(
        "the signature names no signing profile version and job, so signetd cannot tell "
        "whether it was revoked");
  }
  RevocationStatusRequest request;
  request.signature_timestamp = content.signed_attributes.signing_time;
  request.platform_id = std::string(platform_id);
  request.profile_version_arn = version->value;
  request.job_arn = job->value;
  const std::vector<crypto::Certificate>& chain = content.certificate_chain;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    request.certificate_hashes.push_back(SignerService::CertificateHash(chain[i], chain[i + 1]));
  }
  return request;
}

notary::RevocationStatus RevocationStatusFor(const RevocationStatusRequest& request,
                                             const std::vector<std::string>& revoked) {
  std::string reason;
  for (const std::string& entity : revoked) {
    const std::string what = entity == request.job_arn               ? "signing job "
                             : entity == request.profile_version_arn ? "signing profile version "
                                                                     : "certificate ";
    reason += (reason.empty() ? "" : "; ") + what + entity + " is revoked";
  }
  if (reason.empty()) return notary::RevocationStatus::NotRevoked();
  return notary::RevocationStatus::Revoked(reason);
}

}  // namespace signet::signer
