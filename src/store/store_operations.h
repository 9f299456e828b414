// StoreOperations: every read and write of signet's durable state (DESIGN.md §2, store/).
//
// Two classes offer these operations: Store (store.h), where each call is its own transaction,
// and StoreTransaction, handed to Store::InTransaction's callback, where calls share one.
// Every write is atomic on its own: an operation that fails leaves nothing behind, even inside a
// larger transaction that goes on to commit.
//
// The interface is SQL-neutral (no SQL, no row ids) so that SQLite and PostgreSQL both fit it.
// Domain rules that need a clock, keys or configuration (validity limits, "effective time not in
// the future", who may do what) belong to the signer; the Store keeps the invariants it alone can
// keep atomically: uniqueness, versions, revision ids, monotonic revocation, one usage per job.
//
// Errors: kNotFound for a missing profile/version/job/statement; kAlreadyExists for a duplicate
// (version, job id, client request token, statement id, usage for a job); kFailedPrecondition
// for a stale permissions revision or a forbidden state change; kInvalidArgument for malformed
// input (bad page token, page size out of range); kUnavailable when the database is busy or
// cannot be written (retry may succeed); kInternal for broken invariants.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "store/code_signing_config_record.h"
#include "store/function_record.h"
#include "store/page.h"
#include "store/profile_permission_record.h"
#include "store/revocation_event.h"
#include "store/signing_job_record.h"
#include "store/signing_profile_record.h"
#include "store/tags.h"
#include "store/usage_record.h"

namespace signet::store {

class StoreOperations {
 public:
  virtual ~StoreOperations() = default;

  // --- Signing profiles -------------------------------------------------------------------------

  // Adds a version of profile (record.account, record.name), creating the profile on first use;
  // the version becomes the profile's newest. The record must be Active and unrevoked. Its tags
  // replace the profile's tags. kAlreadyExists if the version or version ARN exists;
  // kInvalidArgument if the profile exists under a different ARN.
  virtual Status PutProfile(const SigningProfileRecord& record) = 0;
  // The newest version.
  virtual Result<SigningProfileRecord> GetProfile(std::string_view account,
                                                  std::string_view name) = 0;
  virtual Result<SigningProfileRecord> GetProfileVersion(std::string_view account,
                                                         std::string_view name,
                                                         std::string_view version) = 0;
  virtual Result<SigningProfileRecord> GetProfileByVersionArn(std::string_view version_arn) = 0;
  // The newest version of each of the account's profiles that passes `filter`, by name.
  // page.max_results must be 1..kMaxSignerPageSize.
  virtual Result<Page<SigningProfileRecord>> ListProfiles(std::string_view account,
                                                          const SigningProfileFilter& filter,
                                                          const PageRequest& page) = 0;
  // Cancels every Active version of the profile (Revoked versions stay Revoked). Idempotent.
  virtual Status CancelProfile(std::string_view account, std::string_view name) = 0;
  // Revokes one version: its status becomes Revoked and signatures made at or after
  // revocation.effective_from are invalid. Irreversible. A later call may only move the effective
  // time earlier (it then replaces the whole record); the same time again is a no-op; a later
  // time is kFailedPrecondition. effective_from after revoked_at is kInvalidArgument.
  // Returns the version as stored.
  virtual Result<SigningProfileRecord> RevokeProfileVersion(
      std::string_view account, std::string_view name, std::string_view version,
      const ProfileRevocation& revocation) = 0;
  // True when the version is revoked effective at or before `signing_time` (DESIGN.md §6/§7).
  // kNotFound for a version ARN this Store does not know.
  virtual Result<bool> IsProfileVersionRevokedAt(std::string_view version_arn,
                                                 Timestamp signing_time) = 0;
  // Every revoked profile version of the installation (all accounts), in revocation order.
  // Revocations are rare and irreversible, so the set stays small; GetRevocationStatus matches
  // certificate hashes against it.
  virtual Result<std::vector<SigningProfileRecord>> ListRevokedProfileVersions() = 0;

  // --- Tags (by profile ARN, without version) ----------------------------------------------------

