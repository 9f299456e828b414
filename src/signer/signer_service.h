// SignerService: the AWS Signer domain (DESIGN.md §3–§5, §7) behind signetd's Signer API.
//
// Profiles and their versions (a new P-384 key in the KeyStore and a leaf certificate from the
// installation's CertificateAuthority per version), cross-account permissions, tags, signing
// (SignPayload synchronously; StartSigningJob on a background worker, reading and writing the
// embedded buckets), jobs, revocation and revocation status. State is in the Store; every
// successful signature writes its job and its usage record in one transaction.
//
// Authorisation (AWS semantics): the owner account of a profile may do everything with it.
// Another account may use a profile only through a permission statement naming its account id
// or principal ARN with the action (signer:GetSigningProfile, signer:SignPayload,
// signer:StartSigningJob, signer:RevokeSignature), for the profile or the version in use;
// otherwise PermissionDenied (AccessDeniedException). A job is visible to its owner and its
// invoker.
//
// Errors (Status codes; the API maps them to AWS exceptions): InvalidArgument (Validation),
// NotFound (ResourceNotFound), PermissionDenied (AccessDenied), FailedPrecondition (Conflict:
// stale revisionId), AlreadyExists (Conflict: statement id in use), Unavailable (busy, retry),
// Internal. Messages are AWS-worded and safe to return.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/arn.h"
#include "core/status.h"
#include "core/time.h"
#include "keys/key_store.h"
#include "signer/billing.h"
#include "signer/caller.h"
#include "signer/certificate_authority.h"
#include "signer/platform.h"
#include "signer/revocation_query.h"
#include "store/bucket_store.h"
#include "store/store.h"
#include "zipsig/byte_source.h"

namespace signet::signer {

// Signing permissions a statement may grant (AddProfilePermission action).
inline constexpr std::string_view kActionStartSigningJob = "signer:StartSigningJob";
inline constexpr std::string_view kActionSignPayload = "signer:SignPayload";
inline constexpr std::string_view kActionGetSigningProfile = "signer:GetSigningProfile";
inline constexpr std::string_view kActionRevokeSignature = "signer:RevokeSignature";

// SignPayload's only payload format.
inline constexpr std::string_view kNotaryPayloadFormat =
    "application/vnd.cncf.notary.payload.v1+json";
inline constexpr size_t kMaxSignPayloadBytes = 4096;

struct SignerOptions {
  std::string partition = "aws";
  std::string region = "us-east-1";
  const Clock* clock = &SystemClock();
  std::string signing_agent = "signet/0.1";
  int job_workers = 1;  // background StartSigningJob workers
};

struct PutProfileRequest {
  std::string profile_name;
  std::string platform_id;
  std::optional<store::SignatureValidityPeriod> signature_validity;  // default 135 months
  std::optional<std::string> certificate_arn;  // signingMaterial: signet issues its own; refused
  store::SigningOverrides overrides;
  std::map<std::string, std::string> signing_parameters;
  store::TagMap tags;
};

struct ProfileLookup {
  std::string profile_name;
  std::optional<std::string> profile_owner;  // another account's profile, via its permissions
};

struct SignPayloadRequest {
  ProfileLookup profile;
  std::string payload;  // raw bytes (the API decodes base64)
  std::string payload_format;
  std::string environment;  // as the caller named it (x-signet-environment); empty: default
};

// A signing the environment's signing mode skips (DESIGN.md §8): not a failure, and nothing
// happened: no signature, no job, no usage. The signing methods return it as `skipped`, with
// an empty job and no signature or warnings, so that no caller has to parse a message.
struct SkippedSigning {
  std::string environment;
  std::string message;  // "signing skipped: environment dev is configured to skip signing; ..."
};

// Budget warnings, the same way on every signing path: returned with the signing's result (the
// API sends them as x-signet-warning) and stored as the Succeeded job's statusReason
// ("; "-separated), where DescribeSigningJob shows them.
struct SignPayloadResult {
  store::SigningJobRecord job;  // Succeeded
  std::string signature;  // the JWS envelope bytes
  std::vector<std::string> warnings;
  std::optional<SkippedSigning> skipped;  // set: nothing above is
};

// The result of StartSigningJob (the job InProgress; the warnings known at its start, while the
// binding ones become its statusReason when it succeeds) and of SignPackage (the job Succeeded).
struct SigningResult {
  store::SigningJobRecord job;
  std::vector<std::string> warnings;
  std::optional<SkippedSigning> skipped;  // set: nothing above is
};

struct StartSigningJobRequest {
  ProfileLookup profile;
  store::S3Object source;  // bucket, key, version (required by AWS)
  store::S3Destination destination;
  std::string client_request_token;
  std::string environment;  // as the caller named it; empty: default
};

// A package sent with the request (`signet sign zip`), signed as a job of a ZIP profile.
struct SignPackageRequest {
  ProfileLookup profile;
  std::string package_name;  // the client's name for it (e.g. "function.zip"); may be empty
  std::string environment{};  // as the caller named it (x-signet-environment); empty: default
};
// How a SignPackage job describes its source and destination: no bucket holds either, and these
// names can never be bucket names, so `aws signer describe-signing-job` shows where it came from.
inline constexpr std::string_view kUploadSourceBucket = "(request body)";
inline constexpr std::string_view kUploadDestinationBucket = "(response body)";
inline constexpr std::string_view kDefaultPackageName = "package.zip";
// The job metadata entry that carries a StartSigningJob's environment to its worker.
inline constexpr std::string_view kEnvironmentMetadata = "signet:environment";

class SigningMaterialCache;
struct SigningMaterial;
class SigningJobRunner;

class SignerService {
 public:
  // `billing` decides every signature's environment and price (signetd: the metering module,
  // api/metering_billing.h). All references must outlive the SignerService.
  SignerService(store::Store& store, store::BucketStore* buckets, keys::KeyStore& keys,
                const CertificateAuthority& ca, BillingPolicy& billing, SignerOptions options);
  ~SignerService();  // stops the job workers; unfinished jobs are resumed by the next Start()
  SignerService(const SignerService&) = delete;
  SignerService& operator=(const SignerService&) = delete;

