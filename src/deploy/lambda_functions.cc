// LambdaService: functions and layer versions (the deploy gate is applied here).
#include <spdlog/spdlog.h>

#include "core/encoding.h"
#include "core/ids.h"
#include "crypto/digest.h"
#include "deploy/lambda_service.h"

namespace signet::deploy {
namespace {

constexpr size_t kMaxLayersPerFunction = 5;

LambdaError Invalid(std::string message) {
  return {LambdaErrorCode::kInvalidParameterValue, std::move(message)};
}

std::string CodeSha256(std::string_view package) { return Base64Encode(crypto::Sha256(package)); }

Status CheckRange(std::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return InvalidArgumentError("1 validation error detected: Value '" + std::to_string(value) +
                                "' at '" + std::string(field) +
                                "' failed to satisfy constraint: Member must have value between " +
                                std::to_string(min) + " and " + std::to_string(max));
  }
  return Status::Ok();
}

bool IsRoleArn(std::string_view role) {
  return role.rfind("arn:", 0) == 0 && role.find(":iam::") != std::string_view::npos &&
         role.find(":role/") != std::string_view::npos && role.size() <= 2048;
}

}  // namespace

LambdaResult<store::FunctionRecord> LambdaService::CreateFunction(
    const signer::Caller& caller, const CreateFunctionInput& input) {
  SIGNET_ASSIGN_OR_RETURN(std::string name,
                          ResolveFunctionName(caller, input.function_name, std::nullopt));
  if (input.package_type != "Zip" && input.package_type != "Image") {
    return Invalid("1 validation error detected: Value '" + input.package_type +
                   "' at 'packageType' failed to satisfy constraint: Member must satisfy enum "
                   "value set: [Zip, Image]");
  }
  const bool image = input.package_type == "Image";
  if (image && input.code_signing_config_arn) {
    return Invalid("Code signing is not supported for functions with package type Image.");
  }
  if (!IsRoleArn(input.role)) {
    return Invalid("1 validation error detected: Value '" + input.role +
                   "' at 'role' failed to satisfy constraint: Member must satisfy regular "
                   "expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?"
                   "[a-zA-Z_0-9+=,.@\\-_/]+");
  }
  store::FunctionRecord f;
  f.account = caller.account;
  f.name = name;
  f.arn = FunctionArn(caller.account, name);
  f.runtime = input.runtime;
  f.role = input.role;
  f.handler = input.handler;
  f.description = input.description;
  f.package_type = input.package_type;
  f.timeout_seconds = input.timeout_seconds.value_or(3);
  f.memory_size_mb = input.memory_size_mb.value_or(128);
  SIGNET_RETURN_IF_ERROR(CheckRange("timeout", f.timeout_seconds, 1, 900));
  SIGNET_RETURN_IF_ERROR(CheckRange("memorySize", f.memory_size_mb, 128, 10240));
  f.architecture = input.architecture.value_or("x86_64");
  if (f.architecture != "x86_64" && f.architecture != "arm64") {
    return Invalid("1 validation error detected: Value '[" + f.architecture +
                   "]' at 'architectures' failed to satisfy constraint: Member must satisfy "
                   "enum value set: [x86_64, arm64]");
  }
  if (!image && (f.runtime.empty() || f.handler.empty())) {
    return Invalid(
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.");
  }
  if (input.layers.size() > kMaxLayersPerFunction) {
    return Invalid("Cannot reference more than 5 layers.");
  }
  if (store_.GetFunction(caller.account, name).ok()) {
    return LambdaError{LambdaErrorCode::kResourceConflict, "Function already exist: " + name};
  }
  std::optional<store::CodeSigningConfigRecord> config;
  if (input.code_signing_config_arn) {
    SIGNET_ASSIGN_OR_RETURN(config, FindConfig(caller, *input.code_signing_config_arn, true));
    f.code_signing_config_arn = config->arn;
  }

  std::string code;
  if (image) {
    if (!input.code.image_uri || input.code.zip_file || input.code.s3_bucket) {
      return Invalid("Please provide ImageUri (and only ImageUri) when PackageType is Image.");
    }
    f.code_sha256 = CodeSha256(*input.code.image_uri);
  } else {
    if (input.code.image_uri) {
      return Invalid("Please don't provide ImageUri when PackageType is Zip.");
    }
    SIGNET_ASSIGN_OR_RETURN(code, ReadCode(caller, input.code));
    f.code_sha256 = CodeSha256(code);
    f.code_size = static_cast<int64_t>(code.size());
    if (config) {
      SIGNET_ASSIGN_OR_RETURN(PackageVerdict verdict, Gate(name, f.arn, code, *config));
      f.signing_profile_version_arn = verdict.signing_profile_version_arn;
      f.signing_job_arn = verdict.signing_job_arn;
    }
  }

  for (const std::string& layer_arn : input.layers) {
    Result<LambdaResourceArn> parsed = ParseLambdaResourceArn(layer_arn);
    if (!parsed.ok() || parsed->kind != LambdaResourceKind::kLayer || !parsed->qualifier) {
      return Invalid("Layer version " + layer_arn + " is not a layer version ARN.");
    }
    if (parsed->scope.account != caller.account) {
      return LambdaError{LambdaErrorCode::kAccessDenied,
                         "User: " + caller.principal_arn +
                             " is not authorized to perform: lambda:GetLayerVersion on "
                             "resource: " +
                             layer_arn};
    }
    Result<store::LayerVersionRecord> layer = store_.GetLayerVersionByArn(layer_arn);
    if (!layer.ok()) {
      if (layer.status().code() == ErrorCode::kNotFound) {
        return Invalid("Layer version " + layer_arn + " does not exist.");
      }
      return layer.status();
    }
    store::FunctionLayer ref{layer_arn, layer->code_size, layer->signing_profile_version_arn,
                             layer->signing_job_arn};
    if (config) {
      // Re-verified now, against this function's config and today's revocations.
      SIGNET_ASSIGN_OR_RETURN(std::string layer_code, store_.GetLayerVersionCode(layer_arn));
      SIGNET_ASSIGN_OR_RETURN(PackageVerdict verdict, Gate(name, layer_arn, layer_code, *config));
      ref.signing_profile_version_arn = verdict.signing_profile_version_arn;
      ref.signing_job_arn = verdict.signing_job_arn;
    }
    f.layers.push_back(std::move(ref));
  }

  f.revision_id = NewUuidV4();
  f.last_modified = options_.clock->Now();
  Status s = store_.CreateFunction(f, code);
  if (s.code() == ErrorCode::kAlreadyExists) {
    return LambdaError{LambdaErrorCode::kResourceConflict, "Function already exist: " + name};
  }
  if (s.code() == ErrorCode::kNotFound) {  // the config was deleted meanwhile
    return LambdaError{LambdaErrorCode::kCodeSigningConfigNotFound, s.message()};
  }
  if (!s.ok()) return s;
  spdlog::info("lambda: created function {} ({} bytes, signed by {})", f.arn, f.code_size,
               f.signing_profile_version_arn.empty() ? "-" : f.signing_profile_version_arn);
  return f;
}

LambdaResult<store::FunctionRecord> LambdaService::UpdateFunctionCode(
    const signer::Caller& caller, const UpdateFunctionCodeInput& input) {
  SIGNET_ASSIGN_OR_RETURN(store::FunctionRecord f,
                          GetFunction(caller, input.function_name, std::nullopt));
  if (input.revision_id && *input.revision_id != f.revision_id) {
    return LambdaError{LambdaErrorCode::kPreconditionFailed,
                       "The Revision Id provided does not match the latest Revision Id. Call "
                       "the GetFunction/GetAlias API to retrieve the latest Revision Id"};
  }
  std::string code;
  if (f.package_type == "Image") {
    if (!input.code.image_uri || input.code.zip_file || input.code.s3_bucket) {
      return Invalid(
          "Please provide ImageUri (and only ImageUri) for a function of package "
          "type Image.");
    }
    f.code_sha256 = CodeSha256(*input.code.image_uri);
  } else {
    if (input.code.image_uri) {
      return Invalid(
          "Please don't provide ImageUri when updating a function with a Zip "
          "package type.");
    }
    SIGNET_ASSIGN_OR_RETURN(code, ReadCode(caller, input.code));
    f.code_sha256 = CodeSha256(code);
    f.code_size = static_cast<int64_t>(code.size());
    f.signing_profile_version_arn.clear();
    f.signing_job_arn.clear();
    if (f.code_signing_config_arn) {
      SIGNET_ASSIGN_OR_RETURN(store::CodeSigningConfigRecord config,
                              FindConfig(caller, *f.code_signing_config_arn, true));
      SIGNET_ASSIGN_OR_RETURN(PackageVerdict verdict, Gate(f.name, f.arn, code, config));
      f.signing_profile_version_arn = verdict.signing_profile_version_arn;
      f.signing_job_arn = verdict.signing_job_arn;
    }
  }
  f.revision_id = NewUuidV4();
  f.last_modified = options_.clock->Now();
  if (input.dry_run) return f;
  SIGNET_RETURN_IF_ERROR(store_.UpdateFunction(
      f, f.package_type == "Image" ? std::nullopt : std::optional<std::string_view>(code)));
  return f;
}

LambdaResult<store::FunctionRecord> LambdaService::GetFunction(
    const signer::Caller& caller, std::string_view function_name,
    const std::optional<std::string>& qualifier) {
  SIGNET_ASSIGN_OR_RETURN(std::string name, ResolveFunctionName(caller, function_name, qualifier));
  Result<store::FunctionRecord> f = store_.GetFunction(caller.account, name);
  if (!f.ok() && f.status().code() == ErrorCode::kNotFound) {
    return LambdaError{LambdaErrorCode::kResourceNotFound,
                       "Function not found: " + FunctionArn(caller.account, name)};
  }
  if (!f.ok()) return f.status();
  return std::move(f).value();
}

LambdaStatus LambdaService::DeleteFunction(const signer::Caller& caller,
                                           std::string_view function_name,
                                           const std::optional<std::string>& qualifier) {
  SIGNET_ASSIGN_OR_RETURN(store::FunctionRecord f, GetFunction(caller, function_name, qualifier));
  Status s = store_.DeleteFunction(caller.account, f.name);
  if (s.code() == ErrorCode::kNotFound) {
    return LambdaError{LambdaErrorCode::kResourceNotFound, "Function not found: " + f.arn};
  }
  if (!s.ok()) return s;
  return LambdaOk();
}

LambdaResult<store::Page<store::FunctionRecord>> LambdaService::ListFunctions(
    const signer::Caller& caller, const store::PageRequest& page) {
  return store_.ListFunctions(caller.account, page);
}

// --- Layers --------------------------------------------------------------------------------------

LambdaResult<store::LayerVersionRecord> LambdaService::PublishLayerVersion(
    const signer::Caller& caller, const PublishLayerVersionInput& input) {
  SIGNET_ASSIGN_OR_RETURN(std::string name, ResolveLayerName(caller, input.layer_name));
  if (input.content.image_uri) return Invalid("A layer's content is a ZIP archive, not an image.");
  SIGNET_ASSIGN_OR_RETURN(std::string code, ReadCode(caller, input.content));
  store::LayerVersionRecord layer;
  layer.account = caller.account;
  layer.layer_name = name;
  layer.layer_arn =
      LambdaResourceArn{ScopeFor(caller.account), LambdaResourceKind::kLayer, name, std::nullopt}
          .ToString();
  layer.description = input.description;
  layer.license_info = input.license_info;
  layer.compatible_runtimes = input.compatible_runtimes;
  layer.compatible_architectures = input.compatible_architectures;
  layer.code_sha256 = CodeSha256(code);
  layer.code_size = static_cast<int64_t>(code.size());
  // A layer is checked when a function under a config uses it; here only its signer is read.
  const PackageVerdict signer = verifier_.ReadSigner(code);
  layer.signing_profile_version_arn = signer.signing_profile_version_arn;
  layer.signing_job_arn = signer.signing_job_arn;
  layer.created_at = options_.clock->Now();
  return store_.PublishLayerVersion(layer, code);
}

LambdaResult<store::LayerVersionRecord> LambdaService::GetLayerVersion(const signer::Caller& caller,
                                                                       std::string_view layer_name,
                                                                       int64_t version) {
  SIGNET_ASSIGN_OR_RETURN(std::string name, ResolveLayerName(caller, layer_name));
  Result<store::LayerVersionRecord> layer = store_.GetLayerVersion(caller.account, name, version);
  if (!layer.ok() && layer.status().code() == ErrorCode::kNotFound) {
    return LambdaError{LambdaErrorCode::kResourceNotFound,
                       "The resource you requested does not exist."};
  }
  if (!layer.ok()) return layer.status();
  return std::move(layer).value();
}

LambdaResult<store::Page<store::LayerVersionRecord>> LambdaService::ListLayerVersions(
    const signer::Caller& caller, std::string_view layer_name, const store::PageRequest& page) {
  SIGNET_ASSIGN_OR_RETURN(std::string name, ResolveLayerName(caller, layer_name));
  return store_.ListLayerVersions(caller.account, name, page);
}

}  // namespace signet::deploy
