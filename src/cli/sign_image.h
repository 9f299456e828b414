// `signet sign image REF --profile NAME`: signs a container image through signetd (DESIGN.md
// §5.1) and pushes the signature next to it.
//
// REF is resolved to its manifest digest, which is what gets signed; when REF names a tag, a
// warning on stderr says which digest the tag points to now. signetd's SignPayload (platform
// Notation-OCI-SHA384-ECDSA) signs the Notary payload as a job of the profile; the envelope is
// pushed as a signature manifest whose subject is the image (Referrers API, or the referrers tag
// schema on registries without it). Registry options: cli/image_target.h; signetd connection and
// environment: cli/aws_connection.h. An environment whose policy skips signing exits 0 with
// signetd's "signing skipped: …" message and pushes nothing.
//
// Text output names the digests and the job; `--output json` prints {"image": {reference,
// digest, mediaType, size}, "signatureManifest": {digest, size}, "signingJobArn",
// "signingProfileVersionArn", "warnings": [...]}.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/aws_connection.h"
#include "cli/image_target.h"

namespace signet::cli {

struct SignImageCliOptions {
  std::string reference;
  std::string profile_name;
  std::string profile_owner;  // empty: the caller's own profile
  bool json = false;
  RegistryFlags registry;
  ConnectionFlags connection;
};

// Exit codes as `signet sign zip` (sign_zip.h): 0 signed (or skipped), 1 signetd refused,
// 2 usage, registry, credentials or connection error.
int RunSignImage(const SignImageCliOptions& options, const EnvLookup& env, std::istream& in,
                 std::ostream& out, std::ostream& err);

}  // namespace signet::cli
