// LambdaService: configs, a function's config, the deploy gate, and the shared helpers.
// Functions and layers: lambda_functions.cc.
#include "deploy/lambda_service.h"

#include <spdlog/spdlog.h>

#include "core/file.h"
#include "core/ids.h"
#include "core/signet_metrics.h"
#include "deploy/code_signing_config.h"

namespace signet::deploy {
namespace {

LambdaError Error(LambdaErrorCode code, std::string message) { return {code, std::move(message)}; }

bool IsValidResourceName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

LambdaService::LambdaService(store::Store& store, store::BucketStore* buckets,
                             const PackageVerifier& verifier, LambdaOptions options)
    : store_(store), buckets_(buckets), verifier_(verifier), options_(std::move(options)) {}

ArnScope LambdaService::ScopeFor(std::string_view account) const {
  return ArnScope{options_.partition, options_.region, std::string(account)};
}

std::string LambdaService::FunctionArn(std::string_view account, std::string_view name) const {
  return LambdaResourceArn{ScopeFor(account), LambdaResourceKind::kFunction, std::string(name),
                           std::nullopt}
      .ToString();
}

LambdaResult<std::string> LambdaService::ResolveFunctionName(
    const signer::Caller& caller, std::string_view function_name,
    const std::optional<std::string>& qualifier) const {
  std::string name;
  std::optional<std::string> arn_qualifier;
  std::string account = caller.account;
  if (function_name.rfind("arn:", 0) == 0) {
    Result<LambdaResourceArn> arn = ParseLambdaResourceArn(function_name);
    if (!arn.ok() || arn->kind != LambdaResourceKind::kFunction) {
      return Error(LambdaErrorCode::kInvalidParameterValue,
                   "Function name " + std::string(function_name) + " is not valid" +
                       (arn.ok() ? "" : ": " + arn.status().message()));
    }
    account = arn->scope.account;
    name = arn->name;
    arn_qualifier = arn->qualifier;
  } else {
    // name, name:qualifier, account:function:name[:qualifier]
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      const size_t colon = function_name.find(':', start);
      parts.emplace_back(function_name.substr(start, colon - start));
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (parts.size() >= 3 && parts[1] == "function") {
      account = parts[0];
      name = parts[2];
      if (parts.size() == 4) arn_qualifier = parts[3];
      if (parts.size() > 4) name.clear();
    } else if (parts.size() <= 2) {
      name = parts[0];
      if (parts.size() == 2) arn_qualifier = parts[1];
    }
  }
  if (!IsValidResourceName(name)) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "1 validation error detected: Value '" + std::string(function_name) +
                     "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                     "regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}"
                     "(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)"
                     "(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  }
  if (account != caller.account) {
    return Error(LambdaErrorCode::kAccessDenied, "User: " + caller.principal_arn +
                                                     " is not authorized to access function " +
                                                     FunctionArn(account, name));
  }
  if (qualifier && arn_qualifier && *qualifier != *arn_qualifier) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "The derived qualifier from the function name does not match the specified "
                 "qualifier.");
  }
  const std::optional<std::string>& q = qualifier ? qualifier : arn_qualifier;
  if (q && *q != "$LATEST") {
    // signet keeps $LATEST only: no published versions or aliases.
    return Error(LambdaErrorCode::kResourceNotFound,
                 "Function not found: " + FunctionArn(account, name) + ":" + *q);
  }
  return name;
}

LambdaResult<std::string> LambdaService::ResolveLayerName(const signer::Caller& caller,
                                                          std::string_view layer_name) const {
  std::string name(layer_name);
  if (layer_name.rfind("arn:", 0) == 0) {
    Result<LambdaResourceArn> arn = ParseLambdaResourceArn(layer_name);
    if (!arn.ok() || arn->kind != LambdaResourceKind::kLayer || arn->qualifier) {
      return Error(LambdaErrorCode::kInvalidParameterValue,
                   "Layer name " + std::string(layer_name) + " is not valid");
    }
    if (arn->scope.account != caller.account) {
      return Error(LambdaErrorCode::kAccessDenied, "User: " + caller.principal_arn +
                                                       " is not authorized to access layer " +
                                                       std::string(layer_name));
    }
    name = arn->name;
  }
  if (!IsValidResourceName(name)) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "1 validation error detected: Value '" + std::string(layer_name) +
                     "' at 'layerName' failed to satisfy constraint: Member must satisfy "
                     "regular expression pattern: [a-zA-Z0-9-_]+");
  }
  return name;
}

