// Internal to api/: one function per Signer API operation. Each reads its inputs from the
// request (path parameters already split and decoded by the router), validates them against the
// service model (api/signer_params.h), calls SignerService and renders the output shape
// (api/signer_shapes.h). Errors are Status values; the router maps them to the operation's
// AWS exceptions.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_message.h"
#include "core/status.h"
#include "signer/signer_service.h"

namespace signet::api::operations {

using Json = nlohmann::json;

struct Call {
  signer::SignerService& service;
  const ApiRequest& request;
  std::vector<std::string> path;  // the URI's parameters, decoded, in URI order
  // Where responses too large for memory are written; empty: the system's temporary directory.
  std::filesystem::path work_dir{};
  // Extra response headers (x-signet-warning), sent with success and error answers alike.
  std::vector<std::pair<std::string, std::string>>* response_headers = nullptr;
};

// The header that carries budget warnings of a signing ("; "-separated).
inline constexpr std::string_view kWarningHeader = "x-signet-warning";
// A signing the environment skipped is answered as a ValidationException (an AWS client that
// asked for a signature gets none) with this header set to "true", so that `signet sign` can
// tell it from a failure.
inline constexpr std::string_view kSigningSkippedHeader = "x-signet-signing-skipped";
// The skip's error, and its header on the response.
Status SkippedError(const Call& call, const signer::SkippedSigning& skipped);
// Adds a signing's budget warnings to the response (one kWarningHeader, "; "-separated).
void AddWarnings(const Call& call, const std::vector<std::string>& warnings);

// Profiles.
Result<Json> PutSigningProfile(const Call& call);
Result<Json> GetSigningProfile(const Call& call);
Result<Json> ListSigningProfiles(const Call& call);
Result<Json> CancelSigningProfile(const Call& call);
Result<Json> RevokeSigningProfile(const Call& call);
// Permissions.
Result<Json> AddProfilePermission(const Call& call);
Result<Json> RemoveProfilePermission(const Call& call);
Result<Json> ListProfilePermissions(const Call& call);
// Tags.
Result<Json> TagResource(const Call& call);
Result<Json> UntagResource(const Call& call);
Result<Json> ListTagsForResource(const Call& call);
// Signing and jobs.
// The whole response: its signature blob is written past nlohmann (shapes::DumpWithBase64Member).
Result<ApiResponse> SignPayload(const Call& call);
Result<Json> StartSigningJob(const Call& call);
Result<Json> DescribeSigningJob(const Call& call);
Result<Json> ListSigningJobs(const Call& call);
Result<Json> RevokeSignature(const Call& call);
Result<Json> GetRevocationStatus(const Call& call);
// signet's own: the ZIP in the body, signed as a job; the response body is the signed ZIP.
Result<ApiResponse> SignPackage(const Call& call);
// Platforms.
Result<Json> GetSigningPlatform(const Call& call);
// signet's own: GET /trust-anchor, the installation's root certificate (DESIGN.md §4), for
// `signet trust export`: {"certificatePem", "subject", "sha256Thumbprint", "notAfter"}. Any
// authenticated caller may read it; no AWS operation publishes the root (AWS publishes its
// aws-signer-ts root for download).
Result<Json> GetTrustAnchor(const Call& call);
Result<Json> ListSigningPlatforms(const Call& call);

}  // namespace signet::api::operations
