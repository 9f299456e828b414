// Registry credentials: explicit, or read from a Docker client configuration file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace signet::oci {

struct RegistryCredentials {
  std::string username;
  SecretBytes password;  // a password or a personal access token
};

// Where the Docker client keeps its configuration: $DOCKER_CONFIG/config.json, else
// $HOME/.docker/config.json.
std::filesystem::path DefaultDockerConfigPath();

// The credentials for `registry` (host[:port] as in a reference) from the `auths` map of a Docker
// config file: `auths.<registry>.auth` = base64("user:password"), the key also matched as
// https://<registry> and, for docker.io, https://index.docker.io/v1/.
// nullopt when the file does not exist or names no credentials for the registry (anonymous).
// FailedPrecondition when the credentials are in a credential helper (credHelpers.<registry>, or
// credsStore with an `auths` entry without "auth"), which
// signet does not run: the message says to pass the credentials explicitly.
// InvalidArgument for an unreadable file or a malformed entry.
Result<std::optional<RegistryCredentials>> ReadDockerConfigCredentials(
    const std::filesystem::path& config_path, std::string_view registry);

}  // namespace signet::oci
