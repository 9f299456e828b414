// LambdaError and LambdaResult<T>: how the Lambda operations fail, in Lambda's own vocabulary.
//
// Lambda distinguishes failures that signet's ErrorCode cannot (a code signature that fails its
// integrity check vs. one that fails the config's policy; a missing code signing config vs. a
// missing function), and clients branch on the exception name. So the deploy module names the
// Lambda exception itself; the API layer only maps each to its HTTP status. A Status converts
// with the usual mapping, so SIGNET_RETURN_IF_ERROR and SIGNET_ASSIGN_OR_RETURN work in
// functions returning a LambdaResult.
//
// Plain values; safe to copy and share.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/status.h"

namespace signet::deploy {

enum class LambdaErrorCode {
  kInvalidParameterValue,      // 400
  kResourceNotFound,           // 404
  kResourceConflict,           // 409
  kCodeSigningConfigNotFound,  // 404
  kCodeVerificationFailed,     // 400: a check failed under Enforce
  kInvalidCodeSignature,       // 400: the integrity check failed (Warn and Enforce)
  kAccessDenied,               // 403
  kPreconditionFailed,         // 412: stale RevisionId
  kRequestTooLarge,            // 413
  kTooManyRequests,            // 429
  kService,                    // 500
};

// "InvalidParameterValueException", ... (the exception's shape name in the Lambda model).
std::string_view LambdaErrorName(LambdaErrorCode code);
int LambdaErrorHttpStatus(LambdaErrorCode code);

struct LambdaError {
  LambdaErrorCode code = LambdaErrorCode::kService;
  std::string message;

  // kInvalidArgument → InvalidParameterValue, kNotFound → ResourceNotFound, kAlreadyExists and
  // kFailedPrecondition → ResourceConflict, kPermissionDenied → AccessDenied, kUnavailable →
  // TooManyRequests, anything else → Service (with a generic message; the detail is logged).
  static LambdaError FromStatus(const Status& status);
};

template <typename T>
class [[nodiscard]] LambdaResult {
 public:
  LambdaResult(T value) : v_(std::move(value)) {}                              // NOLINT
  LambdaResult(LambdaError error) : v_(std::move(error)) {}                    // NOLINT
  LambdaResult(const Status& status) : v_(LambdaError::FromStatus(status)) {}  // NOLINT
  LambdaResult(Result<T> result)                                               // NOLINT
      : v_(result.ok() ? std::variant<T, LambdaError>(std::move(result).value())
                       : std::variant<T, LambdaError>(LambdaError::FromStatus(result.status()))) {}

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const LambdaError& error() const { return std::get<1>(v_); }
  // For SIGNET_ASSIGN_OR_RETURN in functions returning another LambdaResult.
  const LambdaError& status() const { return error(); }

 private:
  std::variant<T, LambdaError> v_;
};

using LambdaStatus = LambdaResult<std::monostate>;
inline LambdaStatus LambdaOk() { return std::monostate{}; }

}  // namespace signet::deploy
