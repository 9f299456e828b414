// Signing and verifying a function package (DESIGN.md §5.2, docs/formats.md).
//
// The envelope is a Notary Project JWS whose payload describes the package's unsigned form:
//   {"targetArtifact":{"digest":"sha384:<hex>","mediaType":"application/zip","size":N}}
// It travels in the archive's EOCD comment behind kSignatureMarker, so the signed archive stays
// an ordinary ZIP. The same code signs for `signet`, StartSigningJob and the deploy gate, and
// verifies for `signet verify zip`, the deploy gate and signetd.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"
#include "notary/payload.h"
#include "notary/signature_envelope.h"
#include "notary/verifier.h"
#include "zipsig/byte_source.h"
#include "zipsig/zip_archive.h"

namespace signet::zipsig {

inline constexpr std::string_view kZipMediaType = "application/zip";

struct PackageSignOptions {
  notary::SigningScheme scheme = notary::SigningScheme::kX509SigningAuthority;
  Timestamp signing_time;
  std::optional<Timestamp> expiry;
  // The signer's attributes, e.g. the profile version and job ARNs (critical).
  std::vector<notary::ExtendedAttribute> extended_attributes;
  std::vector<crypto::Certificate> certificate_chain;  // leaf first
  std::string signing_agent;
};

struct SignedPackage {
  notary::Descriptor target;  // what the envelope signs: the unsigned form
  std::string envelope;       // the JWS envelope embedded in the comment
  uint64_t signed_size = 0;   // size of the signed archive written to the sink
};

// Validates `package`, signs its unsigned form and streams the signed archive to `out` in one
// pass (the caller Close()s it on success; on error `out` may hold a partial archive and must
// not be closed: a file sink then leaves nothing behind). Refused with InvalidArgument: a malformed or empty archive;
// FailedPrecondition: a package that is already signed ("package is already signed") or whose
// comment is someone else's (it would be lost).
Result<SignedPackage> SignPackage(ByteSource& package, const PackageSignOptions& options,
                                  const crypto::Signer& signer, ByteSink& out);

// The unverified facts of a package: its layout, the descriptor of its unsigned form, and the
// embedded envelope when there is one.
struct PackageContent {
  ZipLayout layout;
  notary::Descriptor target;
  std::optional<std::string> envelope;  // nullopt: unsigned (CommentKind::kNone)
};
// InvalidArgument for a malformed archive or a foreign comment.
Result<PackageContent> InspectPackage(ByteSource& package);

// Verifies the package's signature with `verifier` under the blob trust policy statement
// `policy_name` (empty: the global statement). Errors (no outcome): InvalidArgument for a
// malformed archive or a foreign comment, FailedPrecondition "package is not signed", and the
// Verifier's own policy-selection errors.
Result<notary::VerificationOutcome> VerifyPackage(ByteSource& package,
                                                  const notary::Verifier& verifier,
                                                  std::string_view policy_name);
// As VerifyPackage, for a package already inspected.
Result<notary::VerificationOutcome> VerifyPackageContent(const PackageContent& content,
                                                         const notary::Verifier& verifier,
                                                         std::string_view policy_name);

}  // namespace signet::zipsig
