// AwsConnection: how `signet` reaches signetd, resolved the way the AWS CLI resolves it.
//
// Credentials, first match wins:
//   1. --aws-profile NAME: that profile of the shared credentials file, else of the config file
//      ([profile NAME]); environment keys are then ignored, as the AWS CLI ignores them.
//   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN).
//   3. Profile AWS_PROFILE (default "default") of the same two files.
// Files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and AWS_CONFIG_FILE (default
// ~/.aws/config). Region: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` in the config
// file, else us-east-1. Endpoint: --endpoint, SIGNET_ENDPOINT, else kDefaultEndpoint.
// Environment (x-signet-environment on every request): --env, else SIGNET_ENV, else none.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/aws_client.h"
#include "core/status.h"

namespace signet::cli {

inline constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:8700";
inline constexpr std::string_view kEnvironmentHeader = "x-signet-environment";

// What the command line says; empty members fall back as described above.
struct ConnectionFlags {
  std::string endpoint{};
  std::string aws_profile{};
  std::string environment{};
};

struct AwsConnection {
  std::string endpoint;
  api::AwsCredentials credentials;
  std::string environment;  // empty: not sent
  std::string described;    // where the credentials came from, for error messages
};

// Reads an environment variable (std::getenv in the CLI, a map in tests).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup ProcessEnvironment();

// InvalidArgument saying what to set when no credentials are found or a file is unreadable.
Result<AwsConnection> ResolveConnection(const ConnectionFlags& flags, const EnvLookup& env);

// A client for the resolved connection, sending the environment header when there is one.
Result<std::unique_ptr<api::AwsClient>> Connect(const AwsConnection& connection);

// The AWS error of a signetd response that is not 2xx, as "Code: message".
std::string DescribeAwsError(const api::AwsResponse& response);

}  // namespace signet::cli