  // Starts the job workers and re-queues jobs left InProgress by a previous run.
  Status Start();
  // Waits until every queued job has completed (tests, graceful shutdown).
  void Drain();

  const SignerOptions& options() const { return options_; }
  const CertificateAuthority& ca() const { return ca_; }
  ArnScope ScopeFor(std::string_view account) const;

  // --- Profiles ---
  Result<store::SigningProfileRecord> PutSigningProfile(const Caller& caller,
                                                        const PutProfileRequest& request);
  Result<store::SigningProfileRecord> GetSigningProfile(const Caller& caller,
                                                        const ProfileLookup& lookup);
  Result<store::Page<store::SigningProfileRecord>> ListSigningProfiles(
      const Caller& caller, const store::SigningProfileFilter& filter,
      const store::PageRequest& page);
  Status CancelSigningProfile(const Caller& caller, std::string_view profile_name);
  // effective_time must not be in the future; a repeated call may only move it earlier.
  Status RevokeSigningProfile(const Caller& caller, std::string_view profile_name,
                              std::string_view profile_version, std::string_view reason,
                              Timestamp effective_time);

  // --- Tags (resource = a signing profile ARN of the caller's account) ---
  Status TagResource(const Caller& caller, std::string_view resource_arn,
                     const store::TagMap& tags);
  Status UntagResource(const Caller& caller, std::string_view resource_arn,
                       const std::vector<std::string>& keys);
  Result<store::TagMap> ListTagsForResource(const Caller& caller, std::string_view resource_arn);

  // --- Permissions ---
  Result<std::string> AddProfilePermission(const Caller& caller, std::string_view profile_name,
                                           const std::optional<std::string>& revision_id,
                                           const store::ProfilePermissionRecord& permission);
  Result<std::string> RemoveProfilePermission(const Caller& caller, std::string_view profile_name,
                                              std::string_view revision_id,
                                              std::string_view statement_id);
  Result<store::ProfilePermissions> ListProfilePermissions(const Caller& caller,
                                                           std::string_view profile_name,
                                                           const store::PageRequest& page);

  // --- Signing ---
  // Every signing path bills through the two metering steps below. An environment that skips
  // signing gives a result with `skipped` set (no job, no usage); a budget that refuses is
  // ResourceExhausted.
  Result<SignPayloadResult> SignPayload(const Caller& caller, const SignPayloadRequest& request);
  // Records the job (idempotent per caller account and client request token: the same token
  // returns the first job, without warnings) and queues it; the job completes Succeeded or
  // Failed with a reason.
  Result<SigningResult> StartSigningJob(const Caller& caller,
                                        const StartSigningJobRequest& request);

