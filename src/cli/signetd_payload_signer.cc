#include "cli/signetd_payload_signer.h"

#include <nlohmann/json.hpp>

#include "cli/aws_connection.h"
#include "core/encoding.h"

namespace signet::cli {
namespace {

using nlohmann::json;

std::string StringMember(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

std::vector<std::string> SplitWarnings(const std::string& header) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find("; ", start);
    if (end == std::string::npos) end = header.size();
    if (end > start) out.push_back(header.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

}  // namespace

Result<std::string> SignetdPayloadSigner::Sign(std::string_view notary_payload_json) {
  json request = {{"profileName", profile_name_},
                  {"payload", Base64Encode(notary_payload_json)},
                  {"payloadFormat", kNotaryPayloadFormat}};
  if (!profile_owner_.empty()) request["profileOwner"] = profile_owner_;
  Result<api::AwsResponse> response =
      client_->Send("POST", "/signing-jobs/with-payload", "", request.dump(), "signer");
  if (!response.ok()) {
    return UnavailableError(response.status().message() + " (is signetd running at " + endpoint_ +
                            "?)");
  }
  warnings_ = SplitWarnings(response->Header("x-signet-warning"));
  if (response->Header("x-signet-signing-skipped") == "true") {
    skipped_ = true;
    const json body = json::parse(response->body, nullptr, false);
    skip_message_ = StringMember(body, "message");
    if (skip_message_.empty()) skip_message_ = StringMember(body, "Message");
    if (skip_message_.empty()) skip_message_ = "signing skipped by the environment's policy";
    return FailedPreconditionError(skip_message_);
  }
  if (response->status != 200) refused_ = true;
  if (response->status == 403) {
    return PermissionDeniedError("SignPayload refused: " + DescribeAwsError(*response));
  }
  if (response->status != 200) {
    return FailedPreconditionError("SignPayload failed: " + DescribeAwsError(*response));
  }
  const json body = json::parse(response->body, nullptr, false);
  Result<std::string> envelope = Base64Decode(StringMember(body, "signature"));
  if (!envelope.ok() || envelope->empty()) {
    return InternalError("SignPayload answered without a readable signature");
  }
  job_id_ = StringMember(body, "jobId");
  const json metadata = body.is_object() && body.contains("metadata") ? body["metadata"] : json();
  job_arn_ = StringMember(metadata, "signingJobArn");
  profile_version_arn_ = StringMember(metadata, "signingProfileVersionArn");
  return std::move(*envelope);
}

}  // namespace signet::cli
