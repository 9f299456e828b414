#include "api/signer_operations.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "api/signer_params.h"
#include "api/signer_shapes.h"
#include "core/arn.h"
#include "core/encoding.h"
#include "signer/platform.h"

namespace signet::api::operations {
namespace {

using params::CheckAccountId;
using params::CheckEnum;
using params::CheckLength;
using params::CheckProfileName;
using params::CheckProfileVersion;
using params::Missing;
using params::OptionalObject;
using params::OptionalString;
using params::RequiredString;
using params::Violation;

constexpr size_t kMaxReasonLength = 500;
constexpr size_t kMinArnLength = 20;
constexpr size_t kMaxArnLength = 2048;
constexpr size_t kMaxCertificateHashLength = 2048;
// Listing the whole policy for policySizeBytes reads at most this many pages.
constexpr int kMaxPolicyPages = 100;
constexpr std::string_view kPlatformTokenPrefix = "signet-platforms-v1:";

// Adds nextToken unless this is the last page.
Json WithNextToken(Json out, const std::string& next_token) {
  if (!next_token.empty()) out["nextToken"] = next_token;
  return out;
}

Status CheckNotEmpty(std::string_view value, std::string_view member) {
  if (value.empty()) return Violation(member, value, "Member must not be empty");
  return Status::Ok();
}

Result<std::optional<std::string>> OptionalAccount(const Json& body, std::string_view member) {
  SIGNET_ASSIGN_OR_RETURN(auto account, OptionalString(body, member));
  if (account) {
    SIGNET_RETURN_IF_ERROR(CheckAccountId(*account, member));
  }
  return account;
}

Result<std::string> Reason(const Json& body) {
  SIGNET_ASSIGN_OR_RETURN(std::string reason, RequiredString(body, "reason"));
  SIGNET_RETURN_IF_ERROR(CheckLength(reason, "reason", 1, kMaxReasonLength));
  return reason;
}

Result<std::string> RequiredQuery(const ApiRequest& request, std::string_view name) {
  auto value = request.Query(name);
  if (!value) return Missing(name);
  return std::move(*value);
}

}  // namespace

Status SkippedError(const Call& call, const signer::SkippedSigning& skipped) {
  if (call.response_headers != nullptr) {
    call.response_headers->emplace_back(std::string(kSigningSkippedHeader), "true");
  }
  return InvalidArgumentError(skipped.message);
}

void AddWarnings(const Call& call, const std::vector<std::string>& warnings) {
  if (warnings.empty() || call.response_headers == nullptr) return;
  std::string joined;
  for (const std::string& w : warnings) joined += (joined.empty() ? "" : "; ") + w;
  call.response_headers->emplace_back(std::string(kWarningHeader), std::move(joined));
}

// --- Profiles ------------------------------------------------------------------------------------

Result<Json> PutSigningProfile(const Call& call) {
  signer::PutProfileRequest put;
  put.profile_name = call.path[0];
  SIGNET_RETURN_IF_ERROR(CheckProfileName(put.profile_name));
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  SIGNET_ASSIGN_OR_RETURN(put.platform_id, RequiredString(body, "platformId"));
  SIGNET_ASSIGN_OR_RETURN(auto validity, OptionalObject(body, "signatureValidityPeriod"));
  if (validity) {
    SIGNET_ASSIGN_OR_RETURN(put.signature_validity,
                            params::ParseValidityPeriod(*validity, "signatureValidityPeriod"));
  }
  SIGNET_ASSIGN_OR_RETURN(auto material, OptionalObject(body, "signingMaterial"));
  if (material) {
    SIGNET_ASSIGN_OR_RETURN(put.certificate_arn,
                            RequiredString(*material, "signingMaterial.certificateArn"));
  }
  SIGNET_ASSIGN_OR_RETURN(auto overrides, OptionalObject(body, "overrides"));
  if (overrides) {
    SIGNET_ASSIGN_OR_RETURN(put.overrides, params::ParseOverrides(*overrides, "overrides"));
  }
  SIGNET_ASSIGN_OR_RETURN(put.signing_parameters, params::StringMap(body, "signingParameters"));
  bool has_tags = false;
  SIGNET_ASSIGN_OR_RETURN(put.tags, params::StringMap(body, "tags", &has_tags));
  if (has_tags) {
    SIGNET_RETURN_IF_ERROR(params::CheckTags(put.tags, "tags"));
  }
  SIGNET_ASSIGN_OR_RETURN(store::SigningProfileRecord profile,
                          call.service.PutSigningProfile(call.request.caller, put));
  return Json{{"arn", profile.arn},
              {"profileVersion", profile.version},
              {"profileVersionArn", profile.version_arn}};
}

Result<Json> GetSigningProfile(const Call& call) {
  signer::ProfileLookup lookup{call.path[0], call.request.Query("profileOwner")};
  SIGNET_RETURN_IF_ERROR(CheckProfileName(lookup.profile_name));
  if (lookup.profile_owner) {
    SIGNET_RETURN_IF_ERROR(CheckAccountId(*lookup.profile_owner, "profileOwner"));
  }
  SIGNET_ASSIGN_OR_RETURN(store::SigningProfileRecord profile,
                          call.service.GetSigningProfile(call.request.caller, lookup));
  return shapes::SigningProfile(profile);
}

Result<Json> ListSigningProfiles(const Call& call) {
  const ApiRequest& request = call.request;
  store::SigningProfileFilter filter;
  SIGNET_ASSIGN_OR_RETURN(auto include_canceled, params::QueryBool(request, "includeCanceled"));
  filter.include_canceled = include_canceled.value_or(false);
  for (const std::string& status : request.QueryAll("statuses")) {
    SIGNET_RETURN_IF_ERROR(CheckEnum(status, "statuses", {"Active", "Canceled", "Revoked"}));
    SIGNET_ASSIGN_OR_RETURN(store::ProfileStatus parsed, store::ParseProfileStatus(status));
    filter.statuses.push_back(parsed);
  }
  filter.platform_id = request.Query("platformId");
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, params::QueryPage(request));
  SIGNET_ASSIGN_OR_RETURN(auto listed,
                          call.service.ListSigningProfiles(request.caller, filter, page));
  Json profiles = Json::array();
  for (const auto& profile : listed.items) {
    profiles.push_back(shapes::SigningProfileSummary(profile));
  }
  return WithNextToken(Json{{"profiles", std::move(profiles)}}, listed.next_token);
}

