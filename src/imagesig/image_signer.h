// Signing a container image (DESIGN.md §5.1): resolve the reference to its manifest digest,
// have the Notary payload {"targetArtifact": <manifest descriptor>} signed, and push the envelope
// as a signature manifest whose subject is the image manifest.
//
// The key never comes here: a PayloadSigner (the CLI's calls signetd's SignPayload) turns the
// payload into an envelope. The envelope is parsed (not verified) before anything is pushed, so
// a signer that signed something else, or returned garbage, leaves the repository untouched.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "oci/repository.h"

namespace signet::imagesig {

// Signs `notary_payload_json` (the exact bytes, content type
// application/vnd.cncf.notary.payload.v1+json) and returns the JWS envelope bytes.
using PayloadSigner = std::function<Result<std::string>(std::string_view notary_payload_json)>;

struct SignImageOptions {
  // For the org.opencontainers.image.created annotation. nullptr: SystemClock(). Not owned.
  const Clock* clock = nullptr;
};

struct SignedImage {
  oci::Descriptor image;               // the signed image manifest
  bool reference_was_tag = false;      // the reference named a tag, resolved to image.digest
  oci::Descriptor signature_manifest;  // the pushed signature manifest
  oci::Descriptor envelope;            // its layer, the envelope blob
  // Profile version and job ARNs from the envelope's signed attributes; empty when absent.
  std::string profile_version_arn;
  std::string job_arn;
  // For the user, not failures: signing a tag, a superseded referrers index left behind, …
  std::vector<std::string> warnings;
};

// `reference` is a tag ("v1") or a digest ("sha256:…") in `repository`. Errors: the
// Repository's (NotFound for an unknown reference, Unavailable, …); the signer's, unchanged;
// InvalidArgument when the signer's envelope is not a Notary JWS envelope over the payload.
Result<SignedImage> SignImage(oci::Repository& repository, std::string_view reference,
                              const PayloadSigner& signer, const SignImageOptions& options = {});

}  // namespace signet::imagesig
