// Store: signet's durable state behind one interface (DESIGN.md §2). Implementations:
// SqliteStore (sqlite_store.h, the embedded default) and, later, PostgreSQL for N replicas.
//
// Every StoreOperations call on a Store runs in its own transaction. To make several calls
// atomic together (a job and its usage record; "read the profile, then write a version"), run
// them through InTransaction.
//
// Thread-safety: a Store is safe to use from any number of threads. Results are copies; nothing
// returned refers into the Store.
#pragma once

#include <functional>
#include <utility>

#include "store/store_operations.h"

namespace signet::store {

// The operations available inside Store::InTransaction. Valid only during the callback, on the
// callback's thread; not thread-safe.
class StoreTransaction : public StoreOperations {};

class Store : public StoreOperations {
 public:
  // Runs `fn` in one transaction. If `fn` returns OK and the commit succeeds, all its writes are
  // durable together; otherwise none is, and the error of `fn` (or of the commit) is returned.
  // An operation that failed inside `fn` has already been undone, so `fn` may handle its error
  // and go on (e.g. create a job, and on kAlreadyExists read the first one instead).
  //
  // `fn` must use only the transaction it is given: calling this Store from inside `fn` fails
  // with kInternal instead of deadlocking. Other writers wait while `fn` runs, so it should not
  // do slow work (network, large I/O); sign before or after, not inside.
  virtual Status InTransaction(const std::function<Status(StoreTransaction&)>& fn) = 0;

  // Runs `fn` in a read-only transaction: it sees one consistent snapshot of committed state,
  // including every write whose InTransaction has returned; a write inside it fails. Reads do
  // not queue behind writers or their commits where the implementation allows (SQLite: WAL
  // readers), so lookups on the signing path stay off the group-commit path. The same rules as
  // InTransaction apply to `fn`. The default runs it as an ordinary transaction.
  virtual Status InReadTransaction(const std::function<Status(StoreTransaction&)>& fn);

  // A group-commit hint (WriteHint below): the calling thread is about to do CPU work (sign)
  // and then call InTransaction. While the hint lives and the thread has not entered
  // InTransaction yet, a transaction that is ready to commit may wait a little (bounded by the
  // implementation) for it, so that concurrent signatures share one commit. Only a hint: what
  // any transaction does, and that it is durable when InTransaction returns, never changes.
  class WriteHint;
  WriteHint ExpectWrite();