  // Adds or overwrites tags. kInvalidArgument if the resource would have more than
  // kMaxTagsPerResource tags (nothing is written then).
  virtual Status TagResource(std::string_view resource_arn, const TagMap& tags) = 0;
  // Removes the keys; keys that are absent are ignored.
  virtual Status UntagResource(std::string_view resource_arn,
                               const std::vector<std::string>& keys) = 0;
  virtual Result<TagMap> ListTagsForResource(std::string_view resource_arn) = 0;

  // --- Cross-account permissions (see profile_permission_record.h)
  // --------------------------------

  // Adds a statement and returns the new revision id. `expected_revision` unset skips the
  // revision check (AWS makes revisionId optional here); set, it must equal the current
  // revision (empty for a profile that never had a permission) or the call fails with
  // kFailedPrecondition. A statement id in use is kAlreadyExists; an unknown
  // permission.profile_version is kNotFound.
  virtual Result<std::string> AddProfilePermission(
      std::string_view account, std::string_view name,
      const std::optional<std::string>& expected_revision,
      const ProfilePermissionRecord& permission) = 0;
  // Removes a statement and returns the new revision id. `expected_revision` is required.
  virtual Result<std::string> RemoveProfilePermission(std::string_view account,
                                                      std::string_view name,
                                                      std::string_view expected_revision,
                                                      std::string_view statement_id) = 0;
  virtual Result<ProfilePermissions> ListProfilePermissions(std::string_view account,
                                                            std::string_view name,
                                                            const PageRequest& page) = 0;

  // --- Signing jobs ------------------------------------------------------------------------------

  // Records a new job. The profile version (job_owner, profile_name, profile_version) must exist
  // (kNotFound). kAlreadyExists for a job id in use, or for a client request token the invoking
  // account already used: look the first job up with FindJobByClientRequestToken. Returns the job
  // as stored (profile_version_arn filled in).
  virtual Result<SigningJobRecord> CreateJob(const SigningJobRecord& job) = 0;
  virtual Result<SigningJobRecord> GetJob(std::string_view job_id) = 0;
  // The job that `job_invoker` created with this token; kNotFound if none.
  virtual Result<SigningJobRecord> FindJobByClientRequestToken(std::string_view job_invoker,
                                                               std::string_view token) = 0;
  // InProgress -> Succeeded | Failed. kFailedPrecondition if the job already completed;
  // kInvalidArgument if completion.status is InProgress. Returns the job as stored.
  virtual Result<SigningJobRecord> CompleteJob(std::string_view job_id,
                                               const JobCompletion& completion) = 0;
  // Newest first. page.max_results must be 1..kMaxSignerPageSize. One call reads at most
  // kJobListScanRows jobs, matching or not: when they hold fewer matches than a page, the page is
  // short (or empty) and its next_token goes on below them, as AWS list calls that filter do.
  // So a listing of the few jobs of one account among millions takes many bounded calls, not
  // one that scans them all inside a read transaction.
  virtual Result<Page<SigningJobRecord>> ListJobs(const SigningJobFilter& filter,
                                                  const PageRequest& page) = 0;
  // Revokes the job's signature. Irreversible: revoking a revoked job changes nothing and returns
  // the job with its first revocation.
  virtual Result<SigningJobRecord> RevokeJob(std::string_view job_id,
                                             const JobRevocation& revocation) = 0;
  virtual Result<bool> IsJobRevoked(std::string_view job_id) = 0;

  // --- Revocation events (revocation_event.h) --------------------------------------------------

  // The events with a sequence greater than `after_sequence`, oldest first, at most `max_events`
  // (1..kMaxRevocationEventsPerRead; kInvalidArgument otherwise).
  virtual Result<std::vector<RevocationEvent>> ListRevocationEvents(int64_t after_sequence,
                                                                    int max_events) = 0;
  // The sequence of the newest event; 0 when there is none.
  virtual Result<int64_t> LatestRevocationSequence() = 0;

  // --- Usage (metering) --------------------------------------------------------------------------

