// Status and Result<T>: errors as values at module edges.
//
// Every fallible function that crosses a module boundary returns a Status or a Result<T>; both
// are [[nodiscard]]. The ErrorCode vocabulary is the only one in signet: the API layer maps it to
// AWS errors, the admission webhook to allow/deny. Messages are written for the user who has to
// act on them ("certificate chain is out of order: x5c[1] did not issue x5c[0]"), never contain
// secret material, and are safe to log.
//
// Thread-safety: immutable values, safe to share once built.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace signet {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that exists (AWS: ConflictException)
  kPermissionDenied,    // authenticated but not allowed
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kUnavailable,         // could not complete now (network, dependency down); may be retried
  kResourceExhausted,   // a quota or budget is used up (AWS: ServiceLimitExceededException)
  kInternal,            // a bug or an invariant broken; never caused by user input alone
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status FailedPreconditionError(std::string message);
Status UnavailableError(std::string message);
Status ResourceExhaustedError(std::string message);
Status InternalError(std::string message);

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status(ErrorCode::kInternal, "Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // Precondition: ok(). Accessing the value of an error is a bug and aborts.
  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Checked(); }

 private:
  T& Checked();

  std::optional<T> value_;
  Status status_;
};

[[noreturn]] void AbortOnBadResultAccess(const Status& status);

template <typename T>
T& Result<T>::Checked() {
  if (!value_) AbortOnBadResultAccess(status_);
  return *value_;
}

}  // namespace signet

#define SIGNET_CONCAT_INNER_(a, b) a##b
#define SIGNET_CONCAT_(a, b) SIGNET_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not OK.
#define SIGNET_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::signet::Status signet_status_ = (expr);        \
    if (!signet_status_.ok()) return signet_status_; \
  } while (0)

// SIGNET_ASSIGN_OR_RETURN(auto x, Foo()): declares x from a Result, or returns its Status.
#define SIGNET_ASSIGN_OR_RETURN(lhs, expr) \
  SIGNET_ASSIGN_OR_RETURN_IMPL_(SIGNET_CONCAT_(signet_result_, __LINE__), lhs, expr)
// NOLINTNEXTLINE(bugprone-macro-parentheses): lhs is a declaration, it cannot be parenthesised.
#define SIGNET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
