// AccessKeyTable: the access keys signetd accepts (DESIGN.md §3). Each maps to an account and a
// principal ARN; SigV4 verification looks the secret up here.
//
// Stored in DATA/access-keys.json (mode 0600), which operators edit to add keys for other
// accounts and principals:
//   {"accessKeys":[{"accessKeyId":"AKIA…","secretAccessKey":"…","account":"000000000000",
//                   "principal":"arn:aws:iam::000000000000:user/admin"}]}
// Immutable after Load; thread-safe to read.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace signet::api {

struct AccessKey {
  std::string access_key_id;  // AKIA + 16 of [A-Z2-7]
  SecretBytes secret_access_key;
  std::string account;    // 12 digits
  std::string principal;  // principal ARN
};

class AccessKeyTable {
 public:
  // InvalidArgument naming the entry for a malformed file (bad JSON, missing member, account not
  // 12 digits, duplicate key id).
  static Result<AccessKeyTable> Load(const std::filesystem::path& path);
  Status Save(const std::filesystem::path& path) const;

  // A new random key for `account` (principal arn:aws:iam::ACCOUNT:user/NAME).
  static AccessKey Generate(std::string_view partition, std::string_view account,
                            std::string_view user_name);

  Status Add(AccessKey key);
  const AccessKey* Find(std::string_view access_key_id) const;
  const std::vector<AccessKey>& keys() const { return keys_; }

 private:
  std::vector<AccessKey> keys_;
};

// Writes an AWS shared credentials file (profile `profile`) holding `key`, mode 0600.
Status WriteSharedCredentialsFile(const std::filesystem::path& path, std::string_view profile,
                                  const AccessKey& key);
// Writes an AWS config file (profile `profile`) naming the region, mode 0600.
Status WriteSharedConfigFile(const std::filesystem::path& path, std::string_view profile,
                             std::string_view region);

}  // namespace signet::api