Result<Json> CancelSigningProfile(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(call.path[0]));
  SIGNET_RETURN_IF_ERROR(call.service.CancelSigningProfile(call.request.caller, call.path[0]));
  return Json::object();
}

Result<Json> RevokeSigningProfile(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(call.path[0]));
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  SIGNET_ASSIGN_OR_RETURN(std::string version, RequiredString(body, "profileVersion"));
  SIGNET_RETURN_IF_ERROR(CheckProfileVersion(version));
  SIGNET_ASSIGN_OR_RETURN(std::string reason, Reason(body));
  SIGNET_ASSIGN_OR_RETURN(Timestamp effective_time,
                          params::RequiredTimestamp(body, "effectiveTime"));
  SIGNET_RETURN_IF_ERROR(call.service.RevokeSigningProfile(call.request.caller, call.path[0],
                                                           version, reason, effective_time));
  return Json::object();
}

// --- Permissions ---------------------------------------------------------------------------------

Result<Json> AddProfilePermission(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(call.path[0]));
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  store::ProfilePermissionRecord permission;
  SIGNET_ASSIGN_OR_RETURN(permission.action, RequiredString(body, "action"));
  SIGNET_ASSIGN_OR_RETURN(permission.principal, RequiredString(body, "principal"));
  SIGNET_ASSIGN_OR_RETURN(permission.statement_id, RequiredString(body, "statementId"));
  SIGNET_ASSIGN_OR_RETURN(permission.profile_version, OptionalString(body, "profileVersion"));
  SIGNET_ASSIGN_OR_RETURN(auto revision_id, OptionalString(body, "revisionId"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(permission.action, "action"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(permission.principal, "principal"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(permission.statement_id, "statementId"));
  if (permission.profile_version) {
    SIGNET_RETURN_IF_ERROR(CheckProfileVersion(*permission.profile_version));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string revision,
                          call.service.AddProfilePermission(call.request.caller, call.path[0],
                                                            revision_id, permission));
  return Json{{"revisionId", revision}};
}

Result<Json> RemoveProfilePermission(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(call.path[0]));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[1], "statementId"));
  SIGNET_ASSIGN_OR_RETURN(std::string revision_id, RequiredQuery(call.request, "revisionId"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(revision_id, "revisionId"));
  SIGNET_ASSIGN_OR_RETURN(std::string revision,
                          call.service.RemoveProfilePermission(call.request.caller, call.path[0],
                                                               revision_id, call.path[1]));
  return Json{{"revisionId", revision}};
}

