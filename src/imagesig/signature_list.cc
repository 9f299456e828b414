#include "imagesig/signature_list.h"

#include "imagesig/signature_fetch.h"
#include "imagesig/signature_manifest.h"

namespace signet::imagesig {

Result<SignatureList> ListSignatures(oci::Repository& repository, std::string_view reference) {
  SIGNET_ASSIGN_OR_RETURN(ResolvedImage resolved, ResolveImage(repository, reference));
  SignatureList out;
  out.image = resolved.image;
  out.reference_was_tag = resolved.reference_was_tag;
  Result<std::vector<oci::Descriptor>> referrers =
      repository.Referrers(out.image.digest, kNotarySignatureArtifactType);
  if (!referrers.ok()) {
    return referrers.status().WithContext("listing the signatures of " + out.image.digest);
  }
  for (const oci::Descriptor& descriptor : *referrers) {
    ListedSignature& listed = out.signatures.emplace_back();
    listed.manifest = descriptor;
    Result<FetchedSignature> fetched = FetchSignature(repository, descriptor, out.image.digest);
    if (!fetched.ok()) {
      listed.error = fetched.status();
      continue;
    }
    listed.created = fetched->manifest.created;
    listed.envelope_media_type = fetched->manifest.envelope.media_type;
    listed.thumbprints = fetched->manifest.thumbprints;
    Result<notary::EnvelopeContent> content =
        ParseEnvelope(fetched->envelope, listed.envelope_media_type);
    if (!content.ok()) {
      listed.error = content.status().WithContext("signature envelope " +
                                                  fetched->manifest.envelope.digest);
      continue;
    }
    listed.profile_version_arn = SignedAttribute(*content, notary::kSigningProfileVersionAttribute);
    listed.job_arn = SignedAttribute(*content, notary::kSigningJobAttribute);
    listed.signing_time = content->signed_attributes.signing_time;
    listed.expiry = content->signed_attributes.expiry;
  }
  return out;
}

}  // namespace signet::imagesig