  // --- Metering steps of every signing path (DESIGN.md §8) ---
  // 1. Before signing: the environment decision for a signature on `platform_id` in the
  //    environment the caller named (empty: default). Check `skip` before signing anything.
  Result<BillingDecision> AuthorizeBillableSignature(std::string_view environment,
                                                     std::string_view platform_id, Timestamp now);
  // 2. Inside one transaction: the binding budget check (ResourceExhausted aborts the
  //    transaction), then `write_job(status_reason)` stores `job` as Succeeded with the budget
  //    warnings as its statusReason, then its one usage record. Returns the warnings. Call
  //    ObserveSignature after the commit.
  Result<std::vector<std::string>> RecordUsage(
      store::StoreTransaction& tx, const store::SigningJobRecord& job,
      const BillingDecision& decision, Timestamp now,
      const std::function<Status(const std::string& status_reason)>& write_job);
  // After the commit: the signature metrics (count, cost, latency since `started`).
  void ObserveSignature(const store::SigningJobRecord& job, const BillingDecision& decision,
                        std::chrono::steady_clock::time_point started) const;

  // Signs `package` synchronously as a job of a ZIP profile (authorised as StartSigningJob) and
  // streams the signed archive to `out`; the Succeeded job and its usage record are written in
  // one transaction before this returns. The caller Close()s `out` on success only; on error
  // `out` may hold a partial archive. A malformed, empty, oversized or already signed package is
  // InvalidArgument with a message saying which; nothing is recorded or metered then. Billed in
  // request.environment like every signing path (a skipping environment signs nothing).
  Result<SigningResult> SignPackage(const Caller& caller, const SignPackageRequest& request,
                                    zipsig::ByteSource& package, zipsig::ByteSink& out);

  // --- Jobs and revocation ---
  Result<store::SigningJobRecord> DescribeSigningJob(const Caller& caller,
                                                     std::string_view job_id);
  // filter.account is set to the caller's account (jobs it owns or invoked).
  Result<store::Page<store::SigningJobRecord>> ListSigningJobs(const Caller& caller,
                                                               store::SigningJobFilter filter,
                                                               const store::PageRequest& page);
  Status RevokeSignature(const Caller& caller, std::string_view job_id,
                         const std::optional<std::string>& job_owner, std::string_view reason);
  // The revoked subset of the request's profile version ARN, job ARN and certificate hashes.
  Result<std::vector<std::string>> GetRevocationStatus(const Caller& caller,
                                                       const RevocationStatusRequest& request);

  // Hex SHA-384 of TBS(cert) || TBS(issuer): the certificate hash GetRevocationStatus takes.
  static std::string CertificateHash(const crypto::Certificate& cert,
                                     const crypto::Certificate& issuer);

 private:
  friend class SigningJobRunner;

  std::string ProfileArn(std::string_view account, std::string_view name) const;
  std::string JobArn(std::string_view owner, std::string_view job_id) const;
  // The profile (newest version) `caller` may use for `action`: its own, or another account's
  // through a permission statement. PermissionDenied otherwise (also for a missing profile of
  // another account, so that existence does not leak).
  Result<store::SigningProfileRecord> ResolveProfile(const Caller& caller,
                                                     const ProfileLookup& lookup,
                                                     std::string_view action);
  Result<bool> IsPermitted(const Caller& caller, const store::SigningProfileRecord& profile,
                           std::string_view action);
  Status Denied(const Caller& caller, std::string_view action, const ProfileLookup& lookup) const;
  // The signing material of a profile version that may sign now: Active and its certificate
  // valid; InvalidArgument otherwise.
  Result<std::shared_ptr<const SigningMaterial>> CheckCanSign(
      const store::SigningProfileRecord& profile, Timestamp now) const;
  Result<std::string> TaggableProfileArn(const Caller& caller, std::string_view resource_arn);
  // Runs one StartSigningJob job to completion (on a worker thread).
  void RunSigningJob(const std::string& job_id);
  // Signs `package` as `job` of `profile` at `now` into `out` (not closed); `what` names the
  // package in errors. Returns the signature's expiry. Shared by both ways of signing a ZIP.
  Result<Timestamp> SignPackageBytes(const store::SigningJobRecord& job,
                                     const store::SigningProfileRecord& profile, Timestamp now,
                                     std::string_view what, zipsig::ByteSource& package,
                                     zipsig::ByteSink& out);
  Result<store::S3Object> SignPackageObject(const store::SigningJobRecord& job,
                                            const store::SigningProfileRecord& profile,
                                            Timestamp* expiry);

  store::Store& store_;
  store::BucketStore* buckets_;
  keys::KeyStore& keys_;
  const CertificateAuthority& ca_;
  BillingPolicy& billing_;
  SignerOptions options_;
  std::unique_ptr<SigningMaterialCache> material_;
  std::unique_ptr<SigningJobRunner> runner_;
};

}  // namespace signet::signer
