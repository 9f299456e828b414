#include "oci/registry_credentials.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "core/encoding.h"
#include "core/file.h"

namespace signet::oci {

std::filesystem::path DefaultDockerConfigPath() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    return std::filesystem::path(dir) / "config.json";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "") / ".docker" / "config.json";
}

Result<std::optional<RegistryCredentials>> ReadDockerConfigCredentials(
    const std::filesystem::path& config_path, std::string_view registry) {
  std::error_code ec;
  if (!std::filesystem::exists(config_path, ec)) return std::optional<RegistryCredentials>();
  SIGNET_ASSIGN_OR_RETURN(std::string text,
                          ReadSmallFile(config_path, 1024 * 1024, "a Docker config file"));
  const std::string where = config_path.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(where + " is not JSON: " + e.what());
  }
  if (!doc.is_object()) return InvalidArgumentError(where + " must hold a JSON object");
  std::vector<std::string> keys = {std::string(registry), "https://" + std::string(registry),
                                   "http://" + std::string(registry)};
  if (registry == "docker.io") {
    keys.insert(keys.end(), {"https://index.docker.io/v1/", "index.docker.io", "registry-1.docker.io"});
  }
  // Docker writes an entry without "auth" when the credentials went to its credsStore.
  bool listed_without_auth = false;
  auto auths = doc.find("auths");
  if (auths != doc.end() && auths->is_object()) {
    for (const std::string& key : keys) {
      auto entry = auths->find(key);
      if (entry == auths->end() || !entry->is_object()) continue;
      auto auth = entry->find("auth");
      if (auth == entry->end() || !auth->is_string() || auth->get<std::string>().empty()) {
        listed_without_auth = true;
        continue;
      }
      Result<std::string> decoded = Base64Decode(auth->get<std::string>());
      const size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        return InvalidArgumentError(where + ": auths[\"" + key +
                                    "\"].auth must be base64 of \"user:password\"");
      }
      RegistryCredentials out;
      out.username = decoded->substr(0, colon);
      out.password = SecretBytes(std::string_view(*decoded).substr(colon + 1));
      SecureWipe(*decoded);
      return std::optional<RegistryCredentials>(std::move(out));
    }
  }
  std::string helper;
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && helpers->is_object()) {
    if (auto h = helpers->find(std::string(registry)); h != helpers->end() && h->is_string()) {
      helper = h->get<std::string>();
    }
  }
  // A credsStore alone does not mean it holds credentials for this registry: Docker Desktop
  // sets one for everyone, and public images must stay readable anonymously.
  if (auto store = doc.find("credsStore");
      helper.empty() && listed_without_auth && store != doc.end() && store->is_string()) {
    helper = store->get<std::string>();
  }
  if (!helper.empty()) {
    return FailedPreconditionError(where + " keeps the credentials for " + std::string(registry) +
                                   " in the credential helper docker-credential-" + helper +
                                   ", which signet does not run; pass the username and password "
                                   "explicitly");
  }
  return std::optional<RegistryCredentials>();
}

}  // namespace signet::oci
