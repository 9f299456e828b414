#include "imagesig/signature_fetch.h"

#include "notary/cose_envelope.h"
#include "notary/jws_envelope.h"
#include "oci/manifest.h"

namespace signet::imagesig {

Result<ResolvedImage> ResolveImage(oci::Repository& repository, std::string_view reference) {
  if (reference.empty()) return InvalidArgumentError("no image reference (tag or digest) given");
  SIGNET_ASSIGN_OR_RETURN(oci::Descriptor resolved, repository.Resolve(reference));
  if (!oci::IsManifestMediaType(resolved.media_type)) {
    return InvalidArgumentError("'" + std::string(reference) + "' is a " + resolved.media_type +
                                ", not an image manifest or index");
  }
  ResolvedImage out;
  out.image.media_type = resolved.media_type;
  out.image.digest = resolved.digest;
  out.image.size = resolved.size;
  // A digest always holds ':', which a tag never does.
  out.reference_was_tag = reference.find(':') == std::string_view::npos;
  return out;
}

std::string TagWarning(std::string_view tag, std::string_view digest) {
  return "always name an image by digest (@sha256:...) rather than by tag (:" + std::string(tag) +
         "): tags are mutable; tag " + std::string(tag) + " names " + std::string(digest) + " now";
}

Result<FetchedSignature> FetchSignature(oci::Repository& repository, const oci::Descriptor& manifest,
                                        std::string_view subject_digest) {
  if (manifest.size > oci::kMaxManifestBytes) {
    return InvalidArgumentError("signature manifest " + manifest.digest + " is " +
                                std::to_string(manifest.size) + " bytes, over the 4 MiB limit");
  }
  SIGNET_ASSIGN_OR_RETURN(oci::Manifest fetched, repository.FetchManifest(manifest.digest));
  FetchedSignature out;
  Result<SignatureManifest> parsed = ParseSignatureManifest(fetched.bytes);
  if (!parsed.ok()) return parsed.status().WithContext("signature manifest " + manifest.digest);
  out.manifest = std::move(parsed).value();
  if (out.manifest.subject.digest != subject_digest) {
    return FailedPreconditionError("signature manifest " + manifest.digest + " signs " +
                                   out.manifest.subject.digest + ", not " +
                                   std::string(subject_digest));
  }
  Result<std::string> blob = repository.FetchBlob(out.manifest.envelope, notary::kMaxEnvelopeSize);
  if (!blob.ok()) return blob.status().WithContext("signature envelope " + out.manifest.envelope.digest);
  out.envelope = std::move(blob).value();
  return out;
}

Result<notary::EnvelopeContent> ParseEnvelope(std::string_view bytes, std::string_view media_type) {
  if (media_type == notary::kJwsMediaType) return notary::ParseJwsEnvelope(bytes);
  if (media_type == notary::kCoseMediaType) return notary::ParseCoseEnvelope(bytes);
  return InvalidArgumentError("signature envelope media type '" + std::string(media_type) +
                              "' is not supported");
}

std::string SignedAttribute(const notary::EnvelopeContent& content, std::string_view key) {
  const notary::ExtendedAttribute* a = content.signed_attributes.Find(key);
  return a ? a->value : "";
}

}  // namespace signet::imagesig
