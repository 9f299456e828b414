#include "cli/trust_export.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/file.h"
#include "crypto/certificate.h"
#include "notary/trust_store.h"

namespace signet::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kMaxRootFileBytes = 1 << 20;
constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitError = 2;

struct Fetched {
  std::string pem;
  int exit_code = kExitOk;
  std::string error;
};

Fetched FromSignetd(const TrustExportOptions& options, const EnvLookup& env) {
  Fetched f;
  f.exit_code = kExitError;
  Result<AwsConnection> connection = ResolveConnection(options.connection, env);
  if (!connection.ok()) {
    f.error = connection.status().message();
    return f;
  }
  Result<std::unique_ptr<api::AwsClient>> client = Connect(*connection);
  if (!client.ok()) {
    f.error = client.status().message();
    return f;
  }
  Result<api::AwsResponse> response = (*client)->Send("GET", "/trust-anchor", "", "", "signer");
  if (!response.ok()) {
    f.error = response.status().message() + " (is signetd running at " + connection->endpoint +
              "? --data-dir reads the root from signetd's data directory instead)";
    return f;
  }
  if (response->status != 200) {
    f.exit_code = kExitRefused;
    f.error = "GET /trust-anchor failed: " + DescribeAwsError(*response);
    if (response->status == 403) f.error += " (credentials from " + connection->described + ")";
    return f;
  }
  const json body = json::parse(response->body, nullptr, false);
  if (!body.is_object() || !body.contains("certificatePem") || !body["certificatePem"].is_string()) {
    f.error = "signetd answered GET /trust-anchor with something unreadable";
    return f;
  }
  f.pem = body["certificatePem"].get<std::string>();
  f.exit_code = kExitOk;
  return f;
}

Fetched FromDataDir(const std::string& data_dir) {
  Fetched f;
  Result<std::string> pem =
      ReadSmallFile(fs::path(data_dir) / "root-ca.pem", kMaxRootFileBytes, "a root certificate");
  if (!pem.ok()) {
    f.exit_code = kExitError;
    f.error = pem.status().message();
    return f;
  }
  f.pem = std::move(*pem);
  return f;
}

}  // namespace

int RunTrustExport(const TrustExportOptions& options, const EnvLookup& env, std::ostream& out,
                   std::ostream& err) {
  if (!notary::IsValidTrustStoreName(options.store_name)) {
    err << "signet: --name \"" << options.store_name
        << "\" is not a trust store name ([a-zA-Z0-9_.-]+)\n";
    return kExitError;
  }
  Fetched fetched = options.data_dir.empty() ? FromSignetd(options, env) : FromDataDir(options.data_dir);
  if (fetched.exit_code != kExitOk) {
    err << "signet: " << fetched.error << "\n";
    return fetched.exit_code;
  }
  // Only a self-signed CA certificate is written: a trust store must hold roots.
  Result<crypto::Certificate> root = crypto::Certificate::FromPem(fetched.pem);
  if (!root.ok()) {
    err << "signet: the root certificate is unreadable: " << root.status().message() << "\n";
    return kExitError;
  }
  notary::TrustStore check;
  if (Status s = check.Add(notary::TrustStoreType::kSigningAuthority, options.store_name, {*root});
      !s.ok()) {
    err << "signet: the exported certificate cannot be a trust anchor: " << s.message() << "\n";
    return kExitError;
  }
  const std::string pem = root->ToPem();
  if (!options.output.empty()) {
    if (Status s = WriteFileAtomically(options.output, pem); !s.ok()) {
      err << "signet: " << s.message() << "\n";
      return kExitError;
    }
  }
  if (!options.trust_store.empty()) {
    const fs::path dir =
        fs::path(options.trust_store) / "x509" / "signingAuthority" / options.store_name;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      err << "signet: cannot create " << dir.string() << ": " << ec.message() << "\n";
      return kExitError;
    }
    const fs::path file = dir / kExportedRootFileName;
    if (Status s = WriteFileAtomically(file, pem); !s.ok()) {
      err << "signet: " << s.message() << "\n";
      return kExitError;
    }
    err << "signet: wrote " << file.string() << " (trust store \"signingAuthority:"
        << options.store_name << "\"; subject " << root->Subject() << ")\n";
  }
  if (options.output.empty() && options.trust_store.empty()) out << pem;
  return kExitOk;
}

}  // namespace signet::cli
