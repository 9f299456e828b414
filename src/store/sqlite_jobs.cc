// Signing jobs on SQLite.
#include <limits>
#include <string>
#include <utility>

#include "store/sqlite_operations.h"

namespace signet::store::sqlite {
namespace {

#define SIGNET_JOB_SELECT                                                                    \
  "SELECT j.job_id, j.job_owner, j.job_invoker, j.requested_by, p.name, v.version, "         \
  "v.version_arn, j.platform_id, j.platform_display_name, j.source_bucket, j.source_key, "   \
  "j.source_version, j.destination_bucket, j.destination_prefix, j.payload, j.status, "      \
  "j.status_reason, j.created_at, j.completed_at, j.signature_expires_at, j.signed_bucket, " \
  "j.signed_key, j.signed_version, j.client_request_token, j.revoked_at, j.revoked_by, "     \
  "j.revocation_reason, j.seq "                                                              \
  "FROM signing_jobs j JOIN signing_profile_versions v ON v.id = j.profile_version_id "      \
  "JOIN signing_profiles p ON p.id = v.profile_id "

enum JobColumn {
  kJobId,
  kJobOwner,
  kJobInvoker,
  kRequestedBy,
  kProfileName,
  kProfileVersion,
  kProfileVersionArn,
  kPlatformId,
  kPlatformDisplayName,
  kSourceBucket,
  kSourceKey,
  kSourceVersion,
  kDestinationBucket,
  kDestinationPrefix,
  kPayload,
  kStatus,
  kStatusReason,
  kCreatedAt,
  kCompletedAt,
  kSignatureExpiresAt,
  kSignedBucket,
  kSignedKey,
  kSignedVersion,
  kClientRequestToken,
  kRevokedAt,
  kRevokedBy,
  kRevocationReason,
  kSeq,
};

std::string JobName(std::string_view job_id) { return "signing job " + std::string(job_id); }

Status UpsertMetadata(Connection& db, int64_t seq, const std::map<std::string, std::string>& m) {
  for (const auto& [name, value] : m) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement upsert,
        db.Prepare("INSERT INTO signing_job_metadata (job_seq, name, value) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (job_seq, name) DO UPDATE SET value = excluded.value"));
    upsert.Bind(1, seq).Bind(2, name).Bind(3, value);
    SIGNET_RETURN_IF_ERROR(upsert.Run());
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<SigningJobRecord>> SqliteOperations::ReadJobs(Statement& select, size_t limit,
                                                                 std::vector<int64_t>* seqs_out) {
  std::vector<SigningJobRecord> out;
  std::vector<int64_t> seqs;
  while (out.size() < limit) {
    SIGNET_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    SigningJobRecord j;
    j.job_id = select.Text(kJobId);
    j.job_owner = select.Text(kJobOwner);
    j.job_invoker = select.Text(kJobInvoker);
    j.requested_by = select.Text(kRequestedBy);
    j.profile_name = select.Text(kProfileName);
    j.profile_version = select.Text(kProfileVersion);
    j.profile_version_arn = select.Text(kProfileVersionArn);
    j.platform_id = select.Text(kPlatformId);
    j.platform_display_name = select.Text(kPlatformDisplayName);
    if (!select.IsNull(kSourceBucket)) {
      j.source = S3Object{select.Text(kSourceBucket), select.Text(kSourceKey),
                          select.Text(kSourceVersion)};
    }
    if (!select.IsNull(kDestinationBucket)) {
      j.destination =
          S3Destination{select.Text(kDestinationBucket), select.Text(kDestinationPrefix)};
    }
    if (!select.IsNull(kPayload)) j.payload = select.Blob(kPayload);
    Result<JobStatus> status = ParseJobStatus(select.Text(kStatus));
    if (!status.ok()) {
      return InternalError("stored job status is not valid: " + status.status().message());
    }
    j.status = *status;
    j.status_reason = select.Text(kStatusReason);
    j.created_at = FromSeconds(select.Int(kCreatedAt));
    j.completed_at = FromSeconds(select.OptionalInt(kCompletedAt));
    j.signature_expires_at = FromSeconds(select.OptionalInt(kSignatureExpiresAt));
    if (!select.IsNull(kSignedBucket)) {
      j.signed_object = S3Object{select.Text(kSignedBucket), select.Text(kSignedKey),
                                 select.Text(kSignedVersion)};
    }
    j.client_request_token = select.OptionalText(kClientRequestToken);
    if (!select.IsNull(kRevokedAt)) {
      j.revocation = JobRevocation{.reason = select.Text(kRevocationReason),
                                   .revoked_at = FromSeconds(select.Int(kRevokedAt)),
                                   .revoked_by = select.Text(kRevokedBy)};
    }
    seqs.push_back(select.Int(kSeq));
    out.push_back(std::move(j));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement meta,
        db_.Prepare("SELECT name, value FROM signing_job_metadata WHERE job_seq = ?1"));
    meta.Bind(1, seqs[i]);
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, meta.Step());
      if (!row) break;
      out[i].metadata.emplace(meta.Text(0), meta.Text(1));
    }
  }
  if (seqs_out != nullptr) *seqs_out = std::move(seqs);
  return out;
}

