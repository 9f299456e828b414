// `signet trust export`: the installation's root certificate (DESIGN.md §4), the trust anchor of
// a Notation `signingAuthority` trust store.
//
// The root comes from signetd's GET /trust-anchor (SigV4, service `signer`, any authenticated
// principal), so it can be exported wherever the CLI can reach signetd; with --data-dir it is
// read from root-ca.pem in signetd's data directory instead (no signetd needed, e.g. on the
// signetd host before it first starts serving). The PEM goes to stdout, to -o FILE, and/or, with
// --trust-store DIR, to DIR/x509/signingAuthority/NAME/signet-root.pem (NAME from --name,
// default "signet"), the layout `notation cert add --type signingAuthority --store NAME` makes.
// Files are written atomically; the certificate is parsed (and must be a self-signed CA) before
// anything is written.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/aws_connection.h"

namespace signet::cli {

inline constexpr std::string_view kDefaultTrustStoreName = "signet";
inline constexpr std::string_view kExportedRootFileName = "signet-root.pem";

struct TrustExportOptions {
  std::string output;       // -o FILE; empty (and no trust store): stdout
  std::string trust_store;  // --trust-store DIR: the Notation trust store directory
  std::string store_name = std::string(kDefaultTrustStoreName);
  std::string data_dir;     // --data-dir: read signetd's root-ca.pem instead of asking signetd
  ConnectionFlags connection;
};

// Exit 0 written, 1 signetd refused, 2 usage, I/O, credentials or connection error.
int RunTrustExport(const TrustExportOptions& options, const EnvLookup& env, std::ostream& out,
                   std::ostream& err);

}  // namespace signet::cli
