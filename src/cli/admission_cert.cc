#include "cli/admission_cert.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ostream>

#include "cli/verify_zip.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/secret_bytes.h"
#include "crypto/certificate_builder.h"
#include "crypto/private_key.h"

namespace signet::cli {
namespace {

// A DNS label (RFC 1123), as Kubernetes requires of Service and Namespace names.
bool IsDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

// PKCS#8 PEM, returned in a wiping buffer.
SecretBytes PrivateKeyPem(const crypto::PrivateKey& key) {
  static constexpr std::string_view kBegin = "-----BEGIN PRIVATE KEY-----\n";
  static constexpr std::string_view kEnd = "-----END PRIVATE KEY-----\n";
  const SecretBytes b64(Base64Encode(key.ToPkcs8Der().reveal()));
  const size_t lines = (b64.size() + 63) / 64;
  SecretBytes pem;
  pem.Resize(kBegin.size() + b64.size() + lines + kEnd.size());
  char* p = pem.mutable_data();
  p = std::copy(kBegin.begin(), kBegin.end(), p);
  for (size_t i = 0; i < b64.size(); i += 64) {
    const std::string_view line = b64.reveal().substr(i, 64);
    p = std::copy(line.begin(), line.end(), p);
    *p++ = '\n';
  }
  std::copy(kEnd.begin(), kEnd.end(), p);
  return pem;
}

Result<std::string> Issue(const AdmissionCertOptions& o) {
  const crypto::KeyType type =
      o.key == "p384" ? crypto::KeyType::kEcP384 : crypto::KeyType::kEcP256;
  SIGNET_ASSIGN_OR_RETURN(crypto::PrivateKey ca_key, crypto::PrivateKey::Generate(type));
  SIGNET_ASSIGN_OR_RETURN(crypto::PrivateKey server_key, crypto::PrivateKey::Generate(type));
  const Timestamp now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string service_dns = o.service + "." + o.namespace_name + ".svc";

  crypto::CertificateTemplate ca;
  ca.role = crypto::CertificateRole::kRootCa;
  ca.subject.common_name = "signet admission webhook CA (" + service_dns + ")";
  ca.subject.organization = "signet";
  ca.not_before = now - std::chrono::hours(1);  // tolerate clock skew in the cluster
  ca.not_after = now + std::chrono::days(o.days);
  ca.path_length = 0;
  SIGNET_ASSIGN_OR_RETURN(crypto::Certificate ca_cert, crypto::IssueRootCertificate(ca, ca_key));

  crypto::CertificateTemplate server;
  server.role = crypto::CertificateRole::kTlsServer;
  server.subject.common_name = service_dns;
  server.subject.organization = "signet";
  server.not_before = ca.not_before;
  server.not_after = ca.not_after;
  SIGNET_ASSIGN_OR_RETURN(
      crypto::Certificate server_cert,
      crypto::IssueTlsServerCertificate(server, {service_dns, service_dns + ".cluster.local"},
                                        server_key.public_key(), ca_cert, ca_key));

  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return UnavailableError("cannot create " + o.out.string() + ": " + ec.message());
  const std::string ca_pem = ca_cert.ToPem();
  SIGNET_RETURN_IF_ERROR(WriteFileAtomically(o.out / "ca.crt", ca_pem, 0644));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomically(o.out / "tls.crt", server_cert.ToPem() + ca_pem, 0644));
  SIGNET_RETURN_IF_ERROR(
      WriteFileAtomically(o.out / "tls.key", PrivateKeyPem(server_key).reveal(), 0600));
  return Base64Encode(ca_pem);
}

}  // namespace

CLI::App* AddAdmissionCertCommand(CLI::App& app, AdmissionCertOptions& options) {
  CLI::App* admission = app.add_subcommand("admission", "Kubernetes admission webhook set-up");
  admission->require_subcommand(1);
  CLI::App* cert = admission->add_subcommand(
      "cert",
      "Make a CA and a serving certificate for the webhook Service NAME.NS.svc; print the "
      "caBundle (base64 PEM) of the webhook configurations");
  cert->add_option("--service", options.service, "The webhook's Service name")->required();
  cert->add_option("--namespace", options.namespace_name, "The Service's namespace")->required();
  cert->add_option("--out", options.out, "Directory for ca.crt, tls.crt, tls.key")
      ->capture_default_str();
  cert->add_option("--key", options.key, "Key type")
      ->check(CLI::IsMember({"p256", "p384"}))
      ->capture_default_str();
  cert->add_option("--days", options.days, "Validity in days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  return cert;
}

int RunAdmissionCert(const AdmissionCertOptions& options, std::ostream& out, std::ostream& err) {
  if (!IsDnsLabel(options.service) || !IsDnsLabel(options.namespace_name)) {
    err << "signet: --service and --namespace must be DNS labels (lower-case letters, digits, "
           "'-')\n";
    return kExitUsage;
  }
  Result<std::string> bundle = Issue(options);
  if (!bundle.ok()) {
    err << "signet: " << bundle.status().message() << "\n";
    return kExitUsage;
  }
  err << "wrote " << (options.out / "ca.crt").string() << ", " << (options.out / "tls.crt").string()
      << ", " << (options.out / "tls.key").string() << "\n"
      << "serving certificate for " << options.service << "." << options.namespace_name
      << ".svc; the caBundle follows on stdout\n";
  out << *bundle << "\n";
  return 0;
}

}  // namespace signet::cli
