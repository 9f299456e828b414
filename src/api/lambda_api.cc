#include "api/lambda_api.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/lambda_shapes.h"
#include "api/signer_params.h"
#include "core/encoding.h"

namespace signet::api {
namespace {

using deploy::LambdaError;
using deploy::LambdaErrorCode;
using deploy::LambdaResult;
using deploy::LambdaService;
using Json = nlohmann::json;

// A successful operation: the model's status code and its body (null: none).
struct Reply {
  int status = 200;
  Json body;
};

struct Call {
  LambdaService& service;
  const ApiRequest& request;
  std::vector<std::string> path;  // the URI labels, decoded
};

using Handler = LambdaResult<Reply> (*)(const Call&);

// Lambda's pages: MaxItems 1..`max` (default 50), Marker.
LambdaResult<store::PageRequest> QueryPage(const ApiRequest& request, int max) {
  store::PageRequest page{.max_results = 50, .token = request.Query("Marker").value_or("")};
  if (auto items = request.Query("MaxItems")) {
    char* end = nullptr;
    const long n = std::strtol(items->c_str(), &end, 10);
    if (items->empty() || *end != '\0' || n < 1 || n > max) {
      return params::Violation("maxItems", *items,
                               "Member must have value between 1 and " + std::to_string(max));
    }
    page.max_results = static_cast<int>(n);
  }
  return page;
}

// An optional list of strings (absent: empty, `present` false).
LambdaResult<std::vector<std::string>> StringList(const Json& object, std::string_view member,
                                                  bool* present = nullptr) {
  const std::string key(member.substr(member.rfind('.') + 1));
  if (present) *present = false;
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) {
    return std::vector<std::string>{};
  }
  const Json& value = object[key];
  if (!value.is_array()) return params::Violation(member, value.dump(), "Member must be a list");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) {
      return params::Violation(member, value.dump(), "Member must be a list of strings");
    }
    out.push_back(item.get<std::string>());
  }
  if (present) *present = true;
  return out;
}

LambdaResult<deploy::CodeInput> ParseCode(const Json& code, std::string_view prefix) {
  deploy::CodeInput in;
  const std::string p(prefix);
  SIGNET_ASSIGN_OR_RETURN(std::optional<std::string> zip,
                          params::OptionalString(code, p + "ZipFile"));
  if (zip) {
    Result<std::string> bytes = Base64Decode(*zip);
    if (!bytes.ok()) {
      return LambdaError{LambdaErrorCode::kInvalidParameterValue,
                         "Could not unzip uploaded file. Please check your file, then try to "
                         "upload again. (ZipFile is not base64: " +
                             bytes.status().message() + ")"};
    }
    in.zip_file = std::move(bytes).value();
  }
  SIGNET_ASSIGN_OR_RETURN(in.s3_bucket, params::OptionalString(code, p + "S3Bucket"));
  SIGNET_ASSIGN_OR_RETURN(in.s3_key, params::OptionalString(code, p + "S3Key"));
  SIGNET_ASSIGN_OR_RETURN(in.s3_object_version,
                          params::OptionalString(code, p + "S3ObjectVersion"));
  SIGNET_ASSIGN_OR_RETURN(in.image_uri, params::OptionalString(code, p + "ImageUri"));
  return in;
}

LambdaResult<deploy::CodeSigningConfigInput> ParseConfigInput(const Json& body) {
  deploy::CodeSigningConfigInput in;
  SIGNET_ASSIGN_OR_RETURN(in.description, params::OptionalString(body, "Description"));
  SIGNET_ASSIGN_OR_RETURN(std::optional<Json> publishers,
                          params::OptionalObject(body, "AllowedPublishers"));
  if (publishers) {
    bool present = false;
    SIGNET_ASSIGN_OR_RETURN(
        std::vector<std::string> arns,
        StringList(*publishers, "AllowedPublishers.SigningProfileVersionArns", &present));
    if (!present) return params::Missing("AllowedPublishers.SigningProfileVersionArns");
    in.allowed_profile_version_arns = std::move(arns);
  }
  SIGNET_ASSIGN_OR_RETURN(std::optional<Json> policies,
                          params::OptionalObject(body, "CodeSigningPolicies"));
  if (policies) {
    SIGNET_ASSIGN_OR_RETURN(
        in.untrusted_artifact_on_deployment,
        params::OptionalString(*policies, "CodeSigningPolicies.UntrustedArtifactOnDeployment"));
  }
  return in;
}

