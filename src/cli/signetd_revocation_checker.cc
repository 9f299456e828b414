#include "cli/signetd_revocation_checker.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "api/sigv4.h"
#include "cli/aws_connection.h"
#include "signer/revocation_query.h"

namespace signet::cli {

using notary::RevocationStatus;

RevocationStatus SignetdRevocationChecker::Check(const notary::EnvelopeContent& content) const {
  Result<signer::RevocationStatusRequest> request = signer::RevocationRequestFor(content, platform_id_);
  if (!request.ok()) return RevocationStatus::Unknown(request.status().message());
  std::string query =
      "signatureTimestamp=" + api::UriEncode(FormatRfc3339(request->signature_timestamp), true) +
      "&platformId=" + api::UriEncode(request->platform_id, true) +
      "&profileVersionArn=" + api::UriEncode(request->profile_version_arn, true) +
      "&jobArn=" + api::UriEncode(request->job_arn, true);
  for (const std::string& hash : request->certificate_hashes) query += "&certificateHashes=" + hash;

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
  std::vector<std::string> revoked;
  for (const nlohmann::json& entity : body["revokedEntities"]) {
    if (!entity.is_string()) {
      return RevocationStatus::Unknown("GetRevocationStatus answered something unreadable");
    }
    revoked.push_back(entity.get<std::string>());
  }
  return signer::RevocationStatusFor(*request, revoked);
}

}  // namespace signet::cli
