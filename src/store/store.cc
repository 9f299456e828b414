#include "store/store.h"

#include <optional>
#include <utility>

namespace signet::store {

template <typename T, typename Op>
Result<T> Store::RunOne(Op op) {
  std::optional<Result<T>> out;
  Status s = InTransaction([&](StoreTransaction& tx) -> Status {
    out.emplace(op(tx));
    return out->ok() ? Status::Ok() : out->status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

template <typename T, typename Op>
Result<T> Store::RunRead(Op op) {
  std::optional<Result<T>> out;
  Status s = InReadTransaction([&](StoreTransaction& tx) -> Status {
    out.emplace(op(tx));
    return out->ok() ? Status::Ok() : out->status();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Status Store::InReadTransaction(const std::function<Status(StoreTransaction&)>& fn) {
  return InTransaction(fn);
}

Status Store::PutProfile(const SigningProfileRecord& record) {
  return InTransaction([&](StoreTransaction& tx) { return tx.PutProfile(record); });
}

Result<SigningProfileRecord> Store::GetProfile(std::string_view account, std::string_view name) {
  return RunRead<SigningProfileRecord>(
      [&](StoreTransaction& tx) { return tx.GetProfile(account, name); });
}

Result<SigningProfileRecord> Store::GetProfileVersion(std::string_view account,
                                                      std::string_view name,
                                                      std::string_view version) {
  return RunRead<SigningProfileRecord>(
      [&](StoreTransaction& tx) { return tx.GetProfileVersion(account, name, version); });
}

Result<SigningProfileRecord> Store::GetProfileByVersionArn(std::string_view version_arn) {
  return RunRead<SigningProfileRecord>(
      [&](StoreTransaction& tx) { return tx.GetProfileByVersionArn(version_arn); });
}

Result<Page<SigningProfileRecord>> Store::ListProfiles(std::string_view account,
                                                       const SigningProfileFilter& filter,
                                                       const PageRequest& page) {
  return RunRead<Page<SigningProfileRecord>>(
      [&](StoreTransaction& tx) { return tx.ListProfiles(account, filter, page); });
}

Status Store::CancelProfile(std::string_view account, std::string_view name) {
  return InTransaction([&](StoreTransaction& tx) { return tx.CancelProfile(account, name); });
}

Result<SigningProfileRecord> Store::RevokeProfileVersion(std::string_view account,
                                                         std::string_view name,
                                                         std::string_view version,
                                                         const ProfileRevocation& revocation) {
  return RunOne<SigningProfileRecord>([&](StoreTransaction& tx) {
    return tx.RevokeProfileVersion(account, name, version, revocation);
  });
}

Result<bool> Store::IsProfileVersionRevokedAt(std::string_view version_arn,
                                              Timestamp signing_time) {
  return RunRead<bool>([&](StoreTransaction& tx) {
    return tx.IsProfileVersionRevokedAt(version_arn, signing_time);
  });
}

Result<std::vector<SigningProfileRecord>> Store::ListRevokedProfileVersions() {
  return RunRead<std::vector<SigningProfileRecord>>(
      [&](StoreTransaction& tx) { return tx.ListRevokedProfileVersions(); });
}

Status Store::TagResource(std::string_view resource_arn, const TagMap& tags) {
  return InTransaction([&](StoreTransaction& tx) { return tx.TagResource(resource_arn, tags); });
}

Status Store::UntagResource(std::string_view resource_arn, const std::vector<std::string>& keys) {
  return InTransaction([&](StoreTransaction& tx) { return tx.UntagResource(resource_arn, keys); });
}

Result<TagMap> Store::ListTagsForResource(std::string_view resource_arn) {
  return RunRead<TagMap>([&](StoreTransaction& tx) { return tx.ListTagsForResource(resource_arn); });
}

Result<std::string> Store::AddProfilePermission(std::string_view account, std::string_view name,
                                                const std::optional<std::string>& expected_revision,
                                                const ProfilePermissionRecord& permission) {
  return RunOne<std::string>([&](StoreTransaction& tx) {
    return tx.AddProfilePermission(account, name, expected_revision, permission);
  });
}

Result<std::string> Store::RemoveProfilePermission(std::string_view account, std::string_view name,
                                                   std::string_view expected_revision,
                                                   std::string_view statement_id) {
  return RunOne<std::string>([&](StoreTransaction& tx) {
    return tx.RemoveProfilePermission(account, name, expected_revision, statement_id);
  });
}

Result<ProfilePermissions> Store::ListProfilePermissions(std::string_view account,
                                                         std::string_view name,
                                                         const PageRequest& page) {
  return RunRead<ProfilePermissions>(
      [&](StoreTransaction& tx) { return tx.ListProfilePermissions(account, name, page); });
}

Result<SigningJobRecord> Store::CreateJob(const SigningJobRecord& job) {
  return RunOne<SigningJobRecord>([&](StoreTransaction& tx) { return tx.CreateJob(job); });
}

Result<SigningJobRecord> Store::GetJob(std::string_view job_id) {
  return RunRead<SigningJobRecord>([&](StoreTransaction& tx) { return tx.GetJob(job_id); });
}

Result<SigningJobRecord> Store::FindJobByClientRequestToken(std::string_view job_invoker,
                                                            std::string_view token) {
  return RunRead<SigningJobRecord>(
      [&](StoreTransaction& tx) { return tx.FindJobByClientRequestToken(job_invoker, token); });
}

Result<SigningJobRecord> Store::CompleteJob(std::string_view job_id,
                                            const JobCompletion& completion) {
  return RunOne<SigningJobRecord>(
      [&](StoreTransaction& tx) { return tx.CompleteJob(job_id, completion); });
}

Result<Page<SigningJobRecord>> Store::ListJobs(const SigningJobFilter& filter,
                                               const PageRequest& page) {
  return RunRead<Page<SigningJobRecord>>(
      [&](StoreTransaction& tx) { return tx.ListJobs(filter, page); });
}

Result<SigningJobRecord> Store::RevokeJob(std::string_view job_id,
                                          const JobRevocation& revocation) {
  return RunOne<SigningJobRecord>(
      [&](StoreTransaction& tx) { return tx.RevokeJob(job_id, revocation); });
}

Result<bool> Store::IsJobRevoked(std::string_view job_id) {
  return RunRead<bool>([&](StoreTransaction& tx) { return tx.IsJobRevoked(job_id); });
}

Result<std::vector<RevocationEvent>> Store::ListRevocationEvents(int64_t after_sequence,
                                                                 int max_events) {
  return RunRead<std::vector<RevocationEvent>>([&](StoreTransaction& tx) {
    return tx.ListRevocationEvents(after_sequence, max_events);
  });
}

Result<int64_t> Store::LatestRevocationSequence() {
  return RunRead<int64_t>([](StoreTransaction& tx) { return tx.LatestRevocationSequence(); });
}

Status Store::AppendUsage(const UsageRecord& usage) {
  return InTransaction([&](StoreTransaction& tx) { return tx.AppendUsage(usage); });
}

Result<std::vector<UsageTotal>> Store::SumUsage(const UsageQuery& query) {
  return RunRead<std::vector<UsageTotal>>([&](StoreTransaction& tx) { return tx.SumUsage(query); });
}

Result<int64_t> Store::MonthlyUsageMicros(std::string_view environment, std::string_view month) {
  return RunRead<int64_t>(
      [&](StoreTransaction& tx) { return tx.MonthlyUsageMicros(environment, month); });
}

Result<Page<UsageRecord>> Store::ListUsage(const UsageQuery& query, const PageRequest& page) {
  return RunRead<Page<UsageRecord>>([&](StoreTransaction& tx) { return tx.ListUsage(query, page); });
}

// --- Lambda ---

Status Store::CreateCodeSigningConfig(const CodeSigningConfigRecord& config) {
  return InTransaction([&](StoreTransaction& tx) { return tx.CreateCodeSigningConfig(config); });
}

Result<CodeSigningConfigRecord> Store::GetCodeSigningConfig(std::string_view arn) {
  return RunRead<CodeSigningConfigRecord>(
      [&](StoreTransaction& tx) { return tx.GetCodeSigningConfig(arn); });
}

Status Store::UpdateCodeSigningConfig(const CodeSigningConfigRecord& config) {
  return InTransaction([&](StoreTransaction& tx) { return tx.UpdateCodeSigningConfig(config); });
}

Status Store::DeleteCodeSigningConfig(std::string_view arn) {
  return InTransaction([&](StoreTransaction& tx) { return tx.DeleteCodeSigningConfig(arn); });
}

Result<Page<CodeSigningConfigRecord>> Store::ListCodeSigningConfigs(std::string_view account,
                                                                    const PageRequest& page) {
  return RunRead<Page<CodeSigningConfigRecord>>(
      [&](StoreTransaction& tx) { return tx.ListCodeSigningConfigs(account, page); });
}

Result<Page<std::string>> Store::ListFunctionsByCodeSigningConfig(std::string_view arn,
                                                                  const PageRequest& page) {
  return RunRead<Page<std::string>>(
      [&](StoreTransaction& tx) { return tx.ListFunctionsByCodeSigningConfig(arn, page); });
}

Status Store::CreateFunction(const FunctionRecord& function, std::string_view code) {
  return InTransaction([&](StoreTransaction& tx) { return tx.CreateFunction(function, code); });
}

Status Store::UpdateFunction(const FunctionRecord& function, std::optional<std::string_view> code) {
  return InTransaction([&](StoreTransaction& tx) { return tx.UpdateFunction(function, code); });
}

Result<FunctionRecord> Store::GetFunction(std::string_view account, std::string_view name) {
  return RunRead<FunctionRecord>(
      [&](StoreTransaction& tx) { return tx.GetFunction(account, name); });
}

Result<std::string> Store::GetFunctionCode(std::string_view account, std::string_view name) {
  return RunRead<std::string>(
      [&](StoreTransaction& tx) { return tx.GetFunctionCode(account, name); });
}

Status Store::DeleteFunction(std::string_view account, std::string_view name) {
  return InTransaction([&](StoreTransaction& tx) { return tx.DeleteFunction(account, name); });
}

Result<Page<FunctionRecord>> Store::ListFunctions(std::string_view account,
                                                  const PageRequest& page) {
  return RunRead<Page<FunctionRecord>>(
      [&](StoreTransaction& tx) { return tx.ListFunctions(account, page); });
}

Result<LayerVersionRecord> Store::PublishLayerVersion(const LayerVersionRecord& layer,
                                                      std::string_view code) {
  return RunOne<LayerVersionRecord>(
      [&](StoreTransaction& tx) { return tx.PublishLayerVersion(layer, code); });
}

Result<LayerVersionRecord> Store::GetLayerVersion(std::string_view account,
                                                  std::string_view layer_name, int64_t version) {
  return RunRead<LayerVersionRecord>(
      [&](StoreTransaction& tx) { return tx.GetLayerVersion(account, layer_name, version); });
}

Result<LayerVersionRecord> Store::GetLayerVersionByArn(std::string_view layer_version_arn) {
  return RunRead<LayerVersionRecord>(
      [&](StoreTransaction& tx) { return tx.GetLayerVersionByArn(layer_version_arn); });
}

Result<std::string> Store::GetLayerVersionCode(std::string_view layer_version_arn) {
  return RunRead<std::string>(
      [&](StoreTransaction& tx) { return tx.GetLayerVersionCode(layer_version_arn); });
}

Result<Page<LayerVersionRecord>> Store::ListLayerVersions(std::string_view account,
                                                          std::string_view layer_name,
                                                          const PageRequest& page) {
  return RunRead<Page<LayerVersionRecord>>(
      [&](StoreTransaction& tx) { return tx.ListLayerVersions(account, layer_name, page); });
}

}  // namespace signet::store