Result<Json> ListProfilePermissions(const Call& call) {
  const std::string& name = call.path[0];
  SIGNET_RETURN_IF_ERROR(CheckProfileName(name));
  store::PageRequest page;
  page.token = call.request.Query("nextToken").value_or("");
  SIGNET_ASSIGN_OR_RETURN(store::ProfilePermissions listed,
                          call.service.ListProfilePermissions(call.request.caller, name, page));
  // policySizeBytes is the size of the whole policy, not of this page.
  std::vector<store::ProfilePermissionRecord> all = listed.permissions;
  if (!page.token.empty() || !listed.next_token.empty()) {
    all.clear();
    store::PageRequest every;
    for (int pages = 0; pages < kMaxPolicyPages; ++pages) {
      SIGNET_ASSIGN_OR_RETURN(
          store::ProfilePermissions part,
          call.service.ListProfilePermissions(call.request.caller, name, every));
      all.insert(all.end(), part.permissions.begin(), part.permissions.end());
      if (part.next_token.empty()) break;
      every.token = part.next_token;
    }
  }
  const std::string profile_arn =
      SigningProfileArn{call.service.ScopeFor(call.request.caller.account), name, std::nullopt}
          .ToString();
  Json permissions = Json::array();
  for (const auto& permission : listed.permissions) {
    permissions.push_back(shapes::Permission(permission));
  }
  Json out = {{"permissions", std::move(permissions)},
              {"policySizeBytes", shapes::PolicySizeBytes(profile_arn, all)}};
  if (!listed.revision_id.empty()) out["revisionId"] = listed.revision_id;
  return WithNextToken(std::move(out), listed.next_token);
}

// --- Tags ----------------------------------------------------------------------------------------

Result<Json> TagResource(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[0], "resourceArn"));
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  bool has_tags = false;
  SIGNET_ASSIGN_OR_RETURN(store::TagMap tags, params::StringMap(body, "tags", &has_tags));
  if (!has_tags) return Missing("tags");
  SIGNET_RETURN_IF_ERROR(params::CheckTags(tags, "tags"));
  SIGNET_RETURN_IF_ERROR(call.service.TagResource(call.request.caller, call.path[0], tags));
  return Json::object();
}

Result<Json> UntagResource(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[0], "resourceArn"));
  std::vector<std::string> keys = call.request.QueryAll("tagKeys");
  if (keys.empty()) return Missing("tagKeys");
  SIGNET_RETURN_IF_ERROR(params::CheckTagKeys(keys, "tagKeys"));
  SIGNET_RETURN_IF_ERROR(call.service.UntagResource(call.request.caller, call.path[0], keys));
  return Json::object();
}