Result<SigningJobRecord> SqliteOperations::ReadOneJob(Statement& select, std::string_view what) {
  SIGNET_ASSIGN_OR_RETURN(std::vector<SigningJobRecord> found, ReadJobs(select, 1));
  if (found.empty()) return NotFoundError(std::string(what) + " does not exist");
  return std::move(found.front());
}

Result<SigningJobRecord> SqliteOperations::CreateJob(const SigningJobRecord& job) {
  if (job.job_id.empty() || job.job_owner.empty() || job.job_invoker.empty() ||
      job.requested_by.empty() || job.profile_name.empty() || job.profile_version.empty() ||
      job.platform_id.empty()) {
    return InvalidArgumentError(
        "a signing job needs a job id, owner, invoker, requester, profile name and version, "
        "and platform id");
  }
  if (job.revocation) return InvalidArgumentError("a new signing job cannot be revoked already");
  if (job.client_request_token && job.client_request_token->empty()) {
    return InvalidArgumentError("a client request token, when given, must not be empty");
  }
  // The hot path of every signature: one lookup and one INSERT, with no savepoint unless there
  // are metadata rows too. A failed single INSERT is undone by SQLite itself (statement
  // rollback); the existence checks are the table's UNIQUE constraints. `job` outlives both
  // statements, so its fields are bound without copies.
  SigningJobRecord stored = job;
  const auto write = [&]() -> Status {
    int64_t version_id = 0;
    {
      SIGNET_ASSIGN_OR_RETURN(
          Statement q, db_.Prepare("SELECT v.id, v.version_arn FROM signing_profile_versions v "
                                   "JOIN signing_profiles p ON p.id = v.profile_id "
                                   "WHERE p.account = ?1 AND p.name = ?2 AND v.version = ?3"));
      q.BindView(1, job.job_owner).BindView(2, job.profile_name).BindView(3, job.profile_version);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        return NotFoundError("version " + job.profile_version + " of signing profile \"" +
                             job.profile_name + "\" of account " + job.job_owner +
                             " does not exist");
      }
      version_id = q.Int(0);
      stored.profile_version_arn = q.Text(1);
    }
    if (job.client_request_token) {
      SIGNET_ASSIGN_OR_RETURN(
          Statement q, db_.Prepare("SELECT job_id FROM signing_jobs WHERE job_invoker = ?1 AND "
                                   "client_request_token = ?2"));
      q.Bind(1, job.job_invoker).Bind(2, job.client_request_token);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) {
        return AlreadyExistsError("client request token \"" + *job.client_request_token +
                                  "\" was already used by " + JobName(q.Text(0)));
      }
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO signing_jobs (job_id, job_owner, job_invoker, requested_by, "
                    "profile_version_id, platform_id, platform_display_name, source_bucket, "
                    "source_key, source_version, destination_bucket, destination_prefix, payload, "
                    "status, status_reason, created_at, completed_at, signature_expires_at, "
                    "signed_bucket, signed_key, signed_version, client_request_token) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                    "?18, ?19, ?20, ?21, ?22)"));
    insert.BindView(1, job.job_id)
        .BindView(2, job.job_owner)
        .BindView(3, job.job_invoker)
        .BindView(4, job.requested_by)
        .Bind(5, version_id)
        .BindView(6, job.platform_id)
        .BindView(7, job.platform_display_name);
    if (job.source) {
      insert.BindView(8, job.source->bucket)
          .BindView(9, job.source->key)
          .BindView(10, job.source->version);
    }
    if (job.destination)
      insert.BindView(11, job.destination->bucket).BindView(12, job.destination->prefix);
    if (job.payload) insert.BindBlobView(13, *job.payload);
    insert.BindView(14, JobStatusName(job.status))
        .BindView(15, job.status_reason)
        .Bind(16, ToSeconds(job.created_at))
        .Bind(17, ToSeconds(job.completed_at))
        .Bind(18, ToSeconds(job.signature_expires_at));
    if (job.signed_object) {
      insert.BindView(19, job.signed_object->bucket)
          .BindView(20, job.signed_object->key)
          .BindView(21, job.signed_object->version);
    }
    if (job.client_request_token) insert.BindView(22, *job.client_request_token);
    if (Status s = insert.Run(); !s.ok()) {
      // The token was checked above, so a duplicate here is the job id (UNIQUE).
      if (s.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExistsError(JobName(job.job_id) + " already exists");
      }
      return s;
    }
    return UpsertMetadata(db_, db_.LastInsertRowId(), job.metadata);
  };
  SIGNET_RETURN_IF_ERROR(job.metadata.empty() ? write() : Atomically(write));
  // Every column round-trips exactly (timestamps are whole seconds), so the job as stored is the
  // job as given plus its version ARN: no read back.
  return stored;
}

