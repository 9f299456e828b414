// Internal to store/: StoreOperations on one SQLite connection, inside a transaction that the
// caller (SqliteStore) has begun. Each write runs under a SAVEPOINT, so a write that fails part
// way leaves nothing behind even when the enclosing transaction goes on to commit.
//
// Implemented by concept: sqlite_profiles.cc (profiles, tags), sqlite_permissions.cc,
// sqlite_jobs.cc, sqlite_usage.cc, sqlite_lambda.cc, sqlite_revocations.cc.
//
// Thread-safety: none; the SqliteStore's mutex serialises use. Does not own the connection.
#pragma once

#include <cstdint>
#include <functional>

#include "store/page_token.h"
#include "store/sqlite_connection.h"
#include "store/store.h"

namespace signet::store::sqlite {

// Times are stored as seconds since the Unix epoch.
inline int64_t ToSeconds(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromSeconds(int64_t s) { return Timestamp(std::chrono::seconds(s)); }
inline std::optional<int64_t> ToSeconds(const std::optional<Timestamp>& t) {
  return t ? std::optional<int64_t>(ToSeconds(*t)) : std::nullopt;
}
inline std::optional<Timestamp> FromSeconds(const std::optional<int64_t>& s) {
  return s ? std::optional<Timestamp>(FromSeconds(*s)) : std::nullopt;
}

class SqliteOperations final : public StoreTransaction {
 public:
  explicit SqliteOperations(Connection& db) : db_(db) {}

  Status PutProfile(const SigningProfileRecord& record) override;
  Result<SigningProfileRecord> GetProfile(std::string_view account, std::string_view name) override;
  Result<SigningProfileRecord> GetProfileVersion(std::string_view account, std::string_view name,
                                                 std::string_view version) override;
  Result<SigningProfileRecord> GetProfileByVersionArn(std::string_view version_arn) override;
  Result<Page<SigningProfileRecord>> ListProfiles(std::string_view account,
                                                  const SigningProfileFilter& filter,
                                                  const PageRequest& page) override;
  Status CancelProfile(std::string_view account, std::string_view name) override;
  Result<SigningProfileRecord> RevokeProfileVersion(std::string_view account, std::string_view name,
                                                    std::string_view version,
                                                    const ProfileRevocation& revocation) override;
  Result<bool> IsProfileVersionRevokedAt(std::string_view version_arn,
                                         Timestamp signing_time) override;
  Result<std::vector<SigningProfileRecord>> ListRevokedProfileVersions() override;
  Status TagResource(std::string_view resource_arn, const TagMap& tags) override;
  Status UntagResource(std::string_view resource_arn,
                       const std::vector<std::string>& keys) override;
  Result<TagMap> ListTagsForResource(std::string_view resource_arn) override;
  Result<std::string> AddProfilePermission(std::string_view account, std::string_view name,
                                           const std::optional<std::string>& expected_revision,
                                           const ProfilePermissionRecord& permission) override;
  Result<std::string> RemoveProfilePermission(std::string_view account, std::string_view name,
                                              std::string_view expected_revision,
                                              std::string_view statement_id) override;
  Result<ProfilePermissions> ListProfilePermissions(std::string_view account, std::string_view name,
                                                    const PageRequest& page) override;
  Result<SigningJobRecord> CreateJob(const SigningJobRecord& job) override;
  Result<SigningJobRecord> GetJob(std::string_view job_id) override;
  Result<SigningJobRecord> FindJobByClientRequestToken(std::string_view job_invoker,
                                                       std::string_view token) override;
  Result<SigningJobRecord> CompleteJob(std::string_view job_id,
                                       const JobCompletion& completion) override;
  Result<Page<SigningJobRecord>> ListJobs(const SigningJobFilter& filter,
                                          const PageRequest& page) override;
  Result<SigningJobRecord> RevokeJob(std::string_view job_id,
                                     const JobRevocation& revocation) override;
  Result<bool> IsJobRevoked(std::string_view job_id) override;
  Result<std::vector<RevocationEvent>> ListRevocationEvents(int64_t after_sequence,
                                                            int max_events) override;
  Result<int64_t> LatestRevocationSequence() override;
  Status AppendUsage(const UsageRecord& usage) override;
  Result<std::vector<UsageTotal>> SumUsage(const UsageQuery& query) override;
  Result<int64_t> MonthlyUsageMicros(std::string_view environment,
                                     std::string_view month) override;
  Result<Page<UsageRecord>> ListUsage(const UsageQuery& query, const PageRequest& page) override;
  Status CreateCodeSigningConfig(const CodeSigningConfigRecord& config) override;
  Result<CodeSigningConfigRecord> GetCodeSigningConfig(std::string_view arn) override;
  Status UpdateCodeSigningConfig(const CodeSigningConfigRecord& config) override;
  Status DeleteCodeSigningConfig(std::string_view arn) override;
  Result<Page<CodeSigningConfigRecord>> ListCodeSigningConfigs(std::string_view account,
                                                               const PageRequest& page) override;
  Result<Page<std::string>> ListFunctionsByCodeSigningConfig(std::string_view arn,
                                                             const PageRequest& page) override;
  Status CreateFunction(const FunctionRecord& function, std::string_view code) override;
  Status UpdateFunction(const FunctionRecord& function,
                        std::optional<std::string_view> code) override;
  Result<FunctionRecord> GetFunction(std::string_view account, std::string_view name) override;
  Result<std::string> GetFunctionCode(std::string_view account, std::string_view name) override;
  Status DeleteFunction(std::string_view account, std::string_view name) override;
  Result<Page<FunctionRecord>> ListFunctions(std::string_view account,
                                             const PageRequest& page) override;
  Result<LayerVersionRecord> PublishLayerVersion(const LayerVersionRecord& layer,
                                                 std::string_view code) override;
  Result<LayerVersionRecord> GetLayerVersion(std::string_view account, std::string_view layer_name,
                                             int64_t version) override;
  Result<LayerVersionRecord> GetLayerVersionByArn(std::string_view layer_version_arn) override;
  Result<std::string> GetLayerVersionCode(std::string_view layer_version_arn) override;
  Result<Page<LayerVersionRecord>> ListLayerVersions(std::string_view account,
                                                     std::string_view layer_name,
                                                     const PageRequest& page) override;

  // True once a failed write could not be undone: the transaction must then be rolled back
  // whatever the callback returns.
  bool broken() const { return broken_; }

 private:
  // Runs `write` under a savepoint: released if it returns OK, rolled back otherwise.
  Status Atomically(const std::function<Status()>& write);

  // Row ids of a profile; kNotFound names what is missing.
  Result<int64_t> ProfileId(std::string_view account, std::string_view name);
  Result<int64_t> ProfileIdByArn(std::string_view arn);
  // Reads the profile versions that `select` (a query over kProfileColumns) yields, with their
  // parameters and tags.
  Result<std::vector<SigningProfileRecord>> ReadProfiles(Statement& select, size_t limit);
  Result<SigningProfileRecord> ReadOneProfile(Statement& select, std::string_view what);
  // Reads the jobs that `select` (a query over the job columns) yields, with their metadata;
  // `seqs`, if given, receives their row sequence numbers (the jobs listing's cursor).
  Result<std::vector<SigningJobRecord>> ReadJobs(Statement& select, size_t limit,
                                                 std::vector<int64_t>* seqs = nullptr);
  Result<SigningJobRecord> ReadOneJob(Statement& select, std::string_view what);
  Status ReplaceTags(int64_t profile_id, const TagMap& tags);
  Status CheckTagCount(int64_t profile_id, std::string_view resource);
  // Lambda (sqlite_lambda.cc).
  Status CheckConfigExists(const std::optional<std::string>& arn);
  Status WriteFunctionLayers(int64_t function_id, const std::vector<FunctionLayer>& layers);
  Status WriteFunctionCode(int64_t function_id, std::string_view code);
  Result<std::vector<FunctionRecord>> ReadFunctions(Statement& select, size_t limit);

  Connection& db_;
  bool broken_ = false;
};

}  // namespace signet::store::sqlite