LambdaResult<store::CodeSigningConfigRecord> LambdaService::FindConfig(const signer::Caller& caller,
                                                                       std::string_view arn,
                                                                       bool for_function) {
  const LambdaErrorCode missing = for_function ? LambdaErrorCode::kCodeSigningConfigNotFound
                                               : LambdaErrorCode::kResourceNotFound;
  Result<CodeSigningConfigArn> parsed = ParseCodeSigningConfigArn(arn);
  if (!parsed.ok()) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "1 validation error detected: Value '" + std::string(arn) +
                     "' at 'codeSigningConfigArn' failed to satisfy constraint: " +
                     parsed.status().message());
  }
  const std::string not_found = "Code signing config " + std::string(arn) + " not found.";
  if (parsed->scope.account != caller.account) return Error(missing, not_found);
  Result<store::CodeSigningConfigRecord> config = store_.GetCodeSigningConfig(arn);
  if (!config.ok()) {
    if (config.status().code() == ErrorCode::kNotFound) return Error(missing, not_found);
    return config.status();
  }
  return std::move(config).value();
}

// --- Code signing configs ------------------------------------------------------------------------

LambdaResult<store::CodeSigningConfigRecord> LambdaService::CreateCodeSigningConfig(
    const signer::Caller& caller, const CodeSigningConfigInput& input) {
  store::CodeSigningConfigRecord config;
  config.account = caller.account;
  config.description = input.description.value_or("");
  SIGNET_RETURN_IF_ERROR(ValidateDescription(config.description));
  if (!input.allowed_profile_version_arns) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "AllowedPublishers.SigningProfileVersionArns is required");
  }
  config.allowed_profile_version_arns = *input.allowed_profile_version_arns;
  SIGNET_RETURN_IF_ERROR(ValidateAllowedPublishers(config.allowed_profile_version_arns));
  SIGNET_RETURN_IF_ERROR(ValidateConfigTags(input.tags, options_.environments));
  config.tags = input.tags;
  if (input.untrusted_artifact_on_deployment && config.tags.count(std::string(kEnvironmentTag))) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "CodeSigningPolicies cannot be set on a code signing config tagged " +
                     std::string(kEnvironmentTag) + ": it takes its policy from environment " +
                     config.tags.at(std::string(kEnvironmentTag)));
  }
  if (input.untrusted_artifact_on_deployment) {
    SIGNET_ASSIGN_OR_RETURN(config.policy,
                            ParseUntrustedArtifactPolicy(*input.untrusted_artifact_on_deployment));
  }
  config.last_modified = options_.clock->Now();
  // A collision of 17 random characters is not expected; retry a few times rather than fail.
  for (int attempt = 0;; ++attempt) {
    config.config_id = NewCodeSigningConfigId();
    config.arn = CodeSigningConfigArn{ScopeFor(caller.account), config.config_id}.ToString();
    Status s = store_.CreateCodeSigningConfig(config);
    if (s.ok()) break;
    if (s.code() != ErrorCode::kAlreadyExists || attempt == 3) return s;
  }
  return WithEffectivePolicy(std::move(config));
}

LambdaResult<store::CodeSigningConfigRecord> LambdaService::GetCodeSigningConfig(
    const signer::Caller& caller, std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                          FindConfig(caller, arn, /*for_function=*/false));
  return WithEffectivePolicy(std::move(config));
}

LambdaResult<store::CodeSigningConfigRecord> LambdaService::UpdateCodeSigningConfig(
    const signer::Caller& caller, std::string_view arn, const CodeSigningConfigInput& input) {
  SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                          FindConfig(caller, arn, /*for_function=*/false));
  if (input.description) {
    SIGNET_RETURN_IF_ERROR(ValidateDescription(*input.description));
    config.description = *input.description;
  }
  if (input.allowed_profile_version_arns) {
    SIGNET_RETURN_IF_ERROR(ValidateAllowedPublishers(*input.allowed_profile_version_arns));
    config.allowed_profile_version_arns = *input.allowed_profile_version_arns;
  }
  if (input.untrusted_artifact_on_deployment) {
    SIGNET_ASSIGN_OR_RETURN(store::UntrustedArtifactPolicy policy,
                            ParseUntrustedArtifactPolicy(*input.untrusted_artifact_on_deployment));
    auto env = config.tags.find(std::string(kEnvironmentTag));
    if (env != config.tags.end()) {
      return Error(LambdaErrorCode::kInvalidParameterValue,
                   "Code signing config " + config.arn + " takes its policy from environment " +
                       env->second + " (tag " + std::string(kEnvironmentTag) +
                       "); its CodeSigningPolicies cannot be set");
    }
    config.policy = policy;
  }
  config.last_modified = options_.clock->Now();
  SIGNET_RETURN_IF_ERROR(store_.UpdateCodeSigningConfig(config));
  return WithEffectivePolicy(std::move(config));
}