Result<Json> ListTagsForResource(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[0], "resourceArn"));
  SIGNET_ASSIGN_OR_RETURN(store::TagMap tags,
                          call.service.ListTagsForResource(call.request.caller, call.path[0]));
  Json out = Json::object();
  for (const auto& [key, value] : tags) out[key] = value;
  return Json{{"tags", std::move(out)}};
}

// --- Signing and jobs ----------------------------------------------------------------------------

Result<ApiResponse> SignPayload(const Call& call) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  signer::SignPayloadRequest sign;
  SIGNET_ASSIGN_OR_RETURN(sign.profile.profile_name, RequiredString(body, "profileName"));
  SIGNET_RETURN_IF_ERROR(CheckProfileName(sign.profile.profile_name));
  SIGNET_ASSIGN_OR_RETURN(sign.profile.profile_owner, OptionalAccount(body, "profileOwner"));
  SIGNET_ASSIGN_OR_RETURN(std::string payload, RequiredString(body, "payload"));
  Result<std::string> decoded = Base64Decode(payload);
  if (!decoded.ok()) return Violation("payload", payload, "Member must be base64-encoded bytes");
  sign.payload = std::move(*decoded);
  if (sign.payload.empty() || sign.payload.size() > signer::kMaxSignPayloadBytes) {
    return Violation("payload", std::to_string(sign.payload.size()) + " bytes",
                     "Member must have length between 1 and " +
                         std::to_string(signer::kMaxSignPayloadBytes) + " bytes");
  }
  SIGNET_ASSIGN_OR_RETURN(sign.payload_format, RequiredString(body, "payloadFormat"));
  sign.environment = call.request.Header(signer::kEnvironmentHeader);
  SIGNET_ASSIGN_OR_RETURN(signer::SignPayloadResult signed_payload,
                          call.service.SignPayload(call.request.caller, sign));
  if (signed_payload.skipped) return SkippedError(call, *signed_payload.skipped);
  AddWarnings(call, signed_payload.warnings);
  Json metadata = Json::object();
  for (const auto& [key, value] : signed_payload.job.metadata) metadata[key] = value;
  const Json members = {{"jobId", signed_payload.job.job_id},
                        {"jobOwner", signed_payload.job.job_owner},
                        {"metadata", std::move(metadata)}};
  ApiResponse response;
  response.body =
      shapes::DumpWithBase64Member(members, "signature", Base64Encode(signed_payload.signature));
  return response;
}

Result<Json> StartSigningJob(const Call& call) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  signer::StartSigningJobRequest start;
  SIGNET_ASSIGN_OR_RETURN(auto source, OptionalObject(body, "source"));
  if (!source) return Missing("source");
  SIGNET_ASSIGN_OR_RETURN(auto source_s3, OptionalObject(*source, "source.s3"));
  if (!source_s3) return Missing("source.s3");
  SIGNET_ASSIGN_OR_RETURN(start.source.bucket, RequiredString(*source_s3, "source.s3.bucketName"));
  SIGNET_ASSIGN_OR_RETURN(start.source.key, RequiredString(*source_s3, "source.s3.key"));
  SIGNET_ASSIGN_OR_RETURN(start.source.version, RequiredString(*source_s3, "source.s3.version"));
  SIGNET_ASSIGN_OR_RETURN(auto destination, OptionalObject(body, "destination"));
  if (!destination) return Missing("destination");
  SIGNET_ASSIGN_OR_RETURN(auto destination_s3, OptionalObject(*destination, "destination.s3"));
  if (!destination_s3) return Missing("destination.s3");
  SIGNET_ASSIGN_OR_RETURN(start.destination.bucket,
                          RequiredString(*destination_s3, "destination.s3.bucketName"));
  SIGNET_ASSIGN_OR_RETURN(auto prefix, OptionalString(*destination_s3, "destination.s3.prefix"));
  start.destination.prefix = prefix.value_or("");
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(start.source.bucket, "source.s3.bucketName"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(start.source.key, "source.s3.key"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(start.destination.bucket, "destination.s3.bucketName"));
  SIGNET_ASSIGN_OR_RETURN(start.profile.profile_name, RequiredString(body, "profileName"));
  SIGNET_RETURN_IF_ERROR(CheckProfileName(start.profile.profile_name));
  SIGNET_ASSIGN_OR_RETURN(start.profile.profile_owner, OptionalAccount(body, "profileOwner"));
  SIGNET_ASSIGN_OR_RETURN(start.client_request_token, RequiredString(body, "clientRequestToken"));
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(start.client_request_token, "clientRequestToken"));
  start.environment = call.request.Header(signer::kEnvironmentHeader);
  SIGNET_ASSIGN_OR_RETURN(signer::SigningResult started,
                          call.service.StartSigningJob(call.request.caller, start));
  if (started.skipped) return SkippedError(call, *started.skipped);
  AddWarnings(call, started.warnings);
  return Json{{"jobId", started.job.job_id}, {"jobOwner", started.job.job_owner}};
}

