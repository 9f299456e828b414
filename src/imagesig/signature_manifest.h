// The signature manifest: how a Notary Project signature is stored beside an image in an OCI
// registry or image layout (DESIGN.md §5.1; Notary Project signature specification, "Storage").
//
//   {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
//    "artifactType":"application/vnd.cncf.notary.signature",
//    "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136f…",
//              "size":2,"data":"e30="},
//    "layers":[{"mediaType":"application/jose+json","digest":"sha256:…","size":N}],
//    "subject":{"mediaType":"…","digest":"sha256:…","size":N},
//    "annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[\"<hex>\",…]",
//                   "org.opencontainers.image.created":"2023-03-14T08:10:02Z"}}
//
// Built in notation-go's member order (its bytes, for the same inputs, are notation's bytes).
// Parsing reads untrusted bytes and accepts both forms notation reads: the OCI 1.1 form above
// and the older form without artifactType whose config has media type
// application/vnd.cncf.notary.signature.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "oci/manifest.h"

namespace signet::imagesig {

inline constexpr std::string_view kNotarySignatureArtifactType =
    "application/vnd.cncf.notary.signature";
inline constexpr std::string_view kThumbprintAnnotation = "io.cncf.notary.x509chain.thumbprint#S256";
inline constexpr std::string_view kCreatedAnnotation = "org.opencontainers.image.created";

enum class SignatureManifestForm {
  kArtifactType,  // OCI 1.1: artifactType = kNotarySignatureArtifactType
  kLegacyConfig,  // no artifactType; config.mediaType = kNotarySignatureArtifactType
};

// What a signature manifest says. Nothing in it is verified: the envelope it points to is.
struct SignatureManifest {
  SignatureManifestForm form = SignatureManifestForm::kArtifactType;
  oci::Descriptor subject;   // the signed manifest (media type, digest, size)
  oci::Descriptor envelope;  // the one layer: kJwsMediaType or kCoseMediaType, ≤ kMaxEnvelopeSize
  std::map<std::string, std::string> annotations;
  // Parsed from kThumbprintAnnotation / kCreatedAnnotation; empty / nullopt when absent or
  // unreadable (they are informative only; notation does not verify with them).
  std::vector<std::string> thumbprints;
  std::optional<Timestamp> created;
};

// Lower-case hex SHA-256 of each certificate's DER, in chain order (leaf first).
std::vector<std::string> ChainThumbprints(const std::vector<crypto::Certificate>& chain);

// The kThumbprintAnnotation value: a compact JSON array of strings.
std::string ThumbprintAnnotationValue(const std::vector<std::string>& thumbprints);

// The OCI 1.1 signature manifest for an envelope `envelope` (its media type, digest, size) that
// signs `subject`, with the thumbprint annotation (at least one thumbprint) and `created`.
// InvalidArgument for an envelope media type other than JWS/COSE, a malformed digest or an empty
// chain of thumbprints.
Result<std::string> BuildSignatureManifest(const oci::Descriptor& subject,
                                           const oci::Descriptor& envelope,
                                           const std::vector<std::string>& thumbprints,
                                           Timestamp created);

// Parses a signature manifest (either form). InvalidArgument naming the problem: not an OCI
// image manifest, not a Notary signature (artifactType / config media type), no subject, zero or
// several layers, a layer media type that is not a Notary envelope, an envelope larger than
// notary::kMaxEnvelopeSize.
Result<SignatureManifest> ParseSignatureManifest(std::string_view bytes);

}  // namespace signet::imagesig