LambdaStatus LambdaService::DeleteCodeSigningConfig(const signer::Caller& caller,
                                                    std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                          FindConfig(caller, arn, /*for_function=*/false));
  Status s = store_.DeleteCodeSigningConfig(config.arn);
  if (s.code() == ErrorCode::kFailedPrecondition) {
    return Error(LambdaErrorCode::kResourceConflict,
                 "Cannot delete code signing config " + std::string(arn) +
                     " because it is attached to one or more functions. Remove it from its "
                     "functions first (" +
                     s.message() + ")");
  }
  if (!s.ok()) return s;
  return LambdaOk();
}

LambdaResult<store::Page<store::CodeSigningConfigRecord>> LambdaService::ListCodeSigningConfigs(
    const signer::Caller& caller, const store::PageRequest& page) {
  SIGNET_ASSIGN_OR_RETURN(store::Page<store::CodeSigningConfigRecord> listed,
                          store_.ListCodeSigningConfigs(caller.account, page));
  for (store::CodeSigningConfigRecord& config : listed.items) {
    config = WithEffectivePolicy(std::move(config));
  }
  return listed;
}

LambdaResult<store::Page<std::string>> LambdaService::ListFunctionsByCodeSigningConfig(
    const signer::Caller& caller, std::string_view arn, const store::PageRequest& page) {
  SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                          FindConfig(caller, arn, /*for_function=*/false));
  return store_.ListFunctionsByCodeSigningConfig(config.arn, page);
}

// --- A function's config -------------------------------------------------------------------------

LambdaResult<FunctionCodeSigningConfig> LambdaService::PutFunctionCodeSigningConfig(
    const signer::Caller& caller, std::string_view function_name, std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(std::string name,
                          ResolveFunctionName(caller, function_name, std::nullopt));
  SIGNET_ASSIGN_OR_RETURN(store::FunctionRecord function, GetFunction(caller, name, std::nullopt));
  SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                          FindConfig(caller, arn, /*for_function=*/true));
  if (function.package_type == "Image") {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "Code signing is not supported for functions with package type Image.");
  }
  // Later deployments only: the code already deployed is not re-verified.
  function.code_signing_config_arn = config.arn;
  function.revision_id = NewUuidV4();
  function.last_modified = options_.clock->Now();
  Status s = store_.UpdateFunction(function, std::nullopt);
  if (s.code() == ErrorCode::kNotFound) {
    // Deleted since it was read (the function or the config).
    return Error(LambdaErrorCode::kResourceConflict, s.message());
  }
  if (!s.ok()) return s;
  return FunctionCodeSigningConfig{config.arn, function.name};
}

LambdaResult<FunctionCodeSigningConfig> LambdaService::GetFunctionCodeSigningConfig(
    const signer::Caller& caller, std::string_view function_name) {
  SIGNET_ASSIGN_OR_RETURN(store::FunctionRecord function,
                          GetFunction(caller, function_name, std::nullopt));
  return FunctionCodeSigningConfig{function.code_signing_config_arn.value_or(""), function.name};
}

LambdaStatus LambdaService::DeleteFunctionCodeSigningConfig(const signer::Caller& caller,
                                                            std::string_view function_name) {
  SIGNET_ASSIGN_OR_RETURN(store::FunctionRecord function,
                          GetFunction(caller, function_name, std::nullopt));
  if (!function.code_signing_config_arn) return LambdaOk();
  function.code_signing_config_arn.reset();
  function.revision_id = NewUuidV4();
  function.last_modified = options_.clock->Now();
  SIGNET_RETURN_IF_ERROR(store_.UpdateFunction(function, std::nullopt));
  return LambdaOk();
}

// --- The deploy gate -----------------------------------------------------------------------------