Reply ConfigReply(int status, const store::CodeSigningConfigRecord& c) {
  return Reply{status, Json{{"CodeSigningConfig", lambda_shapes::CodeSigningConfig(c)}}};
}

// --- Code signing configs ---

LambdaResult<Reply> CreateCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  SIGNET_ASSIGN_OR_RETURN(deploy::CodeSigningConfigInput in, ParseConfigInput(body));
  if (!in.allowed_profile_version_arns) return params::Missing("AllowedPublishers");
  // Tags (signet:environment among them) exist only at creation in this API subset.
  SIGNET_ASSIGN_OR_RETURN(in.tags, params::StringMap(body, "Tags"));
  SIGNET_ASSIGN_OR_RETURN(auto config, c.service.CreateCodeSigningConfig(c.request.caller, in));
  return ConfigReply(201, config);
}

LambdaResult<Reply> GetCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(auto config, c.service.GetCodeSigningConfig(c.request.caller, c.path[0]));
  return ConfigReply(200, config);
}

LambdaResult<Reply> UpdateCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  SIGNET_ASSIGN_OR_RETURN(deploy::CodeSigningConfigInput in, ParseConfigInput(body));
  SIGNET_ASSIGN_OR_RETURN(auto config,
                          c.service.UpdateCodeSigningConfig(c.request.caller, c.path[0], in));
  return ConfigReply(200, config);
}

LambdaResult<Reply> DeleteCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(auto done,
                          c.service.DeleteCodeSigningConfig(c.request.caller, c.path[0]));
  (void)done;
  return Reply{204, nullptr};
}

LambdaResult<Reply> ListCodeSigningConfigs(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, QueryPage(c.request, store::kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(auto listed, c.service.ListCodeSigningConfigs(c.request.caller, page));
  Json out = {{"CodeSigningConfigs", Json::array()}};
  for (const auto& config : listed.items) {
    out["CodeSigningConfigs"].push_back(lambda_shapes::CodeSigningConfig(config));
  }
  if (!listed.next_token.empty()) out["NextMarker"] = listed.next_token;
  return Reply{200, out};
}

LambdaResult<Reply> ListFunctionsByCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, QueryPage(c.request, store::kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(
      auto listed, c.service.ListFunctionsByCodeSigningConfig(c.request.caller, c.path[0], page));
  Json out = {{"FunctionArns", listed.items}};
  if (!listed.next_token.empty()) out["NextMarker"] = listed.next_token;
  return Reply{200, out};
}

// --- A function's config ---

Reply FunctionConfigReply(const deploy::FunctionCodeSigningConfig& f) {
  return Reply{200, Json{{"CodeSigningConfigArn", f.code_signing_config_arn},
                         {"FunctionName", f.function_name}}};
}

LambdaResult<Reply> PutFunctionCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  SIGNET_ASSIGN_OR_RETURN(std::string arn, params::RequiredString(body, "CodeSigningConfigArn"));
  SIGNET_ASSIGN_OR_RETURN(auto f,
                          c.service.PutFunctionCodeSigningConfig(c.request.caller, c.path[0], arn));
  return FunctionConfigReply(f);
}

LambdaResult<Reply> GetFunctionCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(auto f,
                          c.service.GetFunctionCodeSigningConfig(c.request.caller, c.path[0]));
  return FunctionConfigReply(f);
}

LambdaResult<Reply> DeleteFunctionCodeSigningConfig(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(auto done,
                          c.service.DeleteFunctionCodeSigningConfig(c.request.caller, c.path[0]));
  (void)done;
  return Reply{204, nullptr};
}

// --- Functions ---

