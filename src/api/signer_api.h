// SignerApi: the AWS Signer REST-JSON API (service model signer 2017-08-25, and GetRevocationStatus
// of signer-data) over a SignerService, so that `aws signer …`, `aws signer-data …` and the AWS
// SDKs work against signetd.
//
// Handle routes an authenticated request by method and path, validates every input against the
// service model's constraints before the domain sees it, and renders the model's output shapes
// (epoch-second timestamps, base64 blobs, absent optionals omitted). Errors are AWS-shaped
// (api/aws_error.h) and use the exception names the operation's model lists: the tagging
// operations answer BadRequestException/NotFoundException, the others ValidationException/
// ResourceNotFoundException/AccessDeniedException/ConflictException. An unknown path is 404
// UnknownOperationException, a known path with the wrong method 405 MethodNotAllowedException.
//
// One route is signet's own, not AWS's: POST /signing-jobs/package?profileName=N[&profileOwner=A]
// [&packageName=F] signs the ZIP package in the body as a job of profile N (as StartSigningJob
// would) and answers with the signed ZIP (application/zip) and the job in headers
// x-signet-job-id, x-signet-job-arn, x-signet-job-owner, x-signet-profile-version-arn,
// x-signet-signature-expires-at; errors are JSON, as for every other operation.
//
// Metering (README "Cost and environments"): SignPayload and StartSigningJob take the
// environment from the request header x-signet-environment and return budget warnings in
// x-signet-warning; a skipped signing is a ValidationException with x-signet-signing-skipped:
// true, a budget refusal 402 ServiceLimitExceededException. Responses name their operation
// (ApiResponse::operation) for the request metrics.
//
// Thread-safe as the SignerService is; holds no state of its own.
#pragma once

#include <filesystem>
#include <utility>

#include "api/http_message.h"
#include "signer/signer_service.h"

namespace signet::api {

class SignerApi {
 public:
  // `service` must outlive this object. Signed packages (POST /signing-jobs/package) are written
  // to temporary files in `work_dir` (empty: the system's temporary directory) while they are
  // sent back.
  explicit SignerApi(signer::SignerService& service, std::filesystem::path work_dir = {})
      : service_(service), work_dir_(std::move(work_dir)) {}

  // Never throws; every failure is an AWS-shaped error response.
  ApiResponse Handle(const ApiRequest& request);

 private:
  signer::SignerService& service_;
  std::filesystem::path work_dir_;
};

}  // namespace signet::api
