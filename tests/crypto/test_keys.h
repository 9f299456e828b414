// Keys shared by the crypto tests: each is generated once per test binary, on first use (RSA 4096
// takes seconds). The second key of the slow RSA sizes comes from a fixed PEM file instead.
#pragma once

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "crypto/private_key.h"

namespace signet::crypto::testing {

inline constexpr KeyType kAllKeyTypes[] = {KeyType::kEcP256,  KeyType::kEcP384,  KeyType::kEcP521,
                                           KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096};

inline std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The `n`th distinct key of `type`.
inline const PrivateKey& NthSharedKey(KeyType type, int n) {
  static std::mutex mu;
  static std::map<std::pair<KeyType, int>, std::unique_ptr<PrivateKey>> keys;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<PrivateKey>& slot = keys[{type, n}];
  if (slot) return *slot;
  if (n == 1 && (type == KeyType::kRsa3072 || type == KeyType::kRsa4096)) {
    const std::string file =
        std::string(SIGNET_SOURCE_DIR) + "/tests/crypto/testdata/" +
        (type == KeyType::kRsa3072 ? "other_rsa3072.pem" : "other_rsa4096.pem");
    slot =
        std::make_unique<PrivateKey>(PrivateKey::FromPem(SecretBytes(ReadTestFile(file))).value());
  } else {
    slot = std::make_unique<PrivateKey>(PrivateKey::Generate(type).value());
  }
  return *slot;
}

inline const PrivateKey& SharedKey(KeyType type) { return NthSharedKey(type, 0); }
// A second, different key of the same type (for "signed by another key" cases).
inline const PrivateKey& OtherSharedKey(KeyType type) { return NthSharedKey(type, 1); }

}  // namespace signet::crypto::testing