  // Appends the usage record of one job (see usage_record.h). kNotFound if the job does not
  // exist; kAlreadyExists if it already has one; kInvalidArgument for a negative price.
  virtual Status AppendUsage(const UsageRecord& usage) = 0;
  // Count and exact sum per group, ordered by the grouped dimensions.
  virtual Result<std::vector<UsageTotal>> SumUsage(const UsageQuery& query) = 0;
  // The exact sum of the prices of `environment`'s usage records in `month` ("YYYY-MM", UTC), in
  // constant time: a running total that AppendUsage updates in the same transaction as the
  // record, so it is exact after a restart or a crash (budgets read it on every signature).
  virtual Result<int64_t> MonthlyUsageMicros(std::string_view environment,
                                             std::string_view month) = 0;
  // The records themselves, oldest first: in the order their jobs were created (a signing
  // billed when its job is created, as every synchronous one is, is also in the order of
  // appending). page.max_results must be 1..kMaxUsagePageSize.
  virtual Result<Page<UsageRecord>> ListUsage(const UsageQuery& query, const PageRequest& page) = 0;
  // --- Lambda: code signing configs, functions, layer versions (DESIGN.md §6) -------------------
  // Listings take page.max_results 1..kMaxLambdaPageSize.

  // kAlreadyExists for an id or ARN in use.
  virtual Status CreateCodeSigningConfig(const CodeSigningConfigRecord& config) = 0;
  virtual Result<CodeSigningConfigRecord> GetCodeSigningConfig(std::string_view arn) = 0;
  // Replaces the config of the same ARN; kNotFound if there is none.
  virtual Status UpdateCodeSigningConfig(const CodeSigningConfigRecord& config) = 0;
  // kNotFound; kFailedPrecondition while a function names the config.
  virtual Status DeleteCodeSigningConfig(std::string_view arn) = 0;
  // The account's configs, oldest first.
  virtual Result<Page<CodeSigningConfigRecord>> ListCodeSigningConfigs(std::string_view account,
                                                                       const PageRequest& page) = 0;
  // ARNs of the functions that name the config, by name. kNotFound for an unknown config.
  virtual Result<Page<std::string>> ListFunctionsByCodeSigningConfig(std::string_view arn,
                                                                     const PageRequest& page) = 0;

  // Adds a function with its code. kAlreadyExists for (account, name) in use; kNotFound if
  // function.code_signing_config_arn names no config.
  virtual Status CreateFunction(const FunctionRecord& function, std::string_view code) = 0;
  // Replaces the function's record and, when `code` is set, its code. kNotFound for an unknown
  // function or config.
  virtual Status UpdateFunction(const FunctionRecord& function,
                                std::optional<std::string_view> code) = 0;
  virtual Result<FunctionRecord> GetFunction(std::string_view account, std::string_view name) = 0;
  virtual Result<std::string> GetFunctionCode(std::string_view account, std::string_view name) = 0;
  virtual Status DeleteFunction(std::string_view account, std::string_view name) = 0;
  // The account's functions, by name.
  virtual Result<Page<FunctionRecord>> ListFunctions(std::string_view account,
                                                     const PageRequest& page) = 0;

  // Adds the next version of layer (account, layer_name) with its code; the Store assigns
  // version and layer_version_arn and returns the record as stored.
  virtual Result<LayerVersionRecord> PublishLayerVersion(const LayerVersionRecord& layer,
                                                         std::string_view code) = 0;
  virtual Result<LayerVersionRecord> GetLayerVersion(std::string_view account,
                                                     std::string_view layer_name,
                                                     int64_t version) = 0;
  virtual Result<LayerVersionRecord> GetLayerVersionByArn(std::string_view layer_version_arn) = 0;
  virtual Result<std::string> GetLayerVersionCode(std::string_view layer_version_arn) = 0;
  // Newest first.
  virtual Result<Page<LayerVersionRecord>> ListLayerVersions(std::string_view account,
                                                             std::string_view layer_name,
                                                             const PageRequest& page) = 0;
};

}  // namespace signet::store
