#include "signer/signer_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "core/encoding.h"
#include "core/ids.h"
#include "crypto/digest.h"
#include "signer/signing_job_runner.h"
#include "signer/signing_material.h"
#include "signer/validity.h"

namespace signet::signer {
namespace {

using store::ProfileStatus;
using store::SigningProfileRecord;

Status CheckProfileName(std::string_view name) {
  if (!IsValidProfileName(name)) {
    return InvalidArgumentError("profileName '" + std::string(name) +
                                "' must be 2 to 64 characters of [a-zA-Z0-9_]");
  }
  return Status::Ok();
}

Status CheckReason(std::string_view reason) {
  if (reason.empty() || Utf8Length(reason) > 500) {
    return InvalidArgumentError("reason must be 1 to 500 characters");
  }
  return Status::Ok();
}

// The signing actions a permission statement may grant.
bool IsSigningAction(std::string_view action) {
  return action == kActionStartSigningJob || action == kActionSignPayload ||
         action == kActionGetSigningProfile || action == kActionRevokeSignature;
}

}  // namespace

SignerService::SignerService(store::Store& store, store::BucketStore* buckets,
                             keys::KeyStore& keys, const CertificateAuthority& ca,
                             BillingPolicy& billing, SignerOptions options)
    : store_(store),
      buckets_(buckets),
      keys_(keys),
      ca_(ca),
      billing_(billing),
      options_(std::move(options)) {
  material_ = std::make_unique<SigningMaterialCache>(keys_, ca_);
  runner_ = std::make_unique<SigningJobRunner>(*this);
}

SignerService::~SignerService() { runner_->Stop(); }

Status SignerService::Start() { return runner_->Start(options_.job_workers); }

void SignerService::Drain() { runner_->Drain(); }

ArnScope SignerService::ScopeFor(std::string_view account) const {
  return ArnScope{options_.partition, options_.region, std::string(account)};
}

std::string SignerService::ProfileArn(std::string_view account, std::string_view name) const {
  return SigningProfileArn{ScopeFor(account), std::string(name), std::nullopt}.ToString();
}

std::string SignerService::JobArn(std::string_view owner, std::string_view job_id) const {
  return SigningJobArn{ScopeFor(owner), std::string(job_id)}.ToString();
}

// --- Authorisation -------------------------------------------------------------------------------

Result<SigningProfileRecord> SignerService::ResolveProfile(const Caller& caller,
                                                           const ProfileLookup& lookup,
                                                           std::string_view action) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(lookup.profile_name));
  const std::string owner = lookup.profile_owner.value_or(caller.account);
  if (owner == caller.account) return store_.GetProfile(owner, lookup.profile_name);
  Result<SigningProfileRecord> profile = store_.GetProfile(owner, lookup.profile_name);
  // Another account learns nothing about a profile it may not use, not even that it exists.
  if (!profile.ok()) {
    if (profile.status().code() == ErrorCode::kNotFound) return Denied(caller, action, lookup);
    return profile.status();
  }
  SIGNET_ASSIGN_OR_RETURN(bool allowed, IsPermitted(caller, *profile, action));
  if (!allowed) return Denied(caller, action, lookup);
  return profile;
}

Status SignerService::Denied(const Caller& caller, std::string_view action,
                             const ProfileLookup& lookup) const {
  return PermissionDeniedError("User: " + caller.principal_arn + " is not authorized to perform: " +
                               std::string(action) + " on resource: " +
                               ProfileArn(lookup.profile_owner.value_or(caller.account),
                                          lookup.profile_name));
}

Result<bool> SignerService::IsPermitted(const Caller& caller, const SigningProfileRecord& profile,
                                        std::string_view action) {
  store::PageRequest page;
  for (;;) {
    SIGNET_ASSIGN_OR_RETURN(store::ProfilePermissions perms,
                            store_.ListProfilePermissions(profile.account, profile.name, page));
    for (const store::ProfilePermissionRecord& p : perms.permissions) {
      const bool principal = p.principal == caller.account || p.principal == caller.principal_arn;
      const bool version = !p.profile_version || *p.profile_version == profile.version;
      if (p.action == action && principal && version) return true;
    }
    if (perms.next_token.empty()) return false;
    page.token = perms.next_token;
  }
}

// --- Profiles ------------------------------------------------------------------------------------

