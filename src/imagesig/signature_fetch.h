// The reading steps SignImage, ImageVerifier and ListSignatures share: resolving a reference to
// the image manifest, and fetching one signature (its manifest, then its envelope blob) under
// the named size limits.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "imagesig/signature_manifest.h"
#include "notary/signature_envelope.h"
#include "oci/repository.h"

namespace signet::imagesig {

struct ResolvedImage {
  oci::Descriptor image;  // media type, digest and size only: what a Notary payload names
  bool reference_was_tag = false;
};

// `reference` is a tag or a digest. The image must be a manifest or an index (InvalidArgument
// otherwise).
Result<ResolvedImage> ResolveImage(oci::Repository& repository, std::string_view reference);

// The warning a tag reference earns (notation's wording).
std::string TagWarning(std::string_view tag, std::string_view digest);

struct FetchedSignature {
  SignatureManifest manifest;
  std::string envelope;  // the blob, checked against manifest.envelope's digest
};

// Fetches the signature manifest `manifest` (a referrer of `subject_digest`), parses it, checks
// that its subject is `subject_digest` (FailedPrecondition otherwise: a signature of another
// image), and fetches its envelope (at most notary::kMaxEnvelopeSize).
Result<FetchedSignature> FetchSignature(oci::Repository& repository, const oci::Descriptor& manifest,
                                        std::string_view subject_digest);

// Parses envelope bytes of `media_type` (JWS or COSE) without verifying them.
Result<notary::EnvelopeContent> ParseEnvelope(std::string_view bytes, std::string_view media_type);

// The value of the signed attribute `key`; empty when absent.
std::string SignedAttribute(const notary::EnvelopeContent& content, std::string_view key);

}  // namespace signet::imagesig