LambdaResult<std::string> LambdaService::ReadCode(const signer::Caller& caller,
                                                  const CodeInput& code) {
  const bool s3 = code.s3_bucket || code.s3_key || code.s3_object_version;
  if (code.zip_file && s3) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "Please do not provide other FunctionCode parameters when providing a ZipFile.");
  }
  if (code.zip_file) {
    if (code.zip_file->size() > kMaxInlinePackageBytes) {
      return Error(LambdaErrorCode::kRequestTooLarge, "Unzipped size must be smaller than " +
                                                          std::to_string(kMaxInlinePackageBytes) +
                                                          " bytes");
    }
    return *code.zip_file;
  }
  if (!s3) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "Please provide a source for function code.");
  }
  if (!code.s3_bucket || !code.s3_key) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "Please provide both S3Bucket and S3Key for the function code.");
  }
  if (buckets_ == nullptr) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "this signetd serves no buckets: send the code as ZipFile");
  }
  const auto s3_error = [&](std::string_view code_name, std::string_view message) {
    return Error(LambdaErrorCode::kInvalidParameterValue,
                 "Error occurred while GetObject. S3 Error Code: " + std::string(code_name) +
                     ". S3 Error Message: " + std::string(message));
  };
  Result<store::BucketInfo> bucket = buckets_->GetBucket(*code.s3_bucket);
  if (!bucket.ok()) return s3_error("NoSuchBucket", "The specified bucket does not exist");
  if (bucket->owner_account != caller.account) return s3_error("AccessDenied", "Access Denied");
  auto object = buckets_->OpenObject(*code.s3_bucket, *code.s3_key, code.s3_object_version);
  if (!object.ok()) {
    if (object.status().code() == ErrorCode::kNotFound) {
      return s3_error("NoSuchKey", "The specified key does not exist.");
    }
    return object.status();
  }
  Result<std::string> bytes =
      ReadSmallFile(object->second, kMaxBucketPackageBytes, "a function package");
  if (!bytes.ok()) return s3_error("InvalidObjectState", bytes.status().message());
  return std::move(bytes).value();
}

LambdaResult<PackageVerdict> LambdaService::Gate(std::string_view function,
                                                 std::string_view artifact,
                                                 std::string_view package,
                                                 const store::CodeSigningConfigRecord& config) {
  const EffectivePolicy effective = ResolvePolicy(config, options_.environments);
  if (effective.unknown_environment) {
    spdlog::warn("code signing config {} names environment {}, which is not configured: "
                 "deploying under Enforce",
                 config.arn, effective.environment);
  }
  if (!effective.policy) {
    spdlog::info("code signing checks off: environment {} function={} artifact={} config={}",
                 effective.environment, function, artifact, config.arn);
    return verifier_.ReadSigner(package);
  }
  SIGNET_ASSIGN_OR_RETURN(PackageVerdict verdict, verifier_.Verify(package, config));
  if (const CheckFailure* integrity = verdict.Find(DeployCheck::kIntegrity)) {
    return Error(LambdaErrorCode::kInvalidCodeSignature,
                 "The code signature failed the integrity check. Lambda always blocks deployment "
                 "if the integrity check fails, even if code signing policy is set to WARN. (" +
                     std::string(artifact) + ": " + integrity->reason + ")");
  }
  if (verdict.failures.empty()) return verdict;
  if (*effective.policy == store::UntrustedArtifactPolicy::kEnforce) {
    const CheckFailure& first = verdict.failures.front();
    return Error(LambdaErrorCode::kCodeVerificationFailed,
                 "Lambda cannot deploy the function. The function or layer might be signed "
                 "using a signature that the client is not configured to accept. Check the "
                 "provided signature for " +
                     std::string(artifact) + ". Failed check: " +
                     std::string(DeployCheckName(first.check)) + ": " + first.reason);
  }
  std::lock_guard<std::mutex> lock(warnings_mu_);
  for (const CheckFailure& f : verdict.failures) {
    ++warnings_[{std::string(function), std::string(DeployCheckName(f.check))}];
    metrics::SignatureValidationErrors().Add(
        {std::string(function), std::string(DeployCheckName(f.check))});
    spdlog::warn(
        "code signing warning: deployed under Warn function={} artifact={} check={} "
        "profile_version={} config={} reason={}",
        function, artifact, DeployCheckName(f.check),
        verdict.signing_profile_version_arn.empty() ? "-" : verdict.signing_profile_version_arn,
        config.arn, f.reason);
  }
  return verdict;
}

store::CodeSigningConfigRecord LambdaService::WithEffectivePolicy(
    store::CodeSigningConfigRecord config) const {
  config.policy = ResolvePolicy(config, options_.environments).Reported();
  return config;
}

std::map<std::pair<std::string, std::string>, int64_t> LambdaService::ValidationWarnings() const {
  std::lock_guard<std::mutex> lock(warnings_mu_);
  return warnings_;
}

}  // namespace signet::deploy