LambdaResult<Reply> CreateFunction(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  deploy::CreateFunctionInput in;
  SIGNET_ASSIGN_OR_RETURN(in.function_name, params::RequiredString(body, "FunctionName"));
  SIGNET_ASSIGN_OR_RETURN(in.role, params::RequiredString(body, "Role"));
  SIGNET_ASSIGN_OR_RETURN(std::optional<Json> code, params::OptionalObject(body, "Code"));
  if (!code) return params::Missing("Code");
  SIGNET_ASSIGN_OR_RETURN(in.code, ParseCode(*code, "Code."));
  SIGNET_ASSIGN_OR_RETURN(auto runtime, params::OptionalString(body, "Runtime"));
  SIGNET_ASSIGN_OR_RETURN(auto handler, params::OptionalString(body, "Handler"));
  SIGNET_ASSIGN_OR_RETURN(auto description, params::OptionalString(body, "Description"));
  SIGNET_ASSIGN_OR_RETURN(auto package_type, params::OptionalString(body, "PackageType"));
  in.runtime = runtime.value_or("");
  in.handler = handler.value_or("");
  in.description = description.value_or("");
  in.package_type = package_type.value_or("Zip");
  SIGNET_RETURN_IF_ERROR(params::CheckLength(in.description, "description", 0, 256));
  SIGNET_ASSIGN_OR_RETURN(in.timeout_seconds, params::OptionalInteger(body, "Timeout"));
  SIGNET_ASSIGN_OR_RETURN(in.memory_size_mb, params::OptionalInteger(body, "MemorySize"));
  bool has_architectures = false;
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> architectures,
                          StringList(body, "Architectures", &has_architectures));
  if (has_architectures) {
    if (architectures.size() != 1) {
      return params::Violation("architectures", body["Architectures"].dump(),
                               "Member must have length less than or equal to 1");
    }
    in.architecture = architectures[0];
  }
  SIGNET_ASSIGN_OR_RETURN(in.layers, StringList(body, "Layers"));
  SIGNET_ASSIGN_OR_RETURN(in.code_signing_config_arn,
                          params::OptionalString(body, "CodeSigningConfigArn"));
  SIGNET_ASSIGN_OR_RETURN(auto f, c.service.CreateFunction(c.request.caller, in));
  return Reply{201, lambda_shapes::FunctionConfiguration(f)};
}

LambdaResult<Reply> UpdateFunctionCode(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  deploy::UpdateFunctionCodeInput in;
  in.function_name = c.path[0];
  SIGNET_ASSIGN_OR_RETURN(in.code, ParseCode(body, ""));
  SIGNET_ASSIGN_OR_RETURN(in.revision_id, params::OptionalString(body, "RevisionId"));
  if (body.contains("DryRun") && body["DryRun"].is_boolean())
    in.dry_run = body["DryRun"].get<bool>();
  SIGNET_ASSIGN_OR_RETURN(auto f, c.service.UpdateFunctionCode(c.request.caller, in));
  return Reply{200, lambda_shapes::FunctionConfiguration(f)};
}

LambdaResult<Reply> GetFunction(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(
      auto f, c.service.GetFunction(c.request.caller, c.path[0], c.request.Query("Qualifier")));
  return Reply{200, lambda_shapes::GetFunctionResponse(f)};
}

LambdaResult<Reply> GetFunctionConfiguration(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(
      auto f, c.service.GetFunction(c.request.caller, c.path[0], c.request.Query("Qualifier")));
  return Reply{200, lambda_shapes::FunctionConfiguration(f)};
}

LambdaResult<Reply> DeleteFunction(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(auto done, c.service.DeleteFunction(c.request.caller, c.path[0],
                                                              c.request.Query("Qualifier")));
  (void)done;
  return Reply{204, nullptr};
}