Result<SigningProfileRecord> SignerService::PutSigningProfile(const Caller& caller,
                                                              const PutProfileRequest& request) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(request.profile_name));
  const SigningPlatform* platform = FindSigningPlatform(request.platform_id);
  if (platform == nullptr) {
    return InvalidArgumentError("platformId '" + request.platform_id +
                                "' is not a signing platform; see ListSigningPlatforms");
  }
  if (request.certificate_arn) {
    return InvalidArgumentError(
        "signingMaterial is not supported: signet issues the certificate of every profile "
        "version from the installation's CA; omit signingMaterial");
  }
  SIGNET_RETURN_IF_ERROR(CheckOverrides(*platform, request.overrides));
  const store::SignatureValidityPeriod validity =
      request.signature_validity.value_or(store::SignatureValidityPeriod{});
  const Timestamp now = options_.clock->Now();
  SIGNET_RETURN_IF_ERROR(CheckValidityPeriod(validity, now));

  SigningProfileRecord record;
  record.account = caller.account;
  record.name = request.profile_name;
  record.arn = ProfileArn(caller.account, request.profile_name);
  record.platform_id = platform->platform_id;
  record.signature_validity = validity;
  record.signing_parameters = request.signing_parameters;
  record.overrides = request.overrides;
  record.tags = request.tags;
  record.created_at = now;
  if (record.tags.empty()) {
    // A new version keeps the profile's tags unless the request names new ones.
    Result<SigningProfileRecord> existing = store_.GetProfile(caller.account, record.name);
    if (existing.ok()) record.tags = existing->tags;
  }
  // A version id collision is astronomically unlikely but cheap to survive.
  for (int attempt = 0;; ++attempt) {
    record.version = NewProfileVersionId();
    record.version_arn = record.arn + "/" + record.version;
    SIGNET_ASSIGN_OR_RETURN(IssuedMaterial issued,
                            material_->Issue(record, AddValidity(now, validity)));
    record.key_id = issued.key_id;
    record.certificate_chain_pem = issued.chain_pem;
    Status put = store_.PutProfile(record);
    if (put.ok()) return record;
    material_->Discard(issued.key_id);
    if (put.code() != ErrorCode::kAlreadyExists || attempt >= 3) return put;
  }
}

Result<SigningProfileRecord> SignerService::GetSigningProfile(const Caller& caller,
                                                              const ProfileLookup& lookup) {
  return ResolveProfile(caller, lookup, kActionGetSigningProfile);
}

Result<store::Page<SigningProfileRecord>> SignerService::ListSigningProfiles(
    const Caller& caller, const store::SigningProfileFilter& filter,
    const store::PageRequest& page) {
  return store_.ListProfiles(caller.account, filter, page);
}

Status SignerService::CancelSigningProfile(const Caller& caller, std::string_view profile_name) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(profile_name));
  return store_.CancelProfile(caller.account, profile_name);
}

Status SignerService::RevokeSigningProfile(const Caller& caller, std::string_view profile_name,
                                           std::string_view profile_version,
                                           std::string_view reason, Timestamp effective_time) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(profile_name));
  if (!IsValidProfileVersion(profile_version)) {
    return InvalidArgumentError("profileVersion must be 10 characters of [a-zA-Z0-9]");
  }
  SIGNET_RETURN_IF_ERROR(CheckReason(reason));
  const Timestamp now = options_.clock->Now();
  if (effective_time > now) {
    return InvalidArgumentError("effectiveTime " + FormatRfc3339(effective_time) +
                                " is in the future; a revocation can only take effect now or "
                                "earlier");
  }
  store::ProfileRevocation revocation{effective_time, now, caller.principal_arn,
                                      std::string(reason)};
  Result<SigningProfileRecord> revoked =
      store_.RevokeProfileVersion(caller.account, profile_name, profile_version, revocation);
  if (!revoked.ok() && revoked.status().code() == ErrorCode::kFailedPrecondition) {
    return InvalidArgumentError(
        "profile version " + std::string(profile_version) +
        " is already revoked from an earlier effectiveTime; a revocation can only move earlier");
  }
  return revoked.status();
}

// --- Tags ----------------------------------------------------------------------------------------

Result<std::string> SignerService::TaggableProfileArn(const Caller& caller,
                                                      std::string_view resource_arn) {
  Result<SigningProfileArn> arn = ParseSigningProfileArn(resource_arn);
  if (!arn.ok() || arn->version.has_value()) {
    return InvalidArgumentError("resourceArn '" + std::string(resource_arn) +
                                "' is not a signing profile ARN "
                                "(arn:PARTITION:signer:REGION:ACCOUNT:/signing-profiles/NAME)");
  }
  const ArnScope mine = ScopeFor(caller.account);
  if (!(arn->scope == mine)) {
    return NotFoundError("resource " + std::string(resource_arn) + " not found");
  }
  // The profile must exist (the Store would otherwise report it by ARN).
  SIGNET_RETURN_IF_ERROR(store_.GetProfile(caller.account, arn->profile_name).status());
  return arn->ProfileArn();
}

