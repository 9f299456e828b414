// SignetdPayloadSigner: signs a Notary payload through signetd's SignPayload (POST
// /signing-jobs/with-payload, SigV4 service `signer`, payloadFormat application/vnd.cncf.notary.payload.v1+json)
// as a job of a signing profile, the way the AWS Signer Notation plugin asks AWS Signer.
//
// Sign() returns the JWS envelope signetd made and remembers what the job was (job id and ARN,
// profile version ARN, budget warnings). An environment whose policy skips signing is not an
// error to the pipeline: Sign() then fails with FailedPrecondition and skipped() is true, so the
// caller can exit 0 with signetd's "signing skipped: …" message. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/aws_client.h"
#include "core/status.h"

namespace signet::cli {

inline constexpr std::string_view kNotaryPayloadFormat = "application/vnd.cncf.notary.payload.v1+json";

class SignetdPayloadSigner {
 public:
  // `profile_owner` empty: the caller's own profile. `endpoint` is only named in messages.
  SignetdPayloadSigner(std::unique_ptr<api::AwsClient> client, std::string endpoint,
                       std::string profile_name, std::string profile_owner)
      : client_(std::move(client)),
        endpoint_(std::move(endpoint)),
        profile_name_(std::move(profile_name)),
        profile_owner_(std::move(profile_owner)) {}

  // The envelope bytes. Unavailable when signetd cannot be reached; PermissionDenied for a 403;
  // FailedPrecondition when skipped or refused (the AWS error is in the message).
  Result<std::string> Sign(std::string_view notary_payload_json);

  bool skipped() const { return skipped_; }
  // signetd answered, and refused (403, unknown profile, revoked profile, …).
  bool refused() const { return refused_; }
  const std::string& skip_message() const { return skip_message_; }
  const std::string& job_id() const { return job_id_; }
  const std::string& job_arn() const { return job_arn_; }
  const std::string& profile_version_arn() const { return profile_version_arn_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::unique_ptr<api::AwsClient> client_;
  std::string endpoint_;
  std::string profile_name_;
  std::string profile_owner_;
  bool skipped_ = false;
  bool refused_ = false;
  std::string skip_message_;
  std::string job_id_;
  std::string job_arn_;
  std::string profile_version_arn_;
  std::vector<std::string> warnings_;
};

}  // namespace signet::cli
