#include "api/signer_api.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/aws_error.h"
#include "api/signer_operations.h"
#include "api/signer_shapes.h"

namespace signet::api {
namespace {

using operations::Call;
using operations::Json;
using Handler = Result<Json> (*)(const Call&);
using RawHandler = Result<ApiResponse> (*)(const Call&);

// Which exceptions an operation's model lists for client errors.
enum class ErrorModel {
  kSigner,          // ValidationException, ResourceNotFoundException, AccessDeniedException
  kSignerConflict,  // the same, plus ConflictException (the permission operations)
  kTagging,         // BadRequestException, NotFoundException
};

struct Operation {
  std::string_view name;
  Handler handler = nullptr;
  ErrorModel errors = ErrorModel::kSigner;
  RawHandler raw_handler = nullptr;  // instead of `handler`: answers a whole response
};

#define SIGNET_OPERATION(name, errors) \
  Operation { #name, &operations::name, ErrorModel::errors }

// The outcome of routing: an operation with its decoded path parameters, or why there is none.
struct Route {
  std::optional<Operation> operation;
  std::vector<std::string> path;
  bool known_path = false;  // the path exists, but not with this method
  std::vector<std::string_view> allowed_methods;
};

// Matches one (method, operation) pair of a path.
struct MethodOperation {
  std::string_view method;
  Operation operation;
};

Route Match(std::string_view method, const std::vector<MethodOperation>& candidates,
            std::vector<std::string> path) {
  Route route;
  route.known_path = true;
  route.path = std::move(path);
  for (const MethodOperation& c : candidates) {
    route.allowed_methods.push_back(c.method);
    if (c.method == method) route.operation = c.operation;
  }
  return route;
}

// The Signer API's routes (service-2.json requestUri of each operation, and GetRevocationStatus
// of signer-data at /revocations, whatever the Host).
Route Resolve(std::string_view method, const std::vector<std::string>& s) {
  const size_t n = s.size();
  if (n == 0) return {};
  if (s[0] == "signing-profiles") {
    if (n == 1) return Match(method, {{"GET", SIGNET_OPERATION(ListSigningProfiles, kSigner)}}, {});
    if (n == 2) {
      return Match(method,
                   {{"GET", SIGNET_OPERATION(GetSigningProfile, kSigner)},
                    {"PUT", SIGNET_OPERATION(PutSigningProfile, kSigner)},
                    {"DELETE", SIGNET_OPERATION(CancelSigningProfile, kSigner)}},
                   {s[1]});
    }
    if (n == 3 && s[2] == "permissions") {
      return Match(method,
                   {{"GET", SIGNET_OPERATION(ListProfilePermissions, kSigner)},
                    {"POST", SIGNET_OPERATION(AddProfilePermission, kSignerConflict)}},
                   {s[1]});
    }
    if (n == 3 && s[2] == "revoke") {
      return Match(method, {{"PUT", SIGNET_OPERATION(RevokeSigningProfile, kSigner)}}, {s[1]});
    }
    if (n == 4 && s[2] == "permissions") {
      return Match(method, {{"DELETE", SIGNET_OPERATION(RemoveProfilePermission, kSignerConflict)}},
                   {s[1], s[3]});
    }
  } else if (s[0] == "signing-jobs") {
    if (n == 1) {
      return Match(method,
                   {{"GET", SIGNET_OPERATION(ListSigningJobs, kSigner)},
                    {"POST", SIGNET_OPERATION(StartSigningJob, kSigner)}},
                   {});
    }
    if (n == 2 && s[1] == "with-payload") {
      return Match(method,
                   {{"POST", Operation{"SignPayload", nullptr, ErrorModel::kSigner,
                                       &operations::SignPayload}},
                    {"GET", SIGNET_OPERATION(DescribeSigningJob, kSigner)}},
                   {s[1]});
    }
    if (n == 2 && s[1] == "package") {
      return Match(method,
                   {{"POST", Operation{"SignPackage", nullptr, ErrorModel::kSigner,
                                       &operations::SignPackage}},
                    {"GET", SIGNET_OPERATION(DescribeSigningJob, kSigner)}},
                   {s[1]});
    }
    if (n == 2) {
      return Match(method, {{"GET", SIGNET_OPERATION(DescribeSigningJob, kSigner)}}, {s[1]});
    }
    if (n == 3 && s[2] == "revoke") {
      return Match(method, {{"PUT", SIGNET_OPERATION(RevokeSignature, kSigner)}}, {s[1]});
    }
  } else if (s[0] == "signing-platforms") {
    if (n == 1) {
      return Match(method, {{"GET", SIGNET_OPERATION(ListSigningPlatforms, kSigner)}}, {});
    }
    if (n == 2) {
      return Match(method, {{"GET", SIGNET_OPERATION(GetSigningPlatform, kSigner)}}, {s[1]});
    }
  } else if (s[0] == "tags" && n >= 2) {
    // The ARN is one percent-encoded segment (its '/' sent as %2F); a client that leaves the
    // slashes unencoded splits it, so the remaining segments are joined back.
    std::string arn = s[1];
    for (size_t i = 2; i < n; ++i) arn += "/" + s[i];
    return Match(method,
                 {{"GET", SIGNET_OPERATION(ListTagsForResource, kTagging)},
                  {"POST", SIGNET_OPERATION(TagResource, kTagging)},
                  {"DELETE", SIGNET_OPERATION(UntagResource, kTagging)}},
                 {std::move(arn)});
  } else if (s[0] == "trust-anchor" && n == 1) {
    return Match(method, {{"GET", SIGNET_OPERATION(GetTrustAnchor, kSigner)}}, {});
  } else if (s[0] == "revocations" && n == 1) {
    return Match(method, {{"GET", SIGNET_OPERATION(GetRevocationStatus, kSigner)}}, {});
  }
  return {};
}

#undef SIGNET_OPERATION

// The AWS error of a failed operation, in the exception names its model lists.
AwsError ErrorFor(const Operation& operation, const Status& status) {
  if (operation.errors == ErrorModel::kTagging) {
    switch (status.code()) {
      case ErrorCode::kInvalidArgument:
      case ErrorCode::kFailedPrecondition:
      case ErrorCode::kAlreadyExists:
        return {400, "BadRequestException", status.message()};
      case ErrorCode::kNotFound:
        return {404, "NotFoundException", status.message()};
      default:
        return AwsErrorFromStatus(status);
    }
  }
  AwsError error = AwsErrorFromStatus(status);
  // Only the permission operations model ConflictException; elsewhere a request that the
  // resource's state refuses is a ValidationException, as AWS answers it.
  if (error.http_status == 409 && operation.errors != ErrorModel::kSignerConflict) {
    return ValidationError(status.message());
  }
  return error;
}

ApiResponse JsonResponse(const Json& body) {
  ApiResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = shapes::Dump(body);
  return response;
}

}  // namespace

ApiResponse SignerApi::Handle(const ApiRequest& request) {
  // A caller that filled only raw_query still gets its parameters.
  std::optional<ApiRequest> with_query;
  if (request.query.empty() && !request.raw_query.empty()) {
    auto parsed = ParseQuery(request.raw_query);
    if (!parsed) {
      return JsonErrorResponse(ValidationError("malformed percent-encoding in the query string"));
    }
    with_query = request;
    with_query->query = std::move(*parsed);
  }
  const ApiRequest& req = with_query ? *with_query : request;

  auto segments = PathSegments(req.raw_path.empty() ? req.path : req.raw_path);
  if (!segments) {
    return JsonErrorResponse(ValidationError("malformed percent-encoding in the path"));
  }
  Route route = Resolve(req.method, *segments);
  if (!route.operation) {
    if (!route.known_path) {
      return JsonErrorResponse({404, "UnknownOperationException",
                                "no Signer operation at " + req.method + " " +
                                    (req.raw_path.empty() ? req.path : req.raw_path)});
    }
    std::string allowed;
    for (std::string_view m : route.allowed_methods) {
      allowed += allowed.empty() ? "" : ", ";
      allowed += m;
    }
    ApiResponse response = JsonErrorResponse(
        {405, "MethodNotAllowedException",
         "method " + req.method + " is not allowed on this resource; allowed: " + allowed});
    response.SetHeader("Allow", allowed);
    return response;
  }

  const Operation& operation = *route.operation;
  std::vector<std::pair<std::string, std::string>> extra_headers;
  Call call{service_, req, std::move(route.path), work_dir_, &extra_headers};
  try {
    Status status;
    ApiResponse response;
    if (operation.raw_handler != nullptr) {
      Result<ApiResponse> raw = operation.raw_handler(call);
      status = raw.status();
      response = raw.ok() ? std::move(raw).value() : JsonErrorResponse(ErrorFor(operation, status));
    } else {
      Result<Json> result = operation.handler(call);
      status = result.status();
      response = result.ok() ? JsonResponse(*result) : JsonErrorResponse(ErrorFor(operation, status));
    }
    for (auto& [name, value] : extra_headers) response.SetHeader(name, std::move(value));
    response.operation = std::string(operation.name);
    return response;
  } catch (const nlohmann::json::exception& e) {
    // Readers check types before converting, so this is a bug; still the caller's input.
    return JsonErrorResponse(
        ErrorFor(operation, InvalidArgumentError(std::string("invalid request: ") + e.what())));
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", operation.name, e.what());
    return JsonErrorResponse(InternalError("An internal error occurred; try again later."));
  }
}

}  // namespace signet::api