Status SignerService::TagResource(const Caller& caller, std::string_view resource_arn,
                                  const store::TagMap& tags) {
  SIGNET_ASSIGN_OR_RETURN(std::string arn, TaggableProfileArn(caller, resource_arn));
  return store_.TagResource(arn, tags);
}

Status SignerService::UntagResource(const Caller& caller, std::string_view resource_arn,
                                    const std::vector<std::string>& keys) {
  SIGNET_ASSIGN_OR_RETURN(std::string arn, TaggableProfileArn(caller, resource_arn));
  return store_.UntagResource(arn, keys);
}

Result<store::TagMap> SignerService::ListTagsForResource(const Caller& caller,
                                                         std::string_view resource_arn) {
  SIGNET_ASSIGN_OR_RETURN(std::string arn, TaggableProfileArn(caller, resource_arn));
  return store_.ListTagsForResource(arn);
}

// --- Permissions ---------------------------------------------------------------------------------

Result<std::string> SignerService::AddProfilePermission(
    const Caller& caller, std::string_view profile_name,
    const std::optional<std::string>& revision_id,
    const store::ProfilePermissionRecord& permission) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(profile_name));
  if (!IsSigningAction(permission.action)) {
    return InvalidArgumentError("action '" + permission.action +
                                "' is not one of signer:StartSigningJob, signer:SignPayload, "
                                "signer:GetSigningProfile, signer:RevokeSignature");
  }
  if (permission.principal.empty() || permission.statement_id.empty()) {
    return InvalidArgumentError("principal and statementId must not be empty");
  }
  if (permission.profile_version && !IsValidProfileVersion(*permission.profile_version)) {
    return InvalidArgumentError("profileVersion must be 10 characters of [a-zA-Z0-9]");
  }
  SIGNET_RETURN_IF_ERROR(store_.GetProfile(caller.account, profile_name).status());
  Result<std::string> added =
      store_.AddProfilePermission(caller.account, profile_name, revision_id, permission);
  if (!added.ok() && added.status().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExistsError("a permission with statementId '" + permission.statement_id +
                              "' already exists on profile " + std::string(profile_name));
  }
  return added;
}

Result<std::string> SignerService::RemoveProfilePermission(const Caller& caller,
                                                           std::string_view profile_name,
                                                           std::string_view revision_id,
                                                           std::string_view statement_id) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(profile_name));
  return store_.RemoveProfilePermission(caller.account, profile_name, revision_id, statement_id);
}

Result<store::ProfilePermissions> SignerService::ListProfilePermissions(
    const Caller& caller, std::string_view profile_name, const store::PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckProfileName(profile_name));
  return store_.ListProfilePermissions(caller.account, profile_name, page);
}

// --- Jobs and revocation -------------------------------------------------------------------------

Result<store::SigningJobRecord> SignerService::DescribeSigningJob(const Caller& caller,
                                                                  std::string_view job_id) {
  if (!IsValidUuid(job_id)) {
    return NotFoundError("signing job " + std::string(job_id) + " does not exist");
  }
  SIGNET_ASSIGN_OR_RETURN(store::SigningJobRecord job, store_.GetJob(job_id));
  if (job.job_owner != caller.account && job.job_invoker != caller.account) {
    return PermissionDeniedError("User: " + caller.principal_arn +
                                 " is not authorized to perform: signer:DescribeSigningJob on "
                                 "resource: " + JobArn(job.job_owner, job.job_id));
  }
  return job;
}

Result<store::Page<store::SigningJobRecord>> SignerService::ListSigningJobs(
    const Caller& caller, store::SigningJobFilter filter, const store::PageRequest& page) {
  filter.account = caller.account;
  return store_.ListJobs(filter, page);
}