Result<Json> DescribeSigningJob(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[0], "jobId"));
  SIGNET_ASSIGN_OR_RETURN(store::SigningJobRecord job,
                          call.service.DescribeSigningJob(call.request.caller, call.path[0]));
  return shapes::SigningJobDescription(job);
}

Result<Json> ListSigningJobs(const Call& call) {
  const ApiRequest& request = call.request;
  store::SigningJobFilter filter;
  if (auto status = request.Query("status")) {
    SIGNET_RETURN_IF_ERROR(CheckEnum(*status, "status", {"InProgress", "Failed", "Succeeded"}));
    SIGNET_ASSIGN_OR_RETURN(filter.status, store::ParseJobStatus(*status));
  }
  filter.platform_id = request.Query("platformId");
  filter.requested_by = request.Query("requestedBy");
  SIGNET_ASSIGN_OR_RETURN(filter.is_revoked, params::QueryBool(request, "isRevoked"));
  SIGNET_ASSIGN_OR_RETURN(filter.signature_expires_before,
                          params::QueryTimestamp(request, "signatureExpiresBefore"));
  SIGNET_ASSIGN_OR_RETURN(filter.signature_expires_after,
                          params::QueryTimestamp(request, "signatureExpiresAfter"));
  filter.job_invoker = request.Query("jobInvoker");
  if (filter.job_invoker) {
    SIGNET_RETURN_IF_ERROR(CheckAccountId(*filter.job_invoker, "jobInvoker"));
  }
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, params::QueryPage(request));
  SIGNET_ASSIGN_OR_RETURN(auto listed, call.service.ListSigningJobs(request.caller, filter, page));
  Json jobs = Json::array();
  for (const auto& job : listed.items) jobs.push_back(shapes::SigningJobSummary(job));
  return WithNextToken(Json{{"jobs", std::move(jobs)}}, listed.next_token);
}

Result<Json> RevokeSignature(const Call& call) {
  SIGNET_RETURN_IF_ERROR(CheckNotEmpty(call.path[0], "jobId"));
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(call.request.body));
  SIGNET_ASSIGN_OR_RETURN(std::string reason, Reason(body));
  SIGNET_ASSIGN_OR_RETURN(auto job_owner, OptionalAccount(body, "jobOwner"));
  SIGNET_RETURN_IF_ERROR(
      call.service.RevokeSignature(call.request.caller, call.path[0], job_owner, reason));
  return Json::object();
}

