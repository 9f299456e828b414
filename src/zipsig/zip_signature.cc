#include "zipsig/zip_signature.h"

#include "core/encoding.h"
#include "crypto/digest.h"
#include "notary/jws_envelope.h"

namespace signet::zipsig {
namespace {

notary::Descriptor DescriptorOf(const UnsignedDigest& digest) {
  notary::Descriptor d;
  d.media_type = std::string(kZipMediaType);
  d.digest = crypto::FormatDigest(crypto::HashAlgorithm::kSha384, digest.sha384);
  d.size = static_cast<int64_t>(digest.size);
  return d;
}

}  // namespace

Result<SignedPackage> SignPackage(ByteSource& package, const PackageSignOptions& options,
                                  const crypto::Signer& signer, ByteSink& out) {
  SIGNET_ASSIGN_OR_RETURN(ZipLayout layout, ZipLayout::Read(package));
  if (layout.comment_kind == CommentKind::kSignet) {
    return FailedPreconditionError(
        "package is already signed: sign the unsigned package (signet strips nothing)");
  }
  if (layout.comment_kind == CommentKind::kForeign) {
    return FailedPreconditionError(
        "archive has a comment that is not a signet signature; signing would replace it. Remove "
        "it first (zip -z) and sign again");
  }
  SIGNET_ASSIGN_OR_RETURN(UnsignedDigest digest, CopyAndDigestUnsignedForm(package, layout, out));
  SignedPackage signed_package;
  signed_package.target = DescriptorOf(digest);

  notary::JwsSignOptions jws;
  jws.payload = notary::SerializePayload(signed_package.target);
  jws.scheme = options.scheme;
  jws.signing_time = options.signing_time;
  jws.expiry = options.expiry;
  jws.extended_attributes = options.extended_attributes;
  jws.certificate_chain = options.certificate_chain;
  jws.signing_agent = options.signing_agent;
  SIGNET_ASSIGN_OR_RETURN(signed_package.envelope, notary::SignJwsEnvelope(jws, signer));
  if (signed_package.envelope.size() > kMaxEmbeddedEnvelopeSize) {
    return InvalidArgumentError("signature envelope of " +
                                std::to_string(signed_package.envelope.size()) +
                                " bytes does not fit in a ZIP comment (at most " +
                                std::to_string(kMaxEmbeddedEnvelopeSize) + ")");
  }
  const std::string comment = std::string(kSignatureMarker) + signed_package.envelope;
  SIGNET_RETURN_IF_ERROR(AppendComment(comment, out));
  signed_package.signed_size = layout.unsigned_size() + comment.size();
  return signed_package;
}

Result<PackageContent> InspectPackage(ByteSource& package) {
  PackageContent content;
  SIGNET_ASSIGN_OR_RETURN(content.layout, ZipLayout::Read(package));
  if (content.layout.comment_kind == CommentKind::kForeign) {
    return InvalidArgumentError("archive comment is not a signet signature");
  }
  if (content.layout.comment_kind == CommentKind::kSignet) {
    SIGNET_ASSIGN_OR_RETURN(content.envelope, ReadEmbeddedEnvelope(package, content.layout));
  }
  SIGNET_ASSIGN_OR_RETURN(UnsignedDigest digest, DigestUnsignedForm(package, content.layout));
  content.target = DescriptorOf(digest);
  return content;
}

Result<notary::VerificationOutcome> VerifyPackageContent(const PackageContent& content,
                                                         const notary::Verifier& verifier,
                                                         std::string_view policy_name) {
  if (!content.envelope) return FailedPreconditionError("package is not signed");
  notary::VerificationRequest request;
  request.blob_policy_name = std::string(policy_name);
  request.expected_target = content.target;
  return verifier.Verify(*content.envelope, notary::kJwsMediaType, request);
}

Result<notary::VerificationOutcome> VerifyPackage(ByteSource& package,
                                                  const notary::Verifier& verifier,
                                                  std::string_view policy_name) {
  SIGNET_ASSIGN_OR_RETURN(PackageContent content, InspectPackage(package));
  return VerifyPackageContent(content, verifier, policy_name);
}

}  // namespace signet::zipsig
