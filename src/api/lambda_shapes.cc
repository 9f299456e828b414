#include "api/lambda_shapes.h"

namespace signet::api::lambda_shapes {
namespace {

void PutIfSet(Json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

}  // namespace

std::string LambdaTimestamp(Timestamp t) {
  std::string text = FormatRfc3339(t);  // YYYY-MM-DDTHH:MM:SSZ
  text.pop_back();
  return text + ".000+0000";
}

Json CodeSigningConfig(const store::CodeSigningConfigRecord& c) {
  return Json{
      {"CodeSigningConfigId", c.config_id},
      {"CodeSigningConfigArn", c.arn},
      {"Description", c.description},
      {"AllowedPublishers", {{"SigningProfileVersionArns", c.allowed_profile_version_arns}}},
      {"CodeSigningPolicies",
       {{"UntrustedArtifactOnDeployment", std::string(UntrustedArtifactPolicyName(c.policy))}}},
      {"LastModified", LambdaTimestamp(c.last_modified)},
  };
}

Json FunctionConfiguration(const store::FunctionRecord& f) {
  Json out = {
      {"FunctionName", f.name},
      {"FunctionArn", f.arn},
      {"Role", f.role},
      {"CodeSize", f.code_size},
      {"Description", f.description},
      {"Timeout", f.timeout_seconds},
      {"MemorySize", f.memory_size_mb},
      {"LastModified", LambdaTimestamp(f.last_modified)},
      {"CodeSha256", f.code_sha256},
      {"Version", "$LATEST"},
      {"TracingConfig", {{"Mode", "PassThrough"}}},
      {"RevisionId", f.revision_id},
      {"State", "Active"},
      {"LastUpdateStatus", "Successful"},
      {"PackageType", f.package_type},
      {"Architectures", Json::array({f.architecture})},
      {"EphemeralStorage", {{"Size", 512}}},
  };
  PutIfSet(out, "Runtime", f.runtime);
  PutIfSet(out, "Handler", f.handler);
  PutIfSet(out, "SigningProfileVersionArn", f.signing_profile_version_arn);
  PutIfSet(out, "SigningJobArn", f.signing_job_arn);
  if (!f.layers.empty()) {
    Json layers = Json::array();
    for (const store::FunctionLayer& l : f.layers) {
      Json layer = {{"Arn", l.arn}, {"CodeSize", l.code_size}};
      PutIfSet(layer, "SigningProfileVersionArn", l.signing_profile_version_arn);
      PutIfSet(layer, "SigningJobArn", l.signing_job_arn);
      layers.push_back(std::move(layer));
    }
    out["Layers"] = std::move(layers);
  }
  return out;
}

Json GetFunctionResponse(const store::FunctionRecord& f) {
  // Functions are stored, not served for download: the code's location is not exposed.
  return Json{{"Configuration", FunctionConfiguration(f)},
              {"Code", {{"RepositoryType", f.package_type == "Image" ? "ECR" : "S3"}}}};
}

Json LayerVersion(const store::LayerVersionRecord& l) {
  Json content = {{"CodeSha256", l.code_sha256}, {"CodeSize", l.code_size}};
  PutIfSet(content, "SigningProfileVersionArn", l.signing_profile_version_arn);
  PutIfSet(content, "SigningJobArn", l.signing_job_arn);
  Json out = LayerVersionsListItem(l);
  out["Content"] = std::move(content);
  out["LayerArn"] = l.layer_arn;
  return out;
}

Json LayerVersionsListItem(const store::LayerVersionRecord& l) {
  Json out = {{"LayerVersionArn", l.layer_version_arn},
              {"Version", l.version},
              {"Description", l.description},
              {"CreatedDate", LambdaTimestamp(l.created_at)}};
  if (!l.compatible_runtimes.empty()) out["CompatibleRuntimes"] = l.compatible_runtimes;
  if (!l.compatible_architectures.empty()) {
    out["CompatibleArchitectures"] = l.compatible_architectures;
  }
  PutIfSet(out, "LicenseInfo", l.license_info);
  return out;
}

}  // namespace signet::api::lambda_shapes
