// POST /signing-jobs/package: signet's one-call signing of a ZIP package (`signet sign zip`).
//
// The package arrives as the request body (in memory once, as the HTTP server read it); the
// signed archive is streamed to a temporary file in the work directory and sent from there, so a
// 250 MB package is not held twice. The file is unlinked as soon as the server opens it to send.
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "api/signer_operations.h"
#include "api/signer_params.h"
#include "core/arn.h"
#include "core/ids.h"
#include "zipsig/byte_source.h"

namespace signet::api::operations {
namespace {

constexpr size_t kMaxPackageNameLength = 1024;  // an S3 key's limit: it is the job's source key

}  // namespace

Result<ApiResponse> SignPackage(const Call& call) {
  const ApiRequest& request = call.request;
  signer::SignPackageRequest sign;
  std::optional<std::string> name = request.Query("profileName");
  if (!name) return params::Missing("profileName");
  sign.profile.profile_name = std::move(*name);
  SIGNET_RETURN_IF_ERROR(params::CheckProfileName(sign.profile.profile_name));
  sign.profile.profile_owner = request.Query("profileOwner");
  if (sign.profile.profile_owner) {
    SIGNET_RETURN_IF_ERROR(params::CheckAccountId(*sign.profile.profile_owner, "profileOwner"));
  }
  sign.package_name = request.Query("packageName").value_or("");
  sign.environment = request.Header(signer::kEnvironmentHeader);
  SIGNET_RETURN_IF_ERROR(
      params::CheckLength(sign.package_name, "packageName", 0, kMaxPackageNameLength));
  if (request.body.empty()) {
    return InvalidArgumentError("the request body must be the ZIP package to sign; it is empty");
  }

  std::error_code ec;
  const std::filesystem::path dir =
      call.work_dir.empty() ? std::filesystem::temp_directory_path(ec) : call.work_dir;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path temp = dir / ("signed-" + NewUuidV4() + ".zip");
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<zipsig::ByteSink> out,
                          zipsig::ByteSink::CreateFile(temp));
  std::unique_ptr<zipsig::ByteSource> package = zipsig::ByteSource::FromMemory(request.body);
  SIGNET_ASSIGN_OR_RETURN(signer::SigningResult signed_package,
                          call.service.SignPackage(request.caller, sign, *package, *out));
  if (signed_package.skipped) return SkippedError(call, *signed_package.skipped);
  store::SigningJobRecord& job = signed_package.job;
  SIGNET_RETURN_IF_ERROR(out->Close());
  const uint64_t size = std::filesystem::file_size(temp, ec);
  if (ec) return InternalError("the signed package vanished before it was sent");

  ApiResponse response;
  response.content_type = "application/zip";
  response.file_body = ApiResponse::FileBody{temp, 0, size, /*remove_when_opened=*/true};
  AddWarnings(call, signed_package.warnings);
  response.SetHeader("x-signet-job-id", job.job_id);
  response.SetHeader("x-signet-job-owner", job.job_owner);
  response.SetHeader("x-signet-job-arn", job.metadata["signingJobArn"]);
  response.SetHeader("x-signet-profile-version-arn", job.profile_version_arn);
  if (job.signature_expires_at) {
    response.SetHeader("x-signet-signature-expires-at", FormatRfc3339(*job.signature_expires_at));
  }
  return response;
}

}  // namespace signet::api::operations