Result<SigningJobRecord> SqliteOperations::GetJob(std::string_view job_id) {
  SIGNET_ASSIGN_OR_RETURN(Statement q, db_.Prepare(SIGNET_JOB_SELECT "WHERE j.job_id = ?1"));
  q.Bind(1, job_id);
  return ReadOneJob(q, JobName(job_id));
}

Result<SigningJobRecord> SqliteOperations::FindJobByClientRequestToken(std::string_view job_invoker,
                                                                       std::string_view token) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_JOB_SELECT "WHERE j.job_invoker = ?1 AND j.client_request_token = ?2"));
  q.Bind(1, job_invoker).Bind(2, token);
  return ReadOneJob(q, "a signing job of account " + std::string(job_invoker) +
                           " with client request token \"" + std::string(token) + "\"");
}

Result<SigningJobRecord> SqliteOperations::CompleteJob(std::string_view job_id,
                                                       const JobCompletion& completion) {
  if (completion.status == JobStatus::kInProgress) {
    return InvalidArgumentError("a signing job completes as Succeeded or Failed, not InProgress");
  }
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(Statement q,
                            db_.Prepare("SELECT seq, status FROM signing_jobs WHERE job_id = ?1"));
    q.Bind(1, job_id);
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFoundError(JobName(job_id) + " does not exist");
    const int64_t seq = q.Int(0);
    if (q.Text(1) != JobStatusName(JobStatus::kInProgress)) {
      return FailedPreconditionError(JobName(job_id) + " has already completed (" + q.Text(1) +
                                     ")");
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement update,
        db_.Prepare("UPDATE signing_jobs SET status = ?1, status_reason = ?2, completed_at = ?3, "
                    "signature_expires_at = COALESCE(?4, signature_expires_at), "
                    "signed_bucket = COALESCE(?5, signed_bucket), "
                    "signed_key = COALESCE(?6, signed_key), "
                    "signed_version = COALESCE(?7, signed_version) WHERE seq = ?8"));
    update.Bind(1, JobStatusName(completion.status))
        .Bind(2, completion.status_reason)
        .Bind(3, ToSeconds(completion.completed_at))
        .Bind(4, ToSeconds(completion.signature_expires_at))
        .Bind(8, seq);
    if (completion.signed_object) {
      update.Bind(5, completion.signed_object->bucket)
          .Bind(6, completion.signed_object->key)
          .Bind(7, completion.signed_object->version);
    }
    SIGNET_RETURN_IF_ERROR(update.Run());
    return UpsertMetadata(db_, seq, completion.metadata);
  });
  if (!s.ok()) return s;
  return GetJob(job_id);
}