Status SignerService::RevokeSignature(const Caller& caller, std::string_view job_id,
                                      const std::optional<std::string>& job_owner,
                                      std::string_view reason) {
  SIGNET_RETURN_IF_ERROR(CheckReason(reason));
  if (!IsValidUuid(job_id)) {
    return NotFoundError("signing job " + std::string(job_id) + " does not exist");
  }
  SIGNET_ASSIGN_OR_RETURN(store::SigningJobRecord job, store_.GetJob(job_id));
  if (job_owner && *job_owner != job.job_owner) {
    return NotFoundError("signing job " + std::string(job_id) + " of owner " + *job_owner +
                         " does not exist");
  }
  if (job.job_owner != caller.account) {
    ProfileLookup lookup{job.profile_name, job.job_owner};
    Result<SigningProfileRecord> profile =
        store_.GetProfileVersion(job.job_owner, job.profile_name, job.profile_version);
    bool allowed = false;
    if (profile.ok()) {
      SIGNET_ASSIGN_OR_RETURN(allowed, IsPermitted(caller, *profile, kActionRevokeSignature));
    }
    if (!allowed) return Denied(caller, kActionRevokeSignature, lookup);
  }
  if (job.status != store::JobStatus::kSucceeded) {
    return InvalidArgumentError("signing job " + std::string(job_id) + " is " +
                                std::string(store::JobStatusName(job.status)) +
                                "; only the signature of a succeeded job can be revoked");
  }
  store::JobRevocation revocation{std::string(reason), options_.clock->Now(),
                                  caller.principal_arn};
  return store_.RevokeJob(job_id, revocation).status();
}

Result<std::vector<std::string>> SignerService::GetRevocationStatus(
    const Caller& /*caller*/, const RevocationStatusRequest& request) {
  if (FindSigningPlatform(request.platform_id) == nullptr) {
    return InvalidArgumentError("platformId '" + request.platform_id +
                                "' is not a signing platform");
  }
  Result<SigningProfileArn> version_arn = ParseSigningProfileArn(request.profile_version_arn);
  if (!version_arn.ok() || !version_arn->version) {
    return InvalidArgumentError("profileVersionArn '" + request.profile_version_arn +
                                "' is not a signing profile version ARN");
  }
  Result<SigningJobArn> job_arn = ParseSigningJobArn(request.job_arn);
  if (!job_arn.ok()) {
    return InvalidArgumentError("jobArn '" + request.job_arn + "' is not a signing job ARN");
  }
  std::map<std::string, std::string> hashes;  // lower-case hex -> as the caller spelt it
  for (const std::string& h : request.certificate_hashes) {
    Result<std::string> raw = HexDecode(h);
    if (!raw.ok() || raw->size() != crypto::DigestSize(crypto::HashAlgorithm::kSha384)) {
      return InvalidArgumentError("certificateHashes entry '" + h +
                                  "' is not a hex SHA-384 hash");
    }
    hashes.emplace(HexEncode(*raw), h);
  }

  std::vector<std::string> revoked;
  // Entities this installation never issued are unknown here, hence not revoked here.
  Result<bool> version_revoked =
      store_.IsProfileVersionRevokedAt(request.profile_version_arn, request.signature_timestamp);
  if (version_revoked.ok() && *version_revoked) revoked.push_back(request.profile_version_arn);
  if (!version_revoked.ok() && version_revoked.status().code() != ErrorCode::kNotFound) {
    return version_revoked.status();
  }
  if (job_arn->scope.partition == options_.partition && job_arn->scope.region == options_.region) {
    // The ARN must name the job as this installation knows it (owner included), or it names a
    // job this installation never made.
    Result<store::SigningJobRecord> job = store_.GetJob(job_arn->job_id);
    if (job.ok() && job->job_owner == job_arn->scope.account && job->revocation.has_value()) {
      revoked.push_back(request.job_arn);
    }
    if (!job.ok() && job.status().code() != ErrorCode::kNotFound) return job.status();
  }
  if (!hashes.empty()) {
    SIGNET_ASSIGN_OR_RETURN(std::vector<SigningProfileRecord> versions,
                            store_.ListRevokedProfileVersions());
    for (const SigningProfileRecord& v : versions) {
      if (!v.revocation || v.revocation->effective_from > request.signature_timestamp) continue;
      SIGNET_ASSIGN_OR_RETURN(std::string hash, material_->LeafHash(v));
      if (auto it = hashes.find(hash); it != hashes.end()) revoked.push_back(it->second);
    }
  }
  return revoked;
}

std::string SignerService::CertificateHash(const crypto::Certificate& cert,
                                           const crypto::Certificate& issuer) {
  crypto::Digest d(crypto::HashAlgorithm::kSha384);
  d.Update(cert.TbsDer());
  d.Update(issuer.TbsDer());
  return HexEncode(d.Finish());
}

}  // namespace signet::signer