Result<Json> GetRevocationStatus(const Call& call) {
  const ApiRequest& request = call.request;
  signer::RevocationStatusRequest status;
  SIGNET_ASSIGN_OR_RETURN(auto timestamp, params::QueryTimestamp(request, "signatureTimestamp"));
  if (!timestamp) return Missing("signatureTimestamp");
  status.signature_timestamp = *timestamp;
  SIGNET_ASSIGN_OR_RETURN(status.platform_id, RequiredQuery(request, "platformId"));
  const bool platform_ok =
      !status.platform_id.empty() &&
      std::all_of(status.platform_id.begin(), status.platform_id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      });
  if (!platform_ok) {
    return Violation("platformId", status.platform_id,
                     "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
  }
  SIGNET_ASSIGN_OR_RETURN(status.profile_version_arn, RequiredQuery(request, "profileVersionArn"));
  SIGNET_RETURN_IF_ERROR(
      CheckLength(status.profile_version_arn, "profileVersionArn", kMinArnLength, kMaxArnLength));
  SIGNET_ASSIGN_OR_RETURN(status.job_arn, RequiredQuery(request, "jobArn"));
  SIGNET_RETURN_IF_ERROR(CheckLength(status.job_arn, "jobArn", kMinArnLength, kMaxArnLength));
  status.certificate_hashes = request.QueryAll("certificateHashes");
  if (status.certificate_hashes.empty()) return Missing("certificateHashes");
  for (const std::string& hash : status.certificate_hashes) {
    SIGNET_RETURN_IF_ERROR(CheckLength(hash, "certificateHashes", 1, kMaxCertificateHashLength));
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> revoked,
                          call.service.GetRevocationStatus(request.caller, status));
  return Json{{"revokedEntities", revoked}};
}

// --- Platforms -----------------------------------------------------------------------------------

Result<Json> GetSigningPlatform(const Call& call) {
  const signer::SigningPlatform* platform = signer::FindSigningPlatform(call.path[0]);
  if (platform == nullptr) {
    return NotFoundError("signing platform " + call.path[0] +
                         " does not exist; see ListSigningPlatforms");
  }
  return shapes::SigningPlatform(*platform);
}

Result<Json> GetTrustAnchor(const Call& call) {
  const crypto::Certificate& root = call.service.ca().root();
  return Json{{"certificatePem", root.ToPem()},
              {"subject", root.Subject()},
              {"sha256Thumbprint", root.Sha256Thumbprint()},
              {"notAfter", FormatRfc3339(root.not_after())}};
}

Result<Json> ListSigningPlatforms(const Call& call) {
  const ApiRequest& request = call.request;
  const auto category = request.Query("category");
  const auto partner = request.Query("partner");
  const auto target = request.Query("target");
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, params::QueryPage(request));
  std::vector<const signer::SigningPlatform*> matching;
  for (const signer::SigningPlatform& p : signer::SigningPlatforms()) {
    if ((!category || *category == p.category) && (!partner || *partner == p.partner) &&
        (!target || *target == p.target)) {
      matching.push_back(&p);
    }
  }
  // The token is the offset into the (fixed) filtered table.
  size_t offset = 0;
  if (!page.token.empty()) {
    Result<std::string> cursor = Base64UrlDecode(page.token);
    bool ok = cursor.ok() && cursor->rfind(kPlatformTokenPrefix, 0) == 0;
    if (ok) {
      const std::string digits = cursor->substr(kPlatformTokenPrefix.size());
      ok = !digits.empty() && digits.size() <= 6 &&
           std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (ok) offset = std::stoul(digits);
      ok = ok && offset <= matching.size();
    }
    if (!ok) return Violation("nextToken", page.token, "Member must be a token this API issued");
  }
  Json platforms = Json::array();
  const size_t end = std::min(matching.size(), offset + static_cast<size_t>(page.max_results));
  for (size_t i = offset; i < end; ++i) platforms.push_back(shapes::SigningPlatform(*matching[i]));
  std::string next_token;
  if (end < matching.size()) {
    next_token = Base64UrlEncode(std::string(kPlatformTokenPrefix) + std::to_string(end));
  }
  return WithNextToken(Json{{"platforms", std::move(platforms)}}, next_token);
}

}  // namespace signet::api::operations
