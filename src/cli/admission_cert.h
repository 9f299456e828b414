// `signet admission cert`: the TLS material of the admission webhook (issue 5).
//
//   signet admission cert --service NAME --namespace NS [--out DIR] [--key p256|p384] [--days N]
//
// Makes a fresh CA (its key is discarded: rerun to rotate) and a serving certificate it issues,
// valid for NAME.NS.svc and NAME.NS.svc.cluster.local (the names the API server calls a webhook
// Service by), EKU serverAuth. Writes DIR/ca.crt, DIR/tls.crt (serving certificate, then the
// CA) and DIR/tls.key (PKCS#8 PEM, mode 0600), and prints the caBundle of the webhook
// configurations (base64 of ca.crt) on stdout, alone, for `CA_BUNDLE=$(signet admission cert …)`.
// Exit status: 0 written; 2 usage or I/O error.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace signet::cli {

struct AdmissionCertOptions {
  std::string service;
  std::string namespace_name;
  std::filesystem::path out = ".";
  std::string key = "p256";
  int days = 365;
};

// Adds `admission cert` to `app`, filling `options`; returns the `cert` subcommand.
CLI::App* AddAdmissionCertCommand(CLI::App& app, AdmissionCertOptions& options);

int RunAdmissionCert(const AdmissionCertOptions& options, std::ostream& out, std::ostream& err);

}  // namespace signet::cli
