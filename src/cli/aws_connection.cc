#include "cli/aws_connection.h"

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

namespace signet::cli {
namespace {

std::string Or(std::optional<std::string> value, std::string fallback) {
  return value && !value->empty() ? std::move(*value) : std::move(fallback);
}

// "~/x" as the AWS CLI expands it.
std::string ExpandHome(std::string path, const EnvLookup& env) {
  if (path.rfind("~/", 0) == 0) return Or(env("HOME"), "") + path.substr(1);
  return path;
}

// The section's pairs, or an empty map when the file does not exist.
Result<std::map<std::string, std::string>> Section(const std::string& file,
                                                   const std::string& section) {
  Result<std::map<std::string, std::string>> values = api::ReadAwsIniSection(file, section);
  if (!values.ok() && values.status().code() == ErrorCode::kNotFound) {
    return std::map<std::string, std::string>{};
  }
  if (!values.ok()) return InvalidArgumentError(values.status().message());
  return values;
}

// Keys of `profile` from the credentials file, else from the config file.
Result<std::optional<api::AwsCredentials>> ProfileKeys(const std::string& credentials_file,
                                                       const std::string& config_file,
                                                       const std::string& profile) {
  const std::string config_section = profile == "default" ? profile : "profile " + profile;
  for (const auto& [file, section] : {std::pair{credentials_file, profile},
                                      std::pair{config_file, config_section}}) {
    SIGNET_ASSIGN_OR_RETURN(auto values, Section(file, section));
    if (values["aws_access_key_id"].empty() && values["aws_secret_access_key"].empty()) continue;
    if (values["aws_access_key_id"].empty() || values["aws_secret_access_key"].empty()) {
      return InvalidArgumentError("profile '" + profile + "' in " + file +
                                  " needs both aws_access_key_id and aws_secret_access_key");
    }
    api::AwsCredentials keys;
    keys.access_key_id = values["aws_access_key_id"];
    keys.secret_access_key = SecretBytes(values["aws_secret_access_key"]);
    keys.session_token = values["aws_session_token"];
    for (auto& [key, value] : values) SecureWipe(value);
    return std::optional<api::AwsCredentials>(std::move(keys));
  }
  return std::optional<api::AwsCredentials>();
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<AwsConnection> ResolveConnection(const ConnectionFlags& flags, const EnvLookup& env) {
  AwsConnection out;
  out.endpoint = !flags.endpoint.empty() ? flags.endpoint
                                         : Or(env("SIGNET_ENDPOINT"), std::string(kDefaultEndpoint));
  out.environment = !flags.environment.empty() ? flags.environment : Or(env("SIGNET_ENV"), "");
  const std::string home = Or(env("HOME"), "");
  const std::string credentials_file = ExpandHome(
      Or(env("AWS_SHARED_CREDENTIALS_FILE"), home + "/.aws/credentials"), env);
  const std::string config_file = ExpandHome(Or(env("AWS_CONFIG_FILE"), home + "/.aws/config"), env);
  const std::string profile =
      !flags.aws_profile.empty() ? flags.aws_profile : Or(env("AWS_PROFILE"), "default");

  const std::optional<std::string> key_id = env("AWS_ACCESS_KEY_ID");
  const std::optional<std::string> secret = env("AWS_SECRET_ACCESS_KEY");
  const bool env_keys = flags.aws_profile.empty() && key_id && !key_id->empty();
  if (env_keys) {
    if (!secret || secret->empty()) {
      return InvalidArgumentError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    out.credentials.access_key_id = *key_id;
    out.credentials.secret_access_key = SecretBytes(*secret);
    out.credentials.session_token = Or(env("AWS_SESSION_TOKEN"), "");
    out.described = "the environment (AWS_ACCESS_KEY_ID)";
  } else {
    SIGNET_ASSIGN_OR_RETURN(std::optional<api::AwsCredentials> keys,
                            ProfileKeys(credentials_file, config_file, profile));
    if (!keys) {
      return InvalidArgumentError(
          "no AWS credentials for profile '" + profile + "' in " + credentials_file + " or " +
          config_file +
          ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, point AWS_SHARED_CREDENTIALS_FILE "
          "at signetd's DATA/credentials, or pick a profile with --aws-profile");
    }
    out.credentials = std::move(*keys);
    out.described = "profile '" + profile + "' of " + credentials_file;
  }

  std::optional<std::string> region = env("AWS_REGION");
  if (!region || region->empty()) region = env("AWS_DEFAULT_REGION");
  if (!region || region->empty()) {
    SIGNET_ASSIGN_OR_RETURN(
        auto config, Section(config_file, profile == "default" ? profile : "profile " + profile));
    region = config["region"];
  }
  out.credentials.region = Or(std::move(region), "us-east-1");
  return out;
}

Result<std::unique_ptr<api::AwsClient>> Connect(const AwsConnection& connection) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<api::AwsClient> client,
                          api::AwsClient::Create(connection.endpoint, connection.credentials));
  if (!connection.environment.empty()) {
    client->SetHeader(std::string(kEnvironmentHeader), connection.environment);
  }
  return client;
}

std::string DescribeAwsError(const api::AwsResponse& response) {
  std::string code = response.Header("x-amzn-ErrorType");
  std::string message;
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    if (code.empty() && body.contains("code") && body["code"].is_string()) code = body["code"];
    if (body.contains("message") && body["message"].is_string()) message = body["message"];
    if (message.empty() && body.contains("Message") && body["Message"].is_string()) {
      message = body["Message"];
    }
  }
  if (code.empty()) code = "HTTP " + std::to_string(response.status);
  if (message.empty()) message = response.body.substr(0, 200);
  return code + ": " + message;
}

}  // namespace signet::cli
