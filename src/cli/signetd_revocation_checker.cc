#include "cli/signetd_revocation_checker.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "api/sigv4.h"
#include "cli/aws_connection.h"
#include "signer/signer_service.h"

namespace signet::cli {

using notary::RevocationStatus;

RevocationStatus SignetdRevocationChecker::Check(const notary::EnvelopeContent& content) const {
  const notary::ExtendedAttribute* version =
      content.signed_attributes.Find(notary::kSigningProfileVersionAttribute);
  const notary::ExtendedAttribute* job = content.signed_attributes.Find(notary::kSigningJobAttribute);
  if (version == nullptr || job == nullptr) {
    return RevocationStatus::Unknown(
        "the signature names no signing profile version and job, so signetd cannot tell "
        "whether it was revoked");
  }
  std::string query = "signatureTimestamp=" +
                      api::UriEncode(FormatRfc3339(content.signed_attributes.signing_time), true) +
                      "&platformId=" + api::UriEncode(platform_id_, true) +
                      "&profileVersionArn=" + api::UriEncode(version->value, true) +
                      "&jobArn=" + api::UriEncode(job->value, true);
  const std::vector<crypto::Certificate>& chain = content.certificate_chain;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    query += "&certificateHashes=" + signer::SignerService::CertificateHash(chain[i], chain[i + 1]);
  }

  Result<api::AwsResponse> response = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    return client_->Send("GET", "/revocations", query, "", "signer");
  }();
  if (!response.ok()) {
    return RevocationStatus::Unknown("revocation service unreachable: " +
                                     response.status().message());
  }
  if (response->status != 200) {
    return RevocationStatus::Unknown("GetRevocationStatus failed: " + DescribeAwsError(*response));
  }
  const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object() || !body.contains("revokedEntities") ||
      !body["revokedEntities"].is_array()) {
    return RevocationStatus::Unknown("GetRevocationStatus answered something unreadable");
  }
  std::string revoked;
  for (const nlohmann::json& entity : body["revokedEntities"]) {
    if (!entity.is_string()) {
      return RevocationStatus::Unknown("GetRevocationStatus answered something unreadable");
    }
    const std::string e = entity;
    const std::string what = e == job->value       ? "signing job "
                             : e == version->value ? "signing profile version "
                                                   : "certificate ";
    revoked += (revoked.empty() ? "" : "; ") + what + e + " is revoked";
  }
  if (revoked.empty()) return RevocationStatus::NotRevoked();
  return RevocationStatus::Revoked(revoked);
}

}  // namespace signet::cli