LambdaResult<Reply> ListFunctions(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, QueryPage(c.request, store::kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(auto listed, c.service.ListFunctions(c.request.caller, page));
  Json out = {{"Functions", Json::array()}};
  for (const auto& f : listed.items) {
    out["Functions"].push_back(lambda_shapes::FunctionConfiguration(f));
  }
  if (!listed.next_token.empty()) out["NextMarker"] = listed.next_token;
  return Reply{200, out};
}

// --- Layers ---

LambdaResult<Reply> PublishLayerVersion(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(Json body, params::ParseBody(c.request.body));
  deploy::PublishLayerVersionInput in;
  in.layer_name = c.path[0];
  SIGNET_ASSIGN_OR_RETURN(std::optional<Json> content, params::OptionalObject(body, "Content"));
  if (!content) return params::Missing("Content");
  SIGNET_ASSIGN_OR_RETURN(in.content, ParseCode(*content, "Content."));
  SIGNET_ASSIGN_OR_RETURN(auto description, params::OptionalString(body, "Description"));
  SIGNET_ASSIGN_OR_RETURN(auto license, params::OptionalString(body, "LicenseInfo"));
  in.description = description.value_or("");
  in.license_info = license.value_or("");
  SIGNET_RETURN_IF_ERROR(params::CheckLength(in.description, "description", 0, 256));
  SIGNET_RETURN_IF_ERROR(params::CheckLength(in.license_info, "licenseInfo", 0, 512));
  SIGNET_ASSIGN_OR_RETURN(in.compatible_runtimes, StringList(body, "CompatibleRuntimes"));
  SIGNET_ASSIGN_OR_RETURN(in.compatible_architectures, StringList(body, "CompatibleArchitectures"));
  SIGNET_ASSIGN_OR_RETURN(auto layer, c.service.PublishLayerVersion(c.request.caller, in));
  return Reply{201, lambda_shapes::LayerVersion(layer)};
}

LambdaResult<Reply> GetLayerVersion(const Call& c) {
  char* end = nullptr;
  const long long version = std::strtoll(c.path[1].c_str(), &end, 10);
  if (c.path[1].empty() || *end != '\0' || version < 1) {
    return params::Violation("versionNumber", c.path[1], "Member must be a positive integer");
  }
  SIGNET_ASSIGN_OR_RETURN(auto layer,
                          c.service.GetLayerVersion(c.request.caller, c.path[0], version));
  return Reply{200, lambda_shapes::LayerVersion(layer)};
}

LambdaResult<Reply> ListLayerVersions(const Call& c) {
  SIGNET_ASSIGN_OR_RETURN(store::PageRequest page, QueryPage(c.request, 50));
  SIGNET_ASSIGN_OR_RETURN(auto listed,
                          c.service.ListLayerVersions(c.request.caller, c.path[0], page));
  Json out = {{"LayerVersions", Json::array()}};
  for (const auto& layer : listed.items) {
    out["LayerVersions"].push_back(lambda_shapes::LayerVersionsListItem(layer));
  }
  if (!listed.next_token.empty()) out["NextMarker"] = listed.next_token;
  return Reply{200, out};
}

// --- Routing ---

struct Route {
  Handler handler = nullptr;
  std::string_view name;
  std::vector<std::string> path;
  bool known_path = false;
};

struct Candidate {
  std::string_view method;
  std::string_view name;
  Handler handler;
};

#define SIGNET_LAMBDA_OP(method, name) \
  Candidate { method, #name, &name }

Route Match(std::string_view method, std::vector<std::string> path,
            std::initializer_list<Candidate> candidates) {
  Route route;
  route.known_path = true;
  route.path = std::move(path);
  for (const Candidate& c : candidates) {
    if (c.method == method) {
      route.handler = c.handler;
      route.name = c.name;
    }
  }
  return route;
}

// The request URIs of the model, by version prefix.
Route Resolve(std::string_view method, const std::vector<std::string>& s) {
  const size_t n = s.size();
  if (n < 2) return {};
  if (s[0] == "2020-04-22" && s[1] == "code-signing-configs") {
    if (n == 2) {
      return Match(method, {},
                   {SIGNET_LAMBDA_OP("POST", CreateCodeSigningConfig),
                    SIGNET_LAMBDA_OP("GET", ListCodeSigningConfigs)});
    }
    if (n == 3) {
      return Match(method, {s[2]},
                   {SIGNET_LAMBDA_OP("GET", GetCodeSigningConfig),
                    SIGNET_LAMBDA_OP("PUT", UpdateCodeSigningConfig),
                    SIGNET_LAMBDA_OP("DELETE", DeleteCodeSigningConfig)});
    }
    if (n == 4 && s[3] == "functions") {
      return Match(method, {s[2]}, {SIGNET_LAMBDA_OP("GET", ListFunctionsByCodeSigningConfig)});
    }
  } else if (s[0] == "2020-06-30" && s[1] == "functions" && n == 4 &&
             s[3] == "code-signing-config") {
    return Match(method, {s[2]},
                 {SIGNET_LAMBDA_OP("PUT", PutFunctionCodeSigningConfig),
                  SIGNET_LAMBDA_OP("GET", GetFunctionCodeSigningConfig),
                  SIGNET_LAMBDA_OP("DELETE", DeleteFunctionCodeSigningConfig)});
  } else if (s[0] == "2015-03-31" && s[1] == "functions") {
    if (n == 2) {
      return Match(
          method, {},
          {SIGNET_LAMBDA_OP("POST", CreateFunction), SIGNET_LAMBDA_OP("GET", ListFunctions)});
    }
    if (n == 3) {
      return Match(
          method, {s[2]},
          {SIGNET_LAMBDA_OP("GET", GetFunction), SIGNET_LAMBDA_OP("DELETE", DeleteFunction)});
    }
    if (n == 4 && s[3] == "configuration") {
      return Match(method, {s[2]}, {SIGNET_LAMBDA_OP("GET", GetFunctionConfiguration)});
    }
    if (n == 4 && s[3] == "code") {
      return Match(method, {s[2]}, {SIGNET_LAMBDA_OP("PUT", UpdateFunctionCode)});
    }
  } else if (s[0] == "2018-10-31" && s[1] == "layers" && n >= 4 && s[3] == "versions") {
    if (n == 4) {
      return Match(method, {s[2]},
                   {SIGNET_LAMBDA_OP("POST", PublishLayerVersion),
                    SIGNET_LAMBDA_OP("GET", ListLayerVersions)});
    }
    if (n == 5) return Match(method, {s[2], s[4]}, {SIGNET_LAMBDA_OP("GET", GetLayerVersion)});
  }
  return {};
}

#undef SIGNET_LAMBDA_OP

// Lambda's error shape: x-amzn-ErrorType, {"Type", "message"|"Message"} as the shape names it.
ApiResponse LambdaErrorResponse(const LambdaError& error) {
  const std::string_view name = deploy::LambdaErrorName(error.code);
  const int status = deploy::LambdaErrorHttpStatus(error.code);
  const bool lower = error.code == LambdaErrorCode::kInvalidParameterValue ||
                     error.code == LambdaErrorCode::kResourceConflict ||
                     error.code == LambdaErrorCode::kPreconditionFailed ||
                     error.code == LambdaErrorCode::kTooManyRequests ||
                     error.code == LambdaErrorCode::kRequestTooLarge;
  ApiResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.SetHeader("x-amzn-ErrorType", std::string(name));
  Json body = {{"Type", status >= 500 ? "Service" : "User"},
               {lower ? "message" : "Message", error.message}};
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

}  // namespace

ApiResponse LambdaApi::Handle(const ApiRequest& request) {
  auto segments = PathSegments(request.raw_path.empty() ? request.path : request.raw_path);
  if (!segments) {
    return LambdaErrorResponse(
        {LambdaErrorCode::kInvalidParameterValue, "malformed percent-encoding in the path"});
  }
  Route route = Resolve(request.method, *segments);
  if (route.handler == nullptr) {
    ApiResponse response =
        LambdaErrorResponse({LambdaErrorCode::kResourceNotFound,
                             (route.known_path ? "method " + request.method + " is not allowed on "
                                               : "no Lambda operation at " + request.method + " ") +
                                 request.raw_path});
    if (route.known_path) response.status = 405;
    return response;
  }
  try {
    LambdaResult<Reply> reply = route.handler(Call{service_, request, std::move(route.path)});
    if (!reply.ok()) {
      ApiResponse error = LambdaErrorResponse(reply.error());
      error.operation = std::string(route.name);
      return error;
    }
    ApiResponse response;
    response.operation = std::string(route.name);
    response.status = reply->status;
    response.content_type = "application/json";
    if (!reply->body.is_null()) {
      response.body = reply->body.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    return response;
  } catch (const std::exception& e) {
    spdlog::error("lambda {} failed: {}", route.name, e.what());
    return LambdaErrorResponse(
        {LambdaErrorCode::kService, "An internal error occurred; try again later."});
  }
}

}  // namespace signet::api
