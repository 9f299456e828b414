#include "cli/list_image.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "imagesig/signature_list.h"

namespace signet::cli {
namespace {

using nlohmann::json;

constexpr int kExitListed = 0;
constexpr int kExitError = 2;

json TimeOrNull(const std::optional<Timestamp>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

std::string TimeOrDash(const std::optional<Timestamp>& t) { return t ? FormatRfc3339(*t) : "-"; }

// The last path segment of an ARN ("…/signing-jobs/ID" -> "ID"), for a table that fits.
std::string Tail(const std::string& arn) {
  if (arn.empty()) return "-";
  const size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

// "NAME/VERSION" from a profile version ARN "…:/signing-profiles/NAME/VERSION".
std::string ProfileVersion(const std::string& arn) {
  constexpr std::string_view kMarker = "/signing-profiles/";
  const size_t at = arn.find(kMarker);
  if (at == std::string::npos) return arn.empty() ? "-" : arn;
  return arn.substr(at + kMarker.size());
}

}  // namespace

int RunListImage(const ListImageOptions& options, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  Result<ImageTarget> target = OpenImageTarget(options.reference, options.registry, in);
  if (!target.ok()) {
    err << DescribeRegistryError(target.status()) << "\n";
    return kExitError;
  }
  Result<imagesig::SignatureList> list =
      imagesig::ListSignatures(*target->repository, target->identifier);
  if (!list.ok()) {
    err << DescribeRegistryError(list.status()) << "\n";
    return kExitError;
  }
  const std::string shown = target->is_layout ? options.registry.oci_layout + ":" + options.reference
                                              : options.reference;
  if (options.json) {
    json signatures = json::array();
    for (const imagesig::ListedSignature& s : list->signatures) {
      signatures.push_back({{"digest", s.manifest.digest},
                            {"created", TimeOrNull(s.created)},
                            {"envelopeMediaType", s.envelope_media_type},
                            {"signingProfileVersionArn", s.profile_version_arn},
                            {"signingJobArn", s.job_arn},
                            {"signingTime", TimeOrNull(s.signing_time)},
                            {"expiry", TimeOrNull(s.expiry)},
                            {"thumbprints", s.thumbprints},
                            {"error", s.error.ok() ? json(nullptr) : json(s.error.message())}});
    }
    const json report = {{"image",
                          {{"reference", shown},
                           {"digest", list->image.digest},
                           {"mediaType", list->image.media_type},
                           {"size", list->image.size}}},
                         {"signatures", signatures}};
    out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return kExitListed;
  }
  out << shown << " (" << list->image.digest << "): " << list->signatures.size()
      << (list->signatures.size() == 1 ? " signature" : " signatures") << "\n";
  if (list->signatures.empty()) return kExitListed;
  out << std::left << std::setw(73) << "SIGNATURE MANIFEST" << std::setw(22) << "CREATED"
      << std::setw(32) << "PROFILE VERSION" << std::setw(38) << "SIGNING JOB" << std::setw(22)
      << "SIGNED AT" << "EXPIRES\n";
  for (const imagesig::ListedSignature& s : list->signatures) {
    out << std::setw(73) << s.manifest.digest << std::setw(22) << TimeOrDash(s.created);
    if (!s.error.ok()) {
      out << "unreadable: " << s.error.message() << "\n";
      continue;
    }
    out << std::setw(32) << ProfileVersion(s.profile_version_arn) << std::setw(38) << Tail(s.job_arn)
        << std::setw(22) << TimeOrDash(s.signing_time) << TimeOrDash(s.expiry) << "\n";
  }
  return kExitListed;
}

}  // namespace signet::cli
