// `signet verify zip FILE`: offline verification of a signed function package.
//
// Runs zipsig::VerifyPackage, the verifier signetd and the deploy gate use, under a strict blob
// trust policy whose trust stores hold the given trust anchors (as both `ca` and
// `signingAuthority` stores, so signet's own envelopes and plain Notation ones verify), with
// trusted identity "*". The signer attributes signet writes (profile version, job) are processed
// critical attributes; --allowed-profile-version restricts which profile versions are accepted.
//
// Revocation is checked online when an endpoint is given (--endpoint; SIGNET_ENDPOINT is not
// consulted, so verification stays offline unless asked): signetd's GetRevocationStatus, with
// credentials resolved as for every signet command (cli/aws_connection.h). An answer that
// cannot be had fails the check ("could not complete"); it never passes. Without an endpoint
// the revocation check is reported as skipped.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/aws_connection.h"
#include "core/time.h"

namespace signet::cli {

struct VerifyZipOptions {
  std::string file;
  std::vector<std::string> trust_anchor_files;  // PEM or DER certificate files
  std::vector<std::string> allowed_profile_versions;  // empty: any profile version
  bool json = false;
  const Clock* clock = nullptr;  // nullptr: the system clock
  ConnectionFlags connection;    // connection.endpoint empty: offline
  EnvLookup env;                 // empty: the process environment
};

// Exit codes of `signet verify …`.
inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// Writes the report to `out` (human or JSON) and problems that stop verification to `err`.
int RunVerifyZip(const VerifyZipOptions& options, std::ostream& out, std::ostream& err);

}  // namespace signet::cli
