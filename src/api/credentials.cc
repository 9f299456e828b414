#include "api/credentials.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/arn.h"
#include "core/file.h"
#include "core/ids.h"

namespace signet::api {
namespace {

constexpr size_t kMaxAccessKeyFileBytes = 1024 * 1024;

}  // namespace

Result<AccessKeyTable> AccessKeyTable::Load(const std::filesystem::path& path) {
  SIGNET_ASSIGN_OR_RETURN(std::string text,
                          ReadSmallFile(path, kMaxAccessKeyFileBytes, "the access key file"));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError(path.string() + ": " + why);
  };
  if (!doc.is_object() || !doc.contains("accessKeys") || !doc["accessKeys"].is_array()) {
    return bad("expected {\"accessKeys\": [...]}");
  }
  AccessKeyTable table;
  size_t index = 0;
  for (const nlohmann::json& entry : doc["accessKeys"]) {
    const std::string where = "accessKeys[" + std::to_string(index++) + "]";
    for (const char* member : {"accessKeyId", "secretAccessKey", "account", "principal"}) {
      if (!entry.is_object() || !entry.contains(member) || !entry[member].is_string() ||
          entry[member].get<std::string>().empty()) {
        return bad(where + "." + member + " must be a non-empty string");
      }
    }
    AccessKey key{entry["accessKeyId"].get<std::string>(),
                  SecretBytes(entry["secretAccessKey"].get<std::string>()),
                  entry["account"].get<std::string>(), entry["principal"].get<std::string>()};
    if (!IsValidAccountId(key.account)) return bad(where + ".account must be 12 digits");
    Status added = table.Add(std::move(key));
    if (!added.ok()) return bad(where + ": " + added.message());
  }
  return table;
}

Status AccessKeyTable::Save(const std::filesystem::path& path) const {
  nlohmann::json keys = nlohmann::json::array();
  for (const AccessKey& k : keys_) {
    keys.push_back({{"accessKeyId", k.access_key_id},
                    {"secretAccessKey", std::string(k.secret_access_key.reveal())},
                    {"account", k.account},
                    {"principal", k.principal}});
  }
  std::string text = nlohmann::json{{"accessKeys", keys}}.dump(2) + "\n";
  Status written = WriteFileAtomically(path, text, 0600);
  SecureWipe(text);
  return written;
}

AccessKey AccessKeyTable::Generate(std::string_view partition, std::string_view account,
                                   std::string_view user_name) {
  AccessKey key;
  key.access_key_id = "AKIA" + RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  std::string secret =
      RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
  key.secret_access_key = SecretBytes(secret);
  SecureWipe(secret);
  key.account = std::string(account);
  key.principal = "arn:" + std::string(partition) + ":iam::" + std::string(account) + ":user/" +
                  std::string(user_name);
  return key;
}

Status AccessKeyTable::Add(AccessKey key) {
  if (Find(key.access_key_id) != nullptr) {
    return AlreadyExistsError("access key " + key.access_key_id + " is listed twice");
  }
  keys_.push_back(std::move(key));
  return Status::Ok();
}

const AccessKey* AccessKeyTable::Find(std::string_view access_key_id) const {
  for (const AccessKey& k : keys_) {
    if (k.access_key_id == access_key_id) return &k;
  }
  return nullptr;
}

Status WriteSharedCredentialsFile(const std::filesystem::path& path, std::string_view profile,
                                  const AccessKey& key) {
  std::string text = "[" + std::string(profile) + "]\naws_access_key_id = " + key.access_key_id +
                     "\naws_secret_access_key = " + std::string(key.secret_access_key.reveal()) +
                     "\n";
  Status written = WriteFileAtomically(path, text, 0600);
  SecureWipe(text);
  return written;
}

Status WriteSharedConfigFile(const std::filesystem::path& path, std::string_view profile,
                             std::string_view region) {
  const std::string section =
      profile == "default" ? "[default]" : "[profile " + std::string(profile) + "]";
  return WriteFileAtomically(path, section + "\nregion = " + std::string(region) + "\n", 0600);
}

}  // namespace signet::api
