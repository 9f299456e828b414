#include "deploy/lambda_error.h"

#include <spdlog/spdlog.h>

namespace signet::deploy {

std::string_view LambdaErrorName(LambdaErrorCode code) {
  switch (code) {
    case LambdaErrorCode::kInvalidParameterValue:
      return "InvalidParameterValueException";
    case LambdaErrorCode::kResourceNotFound:
      return "ResourceNotFoundException";
    case LambdaErrorCode::kResourceConflict:
      return "ResourceConflictException";
    case LambdaErrorCode::kCodeSigningConfigNotFound:
      return "CodeSigningConfigNotFoundException";
    case LambdaErrorCode::kCodeVerificationFailed:
      return "CodeVerificationFailedException";
    case LambdaErrorCode::kInvalidCodeSignature:
      return "InvalidCodeSignatureException";
    case LambdaErrorCode::kAccessDenied:
      return "AccessDeniedException";
    case LambdaErrorCode::kPreconditionFailed:
      return "PreconditionFailedException";
    case LambdaErrorCode::kRequestTooLarge:
      return "RequestTooLargeException";
    case LambdaErrorCode::kTooManyRequests:
      return "TooManyRequestsException";
    case LambdaErrorCode::kService:
      break;
  }
  return "ServiceException";
}

int LambdaErrorHttpStatus(LambdaErrorCode code) {
  switch (code) {
    case LambdaErrorCode::kInvalidParameterValue:
    case LambdaErrorCode::kCodeVerificationFailed:
    case LambdaErrorCode::kInvalidCodeSignature:
      return 400;
    case LambdaErrorCode::kResourceNotFound:
    case LambdaErrorCode::kCodeSigningConfigNotFound:
      return 404;
    case LambdaErrorCode::kResourceConflict:
      return 409;
    case LambdaErrorCode::kAccessDenied:
      return 403;
    case LambdaErrorCode::kPreconditionFailed:
      return 412;
    case LambdaErrorCode::kRequestTooLarge:
      return 413;
    case LambdaErrorCode::kTooManyRequests:
      return 429;
    case LambdaErrorCode::kService:
      break;
  }
  return 500;
}

LambdaError LambdaError::FromStatus(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
      return {LambdaErrorCode::kInvalidParameterValue, status.message()};
    case ErrorCode::kNotFound:
      return {LambdaErrorCode::kResourceNotFound, status.message()};
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return {LambdaErrorCode::kResourceConflict, status.message()};
    case ErrorCode::kPermissionDenied:
      return {LambdaErrorCode::kAccessDenied, status.message()};
    case ErrorCode::kUnavailable:
    case ErrorCode::kResourceExhausted:
      return {LambdaErrorCode::kTooManyRequests, status.message()};
    case ErrorCode::kOk:
    case ErrorCode::kInternal:
      break;
  }
  spdlog::error("lambda: internal error: {}", status.ToString());
  return {LambdaErrorCode::kService, "An internal error occurred; try again later."};
}

}  // namespace signet::deploy
