#include "api/aws_error.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace signet::api {

AwsError ValidationError(std::string message) {
  return {400, "ValidationException", std::move(message)};
}

AwsError ResourceNotFound(std::string message) {
  return {404, "ResourceNotFoundException", std::move(message)};
}

AwsError AccessDenied(std::string message) {
  return {403, "AccessDeniedException", std::move(message)};
}

AwsError InternalError(std::string message) {
  return {500, "InternalServiceErrorException", std::move(message)};
}

ApiResponse JsonErrorResponse(const AwsError& error) {
  ApiResponse response;
  response.status = error.http_status;
  response.content_type = "application/json";
  response.SetHeader("x-amzn-ErrorType", error.code);
  nlohmann::json body = {{"message", error.message}, {"code", error.code}};
  // Messages may quote caller input that is not UTF-8; replace rather than throw.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

AwsError AwsErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
      return ValidationError(status.message());
    case ErrorCode::kNotFound:
      return ResourceNotFound(status.message());
    case ErrorCode::kPermissionDenied:
      return AccessDenied(status.message());
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAlreadyExists:
      return {409, "ConflictException", status.message()};
    case ErrorCode::kUnavailable:
      return {429, "TooManyRequestsException", status.message()};
    case ErrorCode::kResourceExhausted:
      return {402, "ServiceLimitExceededException", status.message()};
    case ErrorCode::kOk:
    case ErrorCode::kInternal:
      break;
  }
  spdlog::error("internal error: {}", status.ToString());
  return InternalError("An internal error occurred; try again later.");
}

}  // namespace signet::api
