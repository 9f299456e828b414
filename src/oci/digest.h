// OCI content digests ("sha256:<hex>"): validation, computation, and checking bytes against one.
//
// Every byte string the oci module reads from a registry or a layout is checked against the
// digest that names it before anyone else sees it; a mismatch is an error, never a warning.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::oci {

// OK for "sha256:<64 lower-case hex>" and "sha512:<128 lower-case hex>", the algorithms the
// OCI image spec registers; InvalidArgument naming `digest` otherwise.
Status ValidateDigest(std::string_view digest);

// "sha256:<hex>" of `bytes`.
std::string Sha256Digest(std::string_view bytes);

// OK when `bytes` hash to `digest` (which must be valid). InvalidArgument
// "<what> does not match its digest sha256:…: the content is sha256:…" otherwise.
Status VerifyDigest(std::string_view digest, std::string_view bytes, std::string_view what);

// The OCI 1.1 referrers tag schema: "sha256:abc…" -> "sha256-abc…" (the tag under which a
// registry without the Referrers API keeps the index of an artifact's referrers).
Result<std::string> ReferrersTag(std::string_view digest);

}  // namespace signet::oci
