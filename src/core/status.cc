#include "core/status.h"

#include <cstdio>
#include <cstdlib>

namespace signet {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

Status::Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
  if (code_ == ErrorCode::kOk) message_.clear();
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

Status InvalidArgumentError(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
Status NotFoundError(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
Status AlreadyExistsError(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
Status PermissionDeniedError(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
Status FailedPreconditionError(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
Status UnavailableError(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
Status ResourceExhaustedError(std::string m) {
  return {ErrorCode::kResourceExhausted, std::move(m)};
}
Status InternalError(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

void AbortOnBadResultAccess(const Status& status) {
  std::fprintf(stderr, "signet: value() of a failed Result: %s\n", status.ToString().c_str());
  std::abort();
}

}  // namespace signet
