#include "imagesig/image_signer.h"

#include "imagesig/signature_fetch.h"
#include "imagesig/signature_manifest.h"
#include "notary/jws_envelope.h"
#include "notary/payload.h"
#include "oci/digest.h"

namespace signet::imagesig {
namespace {

notary::Descriptor PayloadTarget(const oci::Descriptor& image) {
  notary::Descriptor target;
  target.media_type = image.media_type;
  target.digest = image.digest;
  target.size = static_cast<int64_t>(image.size);
  return target;
}

// The envelope must be a Notary JWS envelope whose payload is exactly what was asked to be
// signed: a signer that signed anything else must not get it attached to this image.
Result<notary::EnvelopeContent> CheckEnvelope(std::string_view envelope, std::string_view payload) {
  Result<notary::EnvelopeContent> content = notary::ParseJwsEnvelope(envelope);
  if (!content.ok()) {
    return InvalidArgumentError("the signer returned no valid Notary JWS envelope: " +
                                content.status().message());
  }
  if (content->payload != payload) {
    return InvalidArgumentError("the signer's envelope signs another payload than the image's");
  }
  if (content->certificate_chain.empty()) {
    return InvalidArgumentError("the signer's envelope carries no certificate chain");
  }
  return content;
}

}  // namespace

Result<SignedImage> SignImage(oci::Repository& repository, std::string_view reference,
                              const PayloadSigner& signer, const SignImageOptions& options) {
  SIGNET_ASSIGN_OR_RETURN(ResolvedImage resolved, ResolveImage(repository, reference));
  SignedImage out;
  out.image = resolved.image;
  out.reference_was_tag = resolved.reference_was_tag;
  if (resolved.reference_was_tag) out.warnings.push_back(TagWarning(reference, out.image.digest));

  const notary::Descriptor target = PayloadTarget(out.image);
  SIGNET_RETURN_IF_ERROR(notary::ValidateDescriptor(target));
  const std::string payload = notary::SerializePayload(target);
  SIGNET_ASSIGN_OR_RETURN(std::string envelope, signer(payload));
  if (envelope.size() > notary::kMaxEnvelopeSize) {
    return InvalidArgumentError("the signer's envelope is over the 32 MiB limit");
  }
  SIGNET_ASSIGN_OR_RETURN(notary::EnvelopeContent content, CheckEnvelope(envelope, payload));
  out.profile_version_arn = SignedAttribute(content, notary::kSigningProfileVersionAttribute);
  out.job_arn = SignedAttribute(content, notary::kSigningJobAttribute);

  out.envelope.media_type = std::string(notary::kJwsMediaType);
  out.envelope.digest = oci::Sha256Digest(envelope);
  out.envelope.size = envelope.size();
  const Clock& clock = options.clock ? *options.clock : SystemClock();
  SIGNET_ASSIGN_OR_RETURN(
      std::string manifest,
      BuildSignatureManifest(out.image, out.envelope, ChainThumbprints(content.certificate_chain),
                             clock.Now()));

  // Blobs first, so that the manifest never names content the repository lacks.
  const oci::Descriptor config = oci::EmptyConfigDescriptor();
  SIGNET_RETURN_IF_ERROR(repository.PushBlob(config.digest, oci::kEmptyJsonBlob));
  SIGNET_RETURN_IF_ERROR(repository.PushBlob(out.envelope.digest, envelope));
  SIGNET_ASSIGN_OR_RETURN(oci::PushedManifest pushed,
                          repository.PushManifest(oci::kOciManifestMediaType, manifest));
  out.signature_manifest = pushed.descriptor;
  out.warnings.insert(out.warnings.end(), pushed.warnings.begin(), pushed.warnings.end());
  return out;
}

}  // namespace signet::imagesig
