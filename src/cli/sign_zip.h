// `signet sign zip IN.zip --profile NAME`: signs a function package through signetd in one call.
//
// Sends the package to POST /signing-jobs/package (SigV4, service `signer`), where signetd signs
// it as a job of the profile (recorded and metered as StartSigningJob), and writes the signed
// archive atomically to the output file: IN with its ".zip" suffix replaced by ".signed.zip"
// (IN.signed.zip when IN does not end in .zip) unless -o names one. Nothing is written when
// signing fails. Text output names the job; `--output json` prints DescribeSigningJob's answer
// plus "signedFile", "signingJobArn" and "signingProfileVersionArn".
#pragma once

#include <iosfwd>
#include <string>

#include "cli/aws_connection.h"

namespace signet::cli {

struct SignZipOptions {
  std::string input;
  std::string profile_name;
  std::string profile_owner;  // empty: the caller's own profile
  std::string output;         // empty: DefaultSignedPath(input)
  bool json = false;
  bool progress = false;      // draw a progress bar on `err` for packages of 1 MiB or more
  ConnectionFlags connection;
};

// Exit codes of `signet sign …`: 0 signed, or skipped by the environment's signing mode
// ("signing skipped: environment dev …" printed, no file written); 1 signetd refused (the AWS
// error is printed); 2 usage, local I/O, credentials or connection errors.
inline constexpr int kExitSigned = 0;
inline constexpr int kExitSkipped = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitSignError = 2;

std::string DefaultSignedPath(const std::string& input);

int RunSignZip(const SignZipOptions& options, const EnvLookup& env, std::ostream& out,
               std::ostream& err);

}  // namespace signet::cli
