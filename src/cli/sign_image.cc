#include "cli/sign_image.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/signetd_payload_signer.h"
#include "cli/sign_zip.h"
#include "imagesig/image_signer.h"

namespace signet::cli {
namespace {

using nlohmann::json;

// The exit code for a failed SignImage: signetd's refusals are 1, everything else 2.
int ExitFor(const SignetdPayloadSigner& signer) {
  return signer.refused() ? kExitRefused : kExitSignError;
}

}  // namespace

int RunSignImage(const SignImageCliOptions& options, const EnvLookup& env, std::istream& in,
                 std::ostream& out, std::ostream& err) {
  Result<AwsConnection> connection = ResolveConnection(options.connection, env);
  if (!connection.ok()) {
    err << "signet: " << connection.status().message() << "\n";
    return kExitSignError;
  }
  Result<std::unique_ptr<api::AwsClient>> client = Connect(*connection);
  if (!client.ok()) {
    err << "signet: " << client.status().message() << "\n";
    return kExitSignError;
  }
  Result<ImageTarget> target = OpenImageTarget(options.reference, options.registry, in);
  if (!target.ok()) {
    err << DescribeRegistryError(target.status()) << "\n";
    return kExitSignError;
  }
  SignetdPayloadSigner signer(std::move(*client), connection->endpoint, options.profile_name,
                              options.profile_owner);
  Result<imagesig::SignedImage> signed_image = imagesig::SignImage(
      *target->repository, target->identifier,
      [&signer](std::string_view payload) { return signer.Sign(payload); });
  if (signer.skipped()) {
    err << "signet: " << signer.skip_message() << "\n";
    if (options.json) out << json{{"skipped", true}, {"message", signer.skip_message()}}.dump(2) << "\n";
    return kExitSigned;
  }
  if (!signed_image.ok()) {
    if (!signer.job_arn().empty()) {
      err << "signet: signing job " << signer.job_arn()
          << " signed the image, but the signature could not be stored: "
          << signed_image.status().message() << "\n";
    } else if (signer.refused()) {
      err << "signet: " << signed_image.status().message() << "\n";
    } else {
      err << DescribeRegistryError(signed_image.status()) << "\n";
    }
    if (signer.refused() && signed_image.status().code() == ErrorCode::kPermissionDenied) {
      err << "signet: credentials from " << connection->described << "\n";
    }
    return ExitFor(signer);
  }

  std::vector<std::string> warnings;
  if (signed_image->reference_was_tag) {
    warnings.push_back("signing the digest " + signed_image->image.digest + " that tag " +
                       target->identifier + " points to now");
  }
  for (const std::string& w : signer.warnings()) warnings.push_back(w);
  for (const std::string& w : signed_image->warnings) {
    // imagesig may say the same about the tag; say it once.
    if (signed_image->reference_was_tag && w.find(signed_image->image.digest) != std::string::npos &&
        w.find(target->identifier) != std::string::npos) {
      continue;
    }
    warnings.push_back(w);
  }
  for (const std::string& w : warnings) err << "signet: warning: " << w << "\n";

  const std::string job_arn =
      !signed_image->job_arn.empty() ? signed_image->job_arn : signer.job_arn();
  const std::string version_arn = !signed_image->profile_version_arn.empty()
                                      ? signed_image->profile_version_arn
                                      : signer.profile_version_arn();
  const std::string shown = target->is_layout ? options.registry.oci_layout + ":" + options.reference
                                              : options.reference;
  if (options.json) {
    const json report = {
        {"image",
         {{"reference", shown},
          {"digest", signed_image->image.digest},
          {"mediaType", signed_image->image.media_type},
          {"size", signed_image->image.size}}},
        {"signatureManifest",
         {{"digest", signed_image->signature_manifest.digest},
          {"mediaType", signed_image->signature_manifest.media_type},
          {"size", signed_image->signature_manifest.size}}},
        {"envelope",
         {{"digest", signed_image->envelope.digest},
          {"mediaType", signed_image->envelope.media_type},
          {"size", signed_image->envelope.size}}},
        {"signingJobArn", job_arn},
        {"signingProfileVersionArn", version_arn},
        {"warnings", warnings}};
    out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    out << "signed " << shown << "\n"
        << "  image digest         " << signed_image->image.digest << "\n"
        << "  signature manifest   " << signed_image->signature_manifest.digest << "\n"
        << "  signing job          " << job_arn << "\n"
        << "  profile version      " << version_arn << "\n";
  }
  return kExitSigned;
}

}  // namespace signet::cli
