// SigningJobRecord: one signing job (StartSigningJob, SignPayload, `signet sign zip`).
//
// A job is created InProgress (or directly in its final state when signing is synchronous), is
// completed once (Succeeded or Failed), and may later be revoked; revocation is irreversible.
// Its job id is a UUID unique across the installation. A client request token makes creation
// idempotent per invoking account (StartSigningJob's clientRequestToken).
//
// Plain values; safe to copy and share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace signet::store {

// AWS SigningStatus.
enum class JobStatus { kInProgress, kFailed, kSucceeded };
std::string_view JobStatusName(JobStatus status);  // "InProgress", "Failed", "Succeeded"
Result<JobStatus> ParseJobStatus(std::string_view name);

// An object in a bucket: the job's source (S3Source), or the signed object it wrote.
struct S3Object {
  std::string bucket{};
  std::string key{};
  std::string version{};  // empty when the bucket is not versioned / not reported
  friend bool operator==(const S3Object&, const S3Object&) = default;
};

// Where the signed object goes (S3Destination): bucket and key prefix.
struct S3Destination {
  std::string bucket{};
  std::string prefix{};
  friend bool operator==(const S3Destination&, const S3Destination&) = default;
};

// AWS SigningJobRevocationRecord.
struct JobRevocation {
  std::string reason{};
  Timestamp revoked_at{};
  std::string revoked_by{};  // principal ARN
  friend bool operator==(const JobRevocation&, const JobRevocation&) = default;
};

struct SigningJobRecord {
  std::string job_id{};        // UUID v4
  std::string job_owner{};     // account that owns the profile (and so the job)
  std::string job_invoker{};   // account that asked for the signature
  std::string requested_by{};  // principal ARN of the caller (AWS requestedBy)
  // The profile version that signed. CreateJob requires it to exist under job_owner.
  std::string profile_name{};
  std::string profile_version{};
  std::string profile_version_arn{};  // filled by the Store from the profile version
  std::string platform_id{};
  std::string platform_display_name{};
  // StartSigningJob: where the package came from and where the signed one goes.
  std::optional<S3Object> source{};
  std::optional<S3Destination> destination{};
  // SignPayload: the payload that was signed (at most a few KiB).
  std::optional<std::string> payload{};
  JobStatus status = JobStatus::kInProgress;
  std::string status_reason{};
  Timestamp created_at{};
  std::optional<Timestamp> completed_at{};
  std::optional<Timestamp> signature_expires_at{};
  std::optional<S3Object> signed_object{};  // set on success of an S3 job
  std::optional<std::string> client_request_token{};
  std::optional<JobRevocation> revocation{};  // isRevoked == revocation.has_value()
  // Platform-specific facts about the signature, returned with it (SignPayload `metadata`,
  // e.g. the profile version ARN and job ARN the envelope names).
  std::map<std::string, std::string> metadata{};
  friend bool operator==(const SigningJobRecord&, const SigningJobRecord&) = default;
};

// The one transition a job makes after creation: InProgress -> Succeeded | Failed.
struct JobCompletion {
  JobStatus status = JobStatus::kSucceeded;
  std::string status_reason{};
  Timestamp completed_at{};
  std::optional<Timestamp> signature_expires_at{};
  std::optional<S3Object> signed_object{};
  std::map<std::string, std::string> metadata{};  // merged into the job's metadata
};

// Filters of ListSigningJobs; unset fields do not filter. Jobs are listed newest first.
struct SigningJobFilter {
  // Jobs this account owns or invoked: what ListSigningJobs shows a caller across accounts.
  std::optional<std::string> account{};
  std::optional<std::string> job_owner{};
  std::optional<std::string> job_invoker{};  // AWS jobInvoker
  std::optional<JobStatus> status{};
  std::optional<std::string> platform_id{};
  std::optional<std::string> requested_by{};
  std::optional<bool> is_revoked{};
  std::optional<Timestamp> signature_expires_before{};  // strictly before
  std::optional<Timestamp> signature_expires_after{};   // strictly after
};

}  // namespace signet::store
