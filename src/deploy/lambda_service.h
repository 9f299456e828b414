// LambdaService: the Lambda control-plane operations that code signing touches (DESIGN.md §6),
// behind signetd's Lambda API: code signing configs, the config of a function, functions and
// layer versions. Functions are stored, never executed.
//
// Deployment gate: CreateFunction and UpdateFunctionCode under a code signing config run the
// four checks of PackageVerifier on the package, and CreateFunction also on each of the
// function's layers (layer versions are re-verified against the function's config, with
// revocation as of now). An integrity failure blocks under both policies
// (InvalidCodeSignatureException); any other failed check blocks under Enforce
// (CodeVerificationFailedException naming the check), and under Warn the deployment proceeds
// while each failed check is counted and logged with function, check and profile version.
// Changing or detaching a config affects later deployments only. Container-image functions
// cannot have a config, as in Lambda. A config tagged signet:environment takes its policy from
// that environment at each deployment (code_signing_config.h); configs are returned with their
// effective policy.
//
// Accounts: functions, configs and layers belong to the caller's account (signer::Caller); a
// function may use only its own account's config and layers. Allowed publishers may be any
// account's or installation's profile versions.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/arn.h"
#include "core/time.h"
#include "deploy/code_signing_config.h"
#include "deploy/lambda_error.h"
#include "deploy/package_verifier.h"
#include "signer/caller.h"
#include "store/bucket_store.h"
#include "store/store.h"

namespace signet::deploy {

// Lambda's limit on a package sent inline (ZipFile), after base64 decoding; and signet's on one
// read from a bucket (Lambda's unzipped limit).
inline constexpr size_t kMaxInlinePackageBytes = 50u << 20;
inline constexpr size_t kMaxBucketPackageBytes = 250u << 20;

struct LambdaOptions {
  std::string partition = "aws";
  std::string region = "us-east-1";
  const Clock* clock = &SystemClock();
  // The configured environments, for configs tagged signet:environment (code_signing_config.h).
  EnvironmentEnforcements environments{};
};

struct CodeSigningConfigInput {
  std::optional<std::string> description{};
  std::optional<std::vector<std::string>> allowed_profile_version_arns{};
  std::optional<std::string> untrusted_artifact_on_deployment{};  // "Warn" | "Enforce"
  store::TagMap tags{};  // CreateCodeSigningConfig only
};

// FunctionCode, UpdateFunctionCode's code members, or a layer's Content.
struct CodeInput {
  std::optional<std::string> zip_file{};  // the archive bytes (the API decodes base64)
  std::optional<std::string> s3_bucket{};
  std::optional<std::string> s3_key{};
  std::optional<std::string> s3_object_version{};
  std::optional<std::string> image_uri{};
};

struct CreateFunctionInput {
  std::string function_name{};
  std::string runtime{};
  std::string role{};
  std::string handler{};
  std::string description{};
  std::optional<int64_t> timeout_seconds{};
  std::optional<int64_t> memory_size_mb{};
  std::string package_type = "Zip";
  std::optional<std::string> architecture{};
  CodeInput code{};
  std::vector<std::string> layers{};  // layer version ARNs
  std::optional<std::string> code_signing_config_arn{};
};

struct UpdateFunctionCodeInput {
  std::string function_name{};
  CodeInput code{};
  std::optional<std::string> revision_id{};  // must match when given (PreconditionFailed)
  bool dry_run = false;                      // verify, do not store
};

struct PublishLayerVersionInput {
  std::string layer_name{};
  std::string description{};
  std::string license_info{};
  std::vector<std::string> compatible_runtimes{};
  std::vector<std::string> compatible_architectures{};
  CodeInput content{};
};

// A function's attachment to a config (Put/GetFunctionCodeSigningConfig).
struct FunctionCodeSigningConfig {
  std::string code_signing_config_arn{};
  std::string function_name{};
};

class LambdaService {
 public:
  // `store`, `buckets` (may be null: S3 code then refused) and `verifier` must outlive this.
  LambdaService(store::Store& store, store::BucketStore* buckets, const PackageVerifier& verifier,
                LambdaOptions options);

