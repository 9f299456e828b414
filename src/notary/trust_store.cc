#include "notary/trust_store.h"

#include <algorithm>
#include <system_error>

#include "core/file.h"

namespace signet::notary {
namespace {

namespace fs = std::filesystem;

// A trust-store certificate file larger than this is not a certificate file.
constexpr size_t kMaxCertificateFileSize = size_t{1} << 20;

std::string StoreLabel(TrustStoreType type, std::string_view name) {
  return "trust store \"" + std::string(name) + "\" of type \"" +
         std::string(TrustStoreTypeName(type)) + "\"";
}

// notation-go's truststore.ValidateCertificates plus its root-only rule for tsa stores.
Status ValidateAnchor(TrustStoreType type, const crypto::Certificate& certificate,
                      std::string_view where) {
  if (type == TrustStoreType::kTsa) {
    if (!certificate.IsSelfIssued()) {
      return InvalidArgumentError(
          std::string(where) + ": certificate with subject \"" + certificate.Subject() +
          "\" is not a root CA certificate: issuer (" + certificate.Issuer() + ") and subject (" +
          certificate.Subject() + ") are not the same");
    }
    return Status::Ok();
  }
  if (!certificate.IsCa() && !certificate.IsSelfIssued()) {
    return InvalidArgumentError(std::string(where) + ": certificate with subject \"" +
                                certificate.Subject() +
                                "\" is not a CA certificate or self-signed signing certificate");
  }
  return Status::Ok();
}


}  // namespace

std::string_view TrustStoreTypeName(TrustStoreType type) {
  switch (type) {
    case TrustStoreType::kCa:
      return "ca";
    case TrustStoreType::kSigningAuthority:
      return "signingAuthority";
    case TrustStoreType::kTsa:
      return "tsa";
  }
  return "unknown";
}

std::optional<TrustStoreType> ParseTrustStoreType(std::string_view name) {
  for (TrustStoreType type :
       {TrustStoreType::kCa, TrustStoreType::kSigningAuthority, TrustStoreType::kTsa}) {
    if (TrustStoreTypeName(type) == name) return type;
  }
  return std::nullopt;
}

bool IsValidTrustStoreName(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

TrustStore TrustStore::FromDirectory(std::filesystem::path root) {
  TrustStore store;
  store.root_ = std::move(root);
  return store;
}

Status TrustStore::Add(TrustStoreType type, std::string_view name,
                       std::vector<crypto::Certificate> certificates) {
  if (!IsValidTrustStoreName(name)) {
    return InvalidArgumentError("trust store name needs to follow [a-zA-Z0-9_.-]+ format, \"" +
                                std::string(name) + "\" is invalid");
  }
  if (certificates.empty()) {
    return InvalidArgumentError("no x509 certificates were given for the " +
                                StoreLabel(type, name));
  }
  for (size_t i = 0; i < certificates.size(); ++i) {
    SIGNET_RETURN_IF_ERROR(ValidateAnchor(
        type, certificates[i], StoreLabel(type, name) + " certificate " + std::to_string(i)));
  }
  in_memory_[{type, std::string(name)}] = std::move(certificates);
  return Status::Ok();
}

Result<std::vector<crypto::Certificate>> TrustStore::GetCertificates(TrustStoreType type,
                                                                     std::string_view name) const {
  if (!IsValidTrustStoreName(name)) {
    return InvalidArgumentError("trust store name needs to follow [a-zA-Z0-9_.-]+ format, \"" +
                                std::string(name) + "\" is invalid");
  }
  if (const auto it = in_memory_.find({type, std::string(name)}); it != in_memory_.end()) {
    return it->second;
  }
  if (!root_) return NotFoundError("the " + StoreLabel(type, name) + " does not exist");
  return ReadDirectoryStore(type, name);
}

Result<std::vector<crypto::Certificate>> TrustStore::ReadDirectoryStore(
    TrustStoreType type, std::string_view name) const {
  const fs::path dir = *root_ / "x509" / std::string(TrustStoreTypeName(type)) / std::string(name);
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(status)) {
    return NotFoundError("the " + StoreLabel(type, name) + " does not exist");
  }
  if (fs::is_symlink(status) || !fs::is_directory(status)) {
    return InvalidArgumentError("the " + StoreLabel(type, name) + " with path " + dir.string() +
                                " is not a regular directory (symlinks are not supported)");
  }

  // Sorted by file name so that the result does not depend on directory order.
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::file_status entry = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(entry)) continue;  // the specification: subdirectories are ignored
    if (fs::is_symlink(entry) || !fs::is_regular_file(entry)) {
      return InvalidArgumentError("trusted certificate " + it->path().filename().string() +
                                  " in the " + StoreLabel(type, name) +
                                  " is not a regular file (symlinks are not supported)");
    }
    files.push_back(it->path());
  }
  if (ec) {
    return InvalidArgumentError("failed to access the " + StoreLabel(type, name) + ": " +
                                ec.message());
  }
  std::sort(files.begin(), files.end());

  std::vector<crypto::Certificate> certificates;
  for (const fs::path& file : files) {
    const std::string where =
        "trusted certificate " + file.filename().string() + " in the " + StoreLabel(type, name);
    SIGNET_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(file, kMaxCertificateFileSize, "a certificate file"));
    Result<std::vector<crypto::Certificate>> parsed = crypto::Certificate::ParseBundle(bytes);
    if (!parsed.ok()) {
      return InvalidArgumentError("failed to read the " + where + ": " + parsed.status().message());
    }
    for (crypto::Certificate& certificate : *parsed) {
      SIGNET_RETURN_IF_ERROR(ValidateAnchor(type, certificate, where));
      certificates.push_back(std::move(certificate));
    }
  }
  if (certificates.empty()) {
    return InvalidArgumentError("no x509 certificates were found in the " + StoreLabel(type, name));
  }
  return certificates;
}

}  // namespace signet::notary
