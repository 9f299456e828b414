// AwsError: an error as an AWS JSON (rest-json) service returns it.
//
//   HTTP status, header x-amzn-ErrorType: <Code>, body {"message": "...", "code": "<Code>"}
//
// botocore and the JS SDK read the code from x-amzn-ErrorType (before any ':'), then from the
// body's "code"/"__type". Every response, errors included, carries x-amzn-RequestId.
#pragma once

#include <string>
#include <string_view>

#include "api/http_message.h"
#include "core/status.h"

namespace signet::api {

struct AwsError {
  int http_status = 400;
  std::string code;  // e.g. "ValidationException"
  std::string message;
};

AwsError ValidationError(std::string message);             // 400 ValidationException
AwsError ResourceNotFound(std::string message);            // 404 ResourceNotFoundException
AwsError AccessDenied(std::string message);                // 403 AccessDeniedException
AwsError InternalError(std::string message);               // 500 InternalServiceErrorException

// The JSON error response (rest-json / rest-json-1.1 shape above).
ApiResponse JsonErrorResponse(const AwsError& error);

// The AWS error for a Status from the domain: InvalidArgument → ValidationException 400,
// NotFound → ResourceNotFoundException 404, PermissionDenied → AccessDeniedException 403,
// FailedPrecondition and AlreadyExists → ConflictException 409, Unavailable →
// TooManyRequestsException 429, ResourceExhausted → ServiceLimitExceededException 402 (the
// Signer model's status for it), anything else → InternalServiceErrorException 500 (with a
// generic message; the detail is logged, not returned).
AwsError AwsErrorFromStatus(const Status& status);

}  // namespace signet::api