  // --- Code signing configs ---
  LambdaResult<store::CodeSigningConfigRecord> CreateCodeSigningConfig(
      const signer::Caller& caller, const CodeSigningConfigInput& input);
  LambdaResult<store::CodeSigningConfigRecord> GetCodeSigningConfig(const signer::Caller& caller,
                                                                    std::string_view arn);
  LambdaResult<store::CodeSigningConfigRecord> UpdateCodeSigningConfig(
      const signer::Caller& caller, std::string_view arn, const CodeSigningConfigInput& input);
  // ResourceConflict while a function uses the config.
  LambdaStatus DeleteCodeSigningConfig(const signer::Caller& caller, std::string_view arn);
  LambdaResult<store::Page<store::CodeSigningConfigRecord>> ListCodeSigningConfigs(
      const signer::Caller& caller, const store::PageRequest& page);
  LambdaResult<store::Page<std::string>> ListFunctionsByCodeSigningConfig(
      const signer::Caller& caller, std::string_view arn, const store::PageRequest& page);

  // --- A function's config ---
  LambdaResult<FunctionCodeSigningConfig> PutFunctionCodeSigningConfig(
      const signer::Caller& caller, std::string_view function_name, std::string_view arn);
  LambdaResult<FunctionCodeSigningConfig> GetFunctionCodeSigningConfig(
      const signer::Caller& caller, std::string_view function_name);
  LambdaStatus DeleteFunctionCodeSigningConfig(const signer::Caller& caller,
                                               std::string_view function_name);

  // --- Functions ---
  LambdaResult<store::FunctionRecord> CreateFunction(const signer::Caller& caller,
                                                     const CreateFunctionInput& input);
  LambdaResult<store::FunctionRecord> UpdateFunctionCode(const signer::Caller& caller,
                                                         const UpdateFunctionCodeInput& input);
  // `function_name`: a name, a function ARN or a partial ARN; qualifier $LATEST or none.
  LambdaResult<store::FunctionRecord> GetFunction(const signer::Caller& caller,
                                                  std::string_view function_name,
                                                  const std::optional<std::string>& qualifier);
  LambdaStatus DeleteFunction(const signer::Caller& caller, std::string_view function_name,
                              const std::optional<std::string>& qualifier);
  LambdaResult<store::Page<store::FunctionRecord>> ListFunctions(const signer::Caller& caller,
                                                                 const store::PageRequest& page);

  // --- Layers ---
  LambdaResult<store::LayerVersionRecord> PublishLayerVersion(
      const signer::Caller& caller, const PublishLayerVersionInput& input);
  // `layer_name`: a name or a layer ARN.
  LambdaResult<store::LayerVersionRecord> GetLayerVersion(const signer::Caller& caller,
                                                          std::string_view layer_name,
                                                          int64_t version);
  LambdaResult<store::Page<store::LayerVersionRecord>> ListLayerVersions(
      const signer::Caller& caller, std::string_view layer_name, const store::PageRequest& page);

  // Deployments under Warn that a check failed, by (function name or ARN, check name)
  // (signet_signature_validation_errors_total{function,check}).
  std::map<std::pair<std::string, std::string>, int64_t> ValidationWarnings() const;

 private:
  ArnScope ScopeFor(std::string_view account) const;
  std::string FunctionArn(std::string_view account, std::string_view name) const;
  // The function's name in the caller's account, from a name or (partial) ARN.
  LambdaResult<std::string> ResolveFunctionName(const signer::Caller& caller,
                                                std::string_view function_name,
                                                const std::optional<std::string>& qualifier) const;
  LambdaResult<std::string> ResolveLayerName(const signer::Caller& caller,
                                             std::string_view layer_name) const;
  // The caller's config of that ARN; CodeSigningConfigNotFound (or ResourceNotFound for the
  // config operations themselves, `for_function` false) otherwise.
  LambdaResult<store::CodeSigningConfigRecord> FindConfig(const signer::Caller& caller,
                                                          std::string_view arn, bool for_function);
  // The package bytes of `code` (inline or from an embedded bucket).
  LambdaResult<std::string> ReadCode(const signer::Caller& caller, const CodeInput& code);
  // `config` as the API reports it: its effective policy now.
  store::CodeSigningConfigRecord WithEffectivePolicy(store::CodeSigningConfigRecord config) const;
  // Runs the deploy checks of `package` (a function's code or a layer, `artifact` names it in
  // messages) and applies the config's effective policy: the verdict when it may deploy, the
  // blocking error otherwise. Warnings are counted under `function`. Under an environment whose
  // enforcement is off, no check runs: the verdict only names the package's signer.
  LambdaResult<PackageVerdict> Gate(std::string_view function, std::string_view artifact,
                                    std::string_view package,
                                    const store::CodeSigningConfigRecord& config);

  store::Store& store_;
  store::BucketStore* buckets_;
  const PackageVerifier& verifier_;
  LambdaOptions options_;
  mutable std::mutex warnings_mu_;
  std::map<std::pair<std::string, std::string>, int64_t> warnings_;
};

}  // namespace signet::deploy
