// TrustStore: the named sets of trusted root certificates a trust policy refers to as
// "<type>:<name>" (Notary Project trust store specification).
//
// Two sources, usable together:
//   - a Notation trust-store directory, `<root>/x509/{ca,signingAuthority,tsa}/<name>/*`, read on
//     each lookup (so edits take effect without a restart). Every regular file in a named store
//     is a certificate file (PEM with one or more certificates, or one DER certificate); a file
//     that is not is an error naming it. Subdirectories are ignored, as the specification says;
//     symlinks are refused;
//   - in-memory stores added with Add() (e.g. `signet verify zip --trust-anchor root.pem`).
//     An in-memory store shadows a directory store of the same type and name.
//
// Certificates must be CA certificates or self-issued (notation-go's rule: a trust anchor is a
// root, or a self-signed signing certificate); those of a tsa store must be self-issued roots.
//
// Thread-safety: const methods may run concurrently; Add() must not run concurrently with them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "crypto/certificate.h"

namespace signet::notary {

enum class TrustStoreType { kCa, kSigningAuthority, kTsa };

std::string_view TrustStoreTypeName(TrustStoreType type);  // "ca", "signingAuthority", "tsa"
std::optional<TrustStoreType> ParseTrustStoreType(std::string_view name);
// Named store names follow [a-zA-Z0-9_.-]+ (they are directory names).
bool IsValidTrustStoreName(std::string_view name);

class TrustStore {
 public:
  // An empty trust store with no directory.
  TrustStore() = default;
  // A trust store backed by the directory `root` (the parent of "x509/"). The directory need not
  // exist yet; lookups fail until it does.
  static TrustStore FromDirectory(std::filesystem::path root);

  // Adds (or replaces) the in-memory store `type:name`. InvalidArgument for a bad name, an empty
  // list, or a certificate that may not be a trust anchor of `type`.
  Status Add(TrustStoreType type, std::string_view name,
             std::vector<crypto::Certificate> certificates);

  // The certificates of `type:name`. NotFound "the trust store \"x\" of type \"tsa\" does not
  // exist"; InvalidArgument when the store holds a file that is not a certificate, a certificate
  // that may not be a trust anchor, a symlink, or no certificate at all.
  Result<std::vector<crypto::Certificate>> GetCertificates(TrustStoreType type,
                                                           std::string_view name) const;

 private:
  Result<std::vector<crypto::Certificate>> ReadDirectoryStore(TrustStoreType type,
                                                              std::string_view name) const;

  std::optional<std::filesystem::path> root_;
  std::map<std::pair<TrustStoreType, std::string>, std::vector<crypto::Certificate>> in_memory_;
};

}  // namespace signet::notary