Result<Page<SigningJobRecord>> SqliteOperations::ListJobs(const SigningJobFilter& filter,
                                                          const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxSignerPageSize));
  SIGNET_ASSIGN_OR_RETURN(int64_t before, DecodeSequenceToken(page.token, "jobs"));
  std::optional<std::string> status;
  if (filter.status) status = std::string(JobStatusName(*filter.status));
  std::optional<int64_t> revoked;
  if (filter.is_revoked) revoked = *filter.is_revoked ? 1 : 0;
  // Jobs are read newest first from the cursor down, as a range of the rowid b-tree: a plain
  // "seq < ?" (SQLite does not seek on "(? = 0 OR seq < ?)", and walked every newer job).
  if (before == 0) before = std::numeric_limits<int64_t>::max();
  // The call reads the kJobListScanRows newest jobs below the cursor: the first job past them,
  // if any, bounds the query (a walk of the rowid b-tree that reads no row).
  SIGNET_ASSIGN_OR_RETURN(Statement bound,
                          db_.Prepare("SELECT seq FROM signing_jobs WHERE seq < ?1 "
                                      "ORDER BY seq DESC LIMIT 1 OFFSET ?2"));
  bound.Bind(1, before).Bind(2, int64_t{kJobListScanRows});
  SIGNET_ASSIGN_OR_RETURN(const bool more_below, bound.Step());
  const int64_t past = more_below ? bound.Int(0) : 0;  // seqs start at 1
  // Fixed SQL: each filter is a parameter that is either NULL (inert) or applied.
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_JOB_SELECT "WHERE j.seq < ?1 AND j.seq > ?12"
                                    " AND (?2 IS NULL OR j.job_owner = ?2)"
                                    " AND (?3 IS NULL OR j.job_invoker = ?3)"
                                    " AND (?4 IS NULL OR j.status = ?4)"
                                    " AND (?5 IS NULL OR j.platform_id = ?5)"
                                    " AND (?6 IS NULL OR j.requested_by = ?6)"
                                    " AND (?7 IS NULL OR (j.revoked_at IS NOT NULL) = ?7)"
                                    " AND (?8 IS NULL OR j.signature_expires_at < ?8)"
                                    " AND (?9 IS NULL OR j.signature_expires_at > ?9)"
                  " AND (?11 IS NULL OR j.job_owner = ?11 OR j.job_invoker = ?11)"
                                    " ORDER BY j.seq DESC LIMIT ?10"));
  q.Bind(1, before)
      .Bind(2, filter.job_owner)
      .Bind(3, filter.job_invoker)
      .Bind(4, status)
      .Bind(5, filter.platform_id)
      .Bind(6, filter.requested_by)
      .Bind(7, revoked)
      .Bind(8, ToSeconds(filter.signature_expires_before))
      .Bind(9, ToSeconds(filter.signature_expires_after))
      .Bind(10, page.max_results + 1)
      .Bind(11, filter.account)
      .Bind(12, past);
  Page<SigningJobRecord> out;
  std::vector<int64_t> seqs;
  SIGNET_ASSIGN_OR_RETURN(out.items, ReadJobs(q, static_cast<size_t>(page.max_results) + 1, &seqs));
  if (out.items.size() > static_cast<size_t>(page.max_results)) {
    out.items.pop_back();
    out.next_token = EncodePageToken("jobs", std::to_string(seqs[out.items.size() - 1]));
  } else if (more_below) {
    // Every job read and too few matched: the next call goes on from the first one not read.
    out.next_token = EncodePageToken("jobs", std::to_string(past + 1));
  }
  return out;
}

Result<SigningJobRecord> SqliteOperations::RevokeJob(std::string_view job_id,
                                                     const JobRevocation& revocation) {
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement update,
        db_.Prepare("UPDATE signing_jobs SET revoked_at = ?1, revoked_by = ?2, "
                    "revocation_reason = ?3 WHERE job_id = ?4 AND revoked_at IS NULL"));
    update.Bind(1, ToSeconds(revocation.revoked_at))
        .Bind(2, revocation.revoked_by)
        .Bind(3, revocation.reason)
        .Bind(4, job_id);
    return update.Run();
  });
  if (!s.ok()) return s;
  return GetJob(job_id);
}

Result<bool> SqliteOperations::IsJobRevoked(std::string_view job_id) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT revoked_at IS NOT NULL FROM signing_jobs WHERE job_id = ?1"));
  q.Bind(1, job_id);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError(JobName(job_id) + " does not exist");
  return q.Int(0) != 0;
}

}  // namespace signet::store::sqlite