  // StoreOperations, each in its own InTransaction (store.cc), for every implementation.
  // GetProfile and ListProfilePermissions, the lookups of every signature, are not final: an
  // implementation may answer them from a cache (SqliteStore does) if it never answers with
  // state older than a write whose InTransaction has returned.
  Status PutProfile(const SigningProfileRecord& record) final;
  Result<SigningProfileRecord> GetProfile(std::string_view account, std::string_view name) override;
  Result<SigningProfileRecord> GetProfileVersion(std::string_view account, std::string_view name,
                                                 std::string_view version) final;
  Result<SigningProfileRecord> GetProfileByVersionArn(std::string_view version_arn) final;
  Result<Page<SigningProfileRecord>> ListProfiles(std::string_view account,
                                                  const SigningProfileFilter& filter,
                                                  const PageRequest& page) final;
  Status CancelProfile(std::string_view account, std::string_view name) final;
  Result<SigningProfileRecord> RevokeProfileVersion(std::string_view account, std::string_view name,
                                                    std::string_view version,
                                                    const ProfileRevocation& revocation) final;
  Result<bool> IsProfileVersionRevokedAt(std::string_view version_arn,
                                         Timestamp signing_time) final;
  Result<std::vector<SigningProfileRecord>> ListRevokedProfileVersions() final;
  Status TagResource(std::string_view resource_arn, const TagMap& tags) final;
  Status UntagResource(std::string_view resource_arn, const std::vector<std::string>& keys) final;
  Result<TagMap> ListTagsForResource(std::string_view resource_arn) final;
  Result<std::string> AddProfilePermission(std::string_view account, std::string_view name,
                                           const std::optional<std::string>& expected_revision,
                                           const ProfilePermissionRecord& permission) final;
  Result<std::string> RemoveProfilePermission(std::string_view account, std::string_view name,
                                              std::string_view expected_revision,
                                              std::string_view statement_id) final;
  Result<ProfilePermissions> ListProfilePermissions(std::string_view account, std::string_view name,
                                                    const PageRequest& page) override;
  Result<SigningJobRecord> CreateJob(const SigningJobRecord& job) final;
  Result<SigningJobRecord> GetJob(std::string_view job_id) final;
  Result<SigningJobRecord> FindJobByClientRequestToken(std::string_view job_invoker,
                                                       std::string_view token) final;
  Result<SigningJobRecord> CompleteJob(std::string_view job_id,
                                       const JobCompletion& completion) final;
  Result<Page<SigningJobRecord>> ListJobs(const SigningJobFilter& filter,
                                          const PageRequest& page) final;
  Result<SigningJobRecord> RevokeJob(std::string_view job_id,
                                     const JobRevocation& revocation) final;
  Result<bool> IsJobRevoked(std::string_view job_id) final;
  Result<std::vector<RevocationEvent>> ListRevocationEvents(int64_t after_sequence,
                                                            int max_events) final;
  Result<int64_t> LatestRevocationSequence() final;
  Status AppendUsage(const UsageRecord& usage) final;
  Result<std::vector<UsageTotal>> SumUsage(const UsageQuery& query) final;
  Result<int64_t> MonthlyUsageMicros(std::string_view environment, std::string_view month) final;
  Result<Page<UsageRecord>> ListUsage(const UsageQuery& query, const PageRequest& page) final;
  Status CreateCodeSigningConfig(const CodeSigningConfigRecord& config) final;
  Result<CodeSigningConfigRecord> GetCodeSigningConfig(std::string_view arn) final;
  Status UpdateCodeSigningConfig(const CodeSigningConfigRecord& config) final;
  Status DeleteCodeSigningConfig(std::string_view arn) final;
  Result<Page<CodeSigningConfigRecord>> ListCodeSigningConfigs(std::string_view account,
                                                               const PageRequest& page) final;
  Result<Page<std::string>> ListFunctionsByCodeSigningConfig(std::string_view arn,
                                                             const PageRequest& page) final;
  Status CreateFunction(const FunctionRecord& function, std::string_view code) final;
  Status UpdateFunction(const FunctionRecord& function, std::optional<std::string_view> code) final;
  Result<FunctionRecord> GetFunction(std::string_view account, std::string_view name) final;
  Result<std::string> GetFunctionCode(std::string_view account, std::string_view name) final;
  Status DeleteFunction(std::string_view account, std::string_view name) final;
  Result<Page<FunctionRecord>> ListFunctions(std::string_view account,
                                             const PageRequest& page) final;
  Result<LayerVersionRecord> PublishLayerVersion(const LayerVersionRecord& layer,
                                                 std::string_view code) final;
  Result<LayerVersionRecord> GetLayerVersion(std::string_view account, std::string_view layer_name,
                                             int64_t version) final;
  Result<LayerVersionRecord> GetLayerVersionByArn(std::string_view layer_version_arn) final;
  Result<std::string> GetLayerVersionCode(std::string_view layer_version_arn) final;
  Result<Page<LayerVersionRecord>> ListLayerVersions(std::string_view account,
                                                     std::string_view layer_name,
                                                     const PageRequest& page) final;

 protected:
  // ExpectWrite's implementation: true if a hint was taken for this thread (then DropWriteHint
  // follows, on this thread). The defaults take none.
  virtual bool AddWriteHint() { return false; }
  virtual void DropWriteHint() {}

 private:
  // Runs one operation in its own transaction and returns its result.
  template <typename T, typename Op>
  Result<T> RunOne(Op op);
  // The same for an operation that only reads, in InReadTransaction.
  template <typename T, typename Op>
  Result<T> RunRead(Op op);
};

// Store::ExpectWrite's guard. Move-only; must be destroyed on the thread that took it.
class Store::WriteHint {
 public:
  WriteHint() = default;
  WriteHint(WriteHint&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
  WriteHint& operator=(WriteHint&&) = delete;
  ~WriteHint() {
    if (store_ != nullptr) store_->DropWriteHint();
  }

 private:
  friend class Store;
  explicit WriteHint(Store* store) : store_(store) {}
  Store* store_ = nullptr;
};

inline Store::WriteHint Store::ExpectWrite() {
  return AddWriteHint() ? WriteHint(this) : WriteHint();
}

}  // namespace signet::store
