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

Status Store::AppendUsage(const UsageRecord& usage) {
  return InTransaction([&](StoreTransaction& tx) { return tx.AppendUsage(usage); });
}

Result<std::vector<UsageTotal>> Store::SumUsage(const UsageQuery& query) {
  return RunRead<std::vector<UsageTotal>>([&](StoreTransaction& tx) { return tx.SumUsage(query); });
}

Result<Page<UsageRecord>> Store::ListUsage(const UsageQuery& query, const PageRequest& page) {
  return RunRead<Page<UsageRecord>>([&](StoreTransaction& tx) { return tx.ListUsage(query, page); });
}

}  // namespace signet::store
