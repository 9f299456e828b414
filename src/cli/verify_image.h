// `signet verify image REF`: verifies a container image's Notary Project signatures as
// `notation verify` does (imagesig::ImageVerifier), with Notation's configuration files.
//
// Trust policy: --trust-policy FILE, else trustpolicy.oci.json (or the legacy trustpolicy.json)
// in the Notation configuration directory: $NOTATION_CONFIG, else
// ${XDG_CONFIG_HOME:-$HOME/.config}/notation. Trust store: --trust-store DIR, else
// <that directory>/truststore (x509/{ca,signingAuthority,tsa}/NAME/*). Registry options:
// cli/image_target.h. Revocation is asked of signetd's GetRevocationStatus when --endpoint is
// given (credentials as every signet command, cli/aws_connection.h), not cached; without it the
// revocation check is skipped, and the report says so.
//
// Every signature tried is reported with each check's result. Exit 0 verified (including a
// trust policy of level "skip", reported as skipped, and logged failures, printed as warnings on
// stderr), 1 not verified (no signature, every signature failed, or one could not be checked),
// 2 usage, configuration, registry or I/O error.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/aws_connection.h"
#include "cli/image_target.h"
#include "core/time.h"

namespace signet::cli {

struct VerifyImageOptions {
  std::string reference;
  std::string trust_policy;  // empty: the Notation default location
  std::string trust_store;   // empty: the Notation default location
  size_t max_signatures = 0;  // 0: imagesig's default (100)
  bool json = false;
  RegistryFlags registry;
  ConnectionFlags connection;  // connection.endpoint empty: revocation not checked
  const Clock* clock = nullptr;
};

// The Notation configuration directory, from $NOTATION_CONFIG, $XDG_CONFIG_HOME and $HOME.
std::string NotationConfigDir(const EnvLookup& env);

int RunVerifyImage(const VerifyImageOptions& options, const EnvLookup& env, std::istream& in,
                   std::ostream& out, std::ostream& err);

}  // namespace signet::cli
