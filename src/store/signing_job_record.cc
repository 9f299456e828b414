#include "store/signing_job_record.h"

#include <string>

namespace signet::store {

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kInProgress:
      return "InProgress";
    case JobStatus::kFailed:
      return "Failed";
    case JobStatus::kSucceeded:
      return "Succeeded";
  }
  return "Unknown";
}

Result<JobStatus> ParseJobStatus(std::string_view name) {
  for (JobStatus s : {JobStatus::kInProgress, JobStatus::kFailed, JobStatus::kSucceeded}) {
    if (name == JobStatusName(s)) return s;
  }
  return InvalidArgumentError("unknown signing job status \"" + std::string(name) +
                              "\"; expected InProgress, Failed or Succeeded");
}

}  // namespace signet::store
