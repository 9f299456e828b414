#include "oci/registry_repository.h"

#include <algorithm>
#include <future>
#include <system_error>

#include "oci/digest.h"
#include "oci/referrers_index.h"

namespace signet::oci {
namespace {

constexpr int kMaxReferrersPages = 100;
constexpr size_t kErrorBodyAllowance = 64 * 1024;

bool IsDigest(std::string_view reference) { return reference.find(':') != std::string_view::npos; }

Status ValidateManifestReference(std::string_view reference) {
  if (IsDigest(reference)) return ValidateDigest(reference);
  if (!IsValidTag(reference)) {
    return InvalidArgumentError("'" + std::string(reference) + "' is neither a tag nor a digest");
  }
  return Status::Ok();
}

std::string MediaTypeOf(const HttpResponse& response) {
  std::string type = response.Header("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

// The target of `Link: <url>; rel="next"`, or "".
std::string NextLink(const std::string& link) {
  const size_t open = link.find('<');
  const size_t close = link.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  if (link.find("rel=\"next\"", close) == std::string::npos &&
      link.find("rel=next", close) == std::string::npos) {
    return "";
  }
  return link.substr(open + 1, close - open - 1);
}

}  // namespace

Result<std::unique_ptr<RegistryRepository>> RegistryRepository::Open(const Reference& reference,
                                                                     RegistryOptions options) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<RegistryTransport> transport,
                          RegistryTransport::Create(reference.registry, std::move(options)));
  return std::make_unique<RegistryRepository>(std::move(transport), reference.repository);
}

RegistryRepository::RegistryRepository(std::shared_ptr<RegistryTransport> transport,
                                       std::string repository)
    : transport_(std::move(transport)), repository_(std::move(repository)) {}

Result<HttpResponse> RegistryRepository::Send(HttpRequest request) const {
  request.deadline = deadline_;
  return transport_->Send(request);
}

std::string RegistryRepository::Path(std::string_view kind, std::string_view name) const {
  return "/v2/" + repository_ + "/" + std::string(kind) + "/" + std::string(name);
}

std::string RegistryRepository::What(std::string_view reference) const {
  return "manifest " + repository_ + (IsDigest(reference) ? "@" : ":") + std::string(reference);
}

Result<Descriptor> RegistryRepository::Resolve(std::string_view reference) {
  SIGNET_RETURN_IF_ERROR(ValidateManifestReference(reference));
  HttpRequest request;
  request.method = "HEAD";
  request.target = Path("manifests", reference);
  request.headers = {{"Accept", std::string(kManifestAccept)}};
  request.scope = "repository:" + repository_ + ":pull";
  request.what = What(reference);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status == 200) {
    Descriptor d;
    d.media_type = MediaTypeOf(response);
    d.digest = response.Header("Docker-Content-Digest");
    const std::string length = response.Header("Content-Length");
    const bool complete = IsManifestMediaType(d.media_type) && ValidateDigest(d.digest).ok() &&
                          !length.empty() && length.size() < 16 &&
                          length.find_first_not_of("0123456789") == std::string::npos;
    if (complete) {
      d.size = std::stoull(length);
      if (IsDigest(reference) && d.digest != reference) {
        return InvalidArgumentError("registry " + transport_->registry() + " answered " +
                                    request.what + " with digest " + d.digest);
      }
      if (d.size > kMaxManifestBytes) {
        return InvalidArgumentError(request.what + " is " + std::to_string(d.size) +
                                    " bytes, over the 4 MiB limit for manifests");
      }
      return d;
    }
  } else if (response.status != 405) {
    return transport_->ErrorFor(response, request.what);
  }
  // The HEAD answer lacks what a descriptor needs: read the manifest itself.
  SIGNET_ASSIGN_OR_RETURN(Manifest manifest, FetchManifest(reference));
  return manifest.descriptor;
}

Result<Manifest> RegistryRepository::FetchManifest(std::string_view reference) {
  SIGNET_RETURN_IF_ERROR(ValidateManifestReference(reference));
  HttpRequest request;
  request.target = Path("manifests", reference);
  request.headers = {{"Accept", std::string(kManifestAccept)}};
  request.scope = "repository:" + repository_ + ":pull";
  request.what = What(reference);
  request.max_response_bytes = kMaxManifestBytes;
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 200) return transport_->ErrorFor(response, request.what);
  Manifest out;
  out.bytes = std::move(response.body);
  out.descriptor.size = out.bytes.size();
  out.descriptor.media_type = MediaTypeOf(response);
  if (!IsManifestMediaType(out.descriptor.media_type)) {
    // Some registries send application/json; the document's own mediaType then decides.
    SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(out.bytes));
    if (!IsManifestMediaType(info.media_type)) {
      return InvalidArgumentError(request.what + " has media type '" + out.descriptor.media_type +
                                  "', not an OCI or Docker v2 manifest or index");
    }
    out.descriptor.media_type = info.media_type;
  }
  const std::string header_digest = response.Header("Docker-Content-Digest");
  if (!header_digest.empty()) {
    SIGNET_RETURN_IF_ERROR(VerifyDigest(header_digest, out.bytes, request.what));
  }
  if (IsDigest(reference)) {
    SIGNET_RETURN_IF_ERROR(VerifyDigest(reference, out.bytes, request.what));
    out.descriptor.digest = std::string(reference);
  } else {
    out.descriptor.digest = header_digest.empty() ? Sha256Digest(out.bytes) : header_digest;
  }
  return out;
}

Result<RegistryRepository::Stored> RegistryRepository::PutManifest(std::string_view media_type,
                                                                   std::string_view bytes,
                                                                   std::string_view reference) {
  HttpRequest request;
  request.method = "PUT";
  request.target = Path("manifests", reference);
  request.body = std::string(bytes);
  request.content_type = std::string(media_type);
  request.scope = "repository:" + repository_ + ":pull,push";
  request.what = What(reference);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 201 && response.status != 200) {
    return transport_->ErrorFor(response, request.what);
  }
  Stored out;
  out.digest = Sha256Digest(bytes);
  const std::string stored = response.Header("Docker-Content-Digest");
  if (!stored.empty() && stored != out.digest) {
    return UnavailableError("registry " + transport_->registry() + " stored " + request.what +
                            " as " + stored + ", but its digest is " + out.digest);
  }
  if (!response.Header("OCI-Subject").empty()) out.subject_processed = true;
  return out;
}

Result<PushedManifest> RegistryRepository::PushManifest(std::string_view media_type,
                                                        std::string_view bytes,
                                                        std::string_view tag) {
  if (bytes.size() > kMaxManifestBytes) {
    return InvalidArgumentError("manifest is " + std::to_string(bytes.size()) +
                                " bytes, over the 4 MiB limit registries accept");
  }
  if (!IsManifestMediaType(media_type)) {
    return InvalidArgumentError("'" + std::string(media_type) + "' is not a manifest media type");
  }
  if (!tag.empty() && !IsValidTag(tag)) {
    return InvalidArgumentError("'" + std::string(tag) + "' is not a valid tag");
  }
  SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(bytes));
  const std::string digest = Sha256Digest(bytes);
  SIGNET_ASSIGN_OR_RETURN(Stored stored,
                          PutManifest(media_type, bytes, tag.empty() ? std::string_view(digest) : tag));
  PushedManifest out;
  out.descriptor = ReferrerDescriptor(info, media_type, stored.digest, bytes.size());
  if (!info.subject || stored.subject_processed.value_or(false)) {
    if (info.subject) transport_->set_referrers_api(true);
    return out;
  }
  SIGNET_ASSIGN_OR_RETURN(std::optional<Manifest> current,
                          FetchReferrersIndex(info.subject->digest));
  std::optional<std::string_view> current_bytes;
  if (current) current_bytes = current->bytes;
  SIGNET_ASSIGN_OR_RETURN(std::optional<std::string> next,
                          AddToReferrersIndex(current_bytes, out.descriptor));
  if (next) {
    SIGNET_ASSIGN_OR_RETURN(out.warnings,
                            ReplaceReferrersIndex(info.subject->digest, current, *next));
  }
  return out;
}

Result<std::optional<Manifest>> RegistryRepository::FetchReferrersIndex(
    std::string_view subject_digest) {
  SIGNET_ASSIGN_OR_RETURN(std::string tag, ReferrersTag(subject_digest));
  Result<Manifest> current = FetchManifest(tag);
  if (!current.ok()) {
    if (current.status().code() == ErrorCode::kNotFound) return std::optional<Manifest>();
    return current.status().WithContext("reading the referrers index of " +
                                        std::string(subject_digest));
  }
  return std::optional<Manifest>(std::move(current).value());
}

Result<Warnings> RegistryRepository::ReplaceReferrersIndex(std::string_view subject_digest,
                                                           const std::optional<Manifest>& current,
                                                           const std::string& next) {
  SIGNET_ASSIGN_OR_RETURN(std::string tag, ReferrersTag(subject_digest));
  SIGNET_ASSIGN_OR_RETURN(Stored stored, PutManifest(kOciIndexMediaType, next, tag));
  Warnings warnings;
  if (!current || current->descriptor.digest == stored.digest) return warnings;
  HttpRequest request;
  request.method = "DELETE";
  request.target = Path("manifests", current->descriptor.digest);
  request.scope = "repository:" + repository_ + ":delete";
  request.what = "the superseded referrers index " + current->descriptor.digest;
  Result<HttpResponse> response = Send(request);
  Status status = response.ok() ? Status::Ok() : response.status();
  if (response.ok() && response->status != 202 && response->status != 200 &&
      response->status != 404) {
    status = transport_->ErrorFor(*response, request.what);
  }
  if (!status.ok()) {
    warnings.push_back("could not delete " + request.what + " of " + std::string(subject_digest) +
                       " (it is untagged and harmless): " + status.message());
  }
  return warnings;
}

Result<Warnings> RegistryRepository::DeleteManifest(std::string_view digest) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  SIGNET_ASSIGN_OR_RETURN(Manifest manifest, FetchManifest(digest));
  HttpRequest request;
  request.method = "DELETE";
  request.target = Path("manifests", digest);
  request.scope = "repository:" + repository_ + ":delete";
  request.what = What(digest);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 202 && response.status != 200) {
    return transport_->ErrorFor(response, request.what);
  }
  Warnings warnings;
  Result<ManifestInfo> info = ParseManifest(manifest.bytes);
  if (!info.ok() || !info->subject || referrers_api().value_or(false)) return warnings;
  SIGNET_ASSIGN_OR_RETURN(std::optional<Manifest> current, FetchReferrersIndex(info->subject->digest));
  if (!current) return warnings;
  SIGNET_ASSIGN_OR_RETURN(std::optional<std::string> next,
                          RemoveFromReferrersIndex(current->bytes, digest));
  if (!next) return warnings;
  return ReplaceReferrersIndex(info->subject->digest, current, *next);
}

Result<bool> RegistryRepository::BlobExists(std::string_view digest) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  HttpRequest request;
  request.method = "HEAD";
  request.target = Path("blobs", digest);
  request.scope = "repository:" + repository_ + ":pull";
  request.what = "blob " + std::string(digest);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return transport_->ErrorFor(response, request.what);
}

Result<std::string> RegistryRepository::FetchBlob(const Descriptor& blob, size_t max_bytes) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(blob.digest));
  const std::string what = "blob " + repository_ + "@" + blob.digest;
  if (blob.size > max_bytes) {
    return InvalidArgumentError(what + " is " + std::to_string(blob.size) + " bytes, over the " +
                                std::to_string(max_bytes) + "-byte limit; refusing to read it");
  }
  HttpRequest request;
  request.target = Path("blobs", blob.digest);
  request.scope = "repository:" + repository_ + ":pull";
  request.what = what;
  request.max_response_bytes = std::max<size_t>(blob.size, kErrorBodyAllowance);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status != 200) return transport_->ErrorFor(response, what);
  if (response.body.size() != blob.size) {
    return InvalidArgumentError(what + " is " + std::to_string(response.body.size()) +
                                " bytes, but its descriptor says " + std::to_string(blob.size));
  }
  SIGNET_RETURN_IF_ERROR(VerifyDigest(blob.digest, response.body, what));
  return std::move(response.body);
}

Status RegistryRepository::PushBlob(std::string_view digest, std::string_view bytes) {
  SIGNET_RETURN_IF_ERROR(VerifyDigest(digest, bytes, "blob to push"));
  SIGNET_ASSIGN_OR_RETURN(bool exists, BlobExists(digest));
  if (exists) return Status::Ok();
  HttpRequest start;
  start.method = "POST";
  start.target = "/v2/" + repository_ + "/blobs/uploads/";
  start.scope = "repository:" + repository_ + ":pull,push";
  start.what = "an upload of blob " + std::string(digest);
  SIGNET_ASSIGN_OR_RETURN(HttpResponse started, Send(start));
  if (started.status != 202) return transport_->ErrorFor(started, start.what);
  std::string location = started.Header("Location");
  if (location.empty()) {
    return UnavailableError("registry " + transport_->registry() +
                            " started an upload without a Location");
  }
  HttpRequest put = start;
  put.method = "PUT";
  put.target = location + (location.find('?') == std::string::npos ? "?" : "&") +
               "digest=" + UrlEncode(digest);
  put.body = std::string(bytes);
  put.content_type = "application/octet-stream";
  SIGNET_ASSIGN_OR_RETURN(HttpResponse done, Send(put));
  if (done.status != 201) return transport_->ErrorFor(done, put.what);
  return Status::Ok();
}

Result<std::vector<Descriptor>> RegistryRepository::ReferrersFromIndex(
    std::string_view subject_digest, std::string_view artifact_type,
    Result<std::optional<Manifest>> index) {
  if (!index.ok()) return index.status();
  if (!*index) return std::vector<Descriptor>();
  Result<ManifestInfo> info = ParseManifest((*index)->bytes);
  if (!info.ok()) {
    return info.status().WithContext("the referrers index of " + std::string(subject_digest));
  }
  return FilterByArtifactType(std::move(info->manifests), artifact_type);
}

Result<std::vector<Descriptor>> RegistryRepository::Referrers(std::string_view subject_digest,
                                                              std::string_view artifact_type) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(subject_digest));
  const std::optional<bool> api = referrers_api();
  if (api == false) {
    return ReferrersFromIndex(subject_digest, artifact_type, FetchReferrersIndex(subject_digest));
  }
  // Not known yet: read the tag-schema index meanwhile, in case the API is not there.
  std::future<Result<std::optional<Manifest>>> index;
  if (!api) {
    try {
      index = std::async(std::launch::async, [this, subject_digest] {
        return FetchReferrersIndex(subject_digest);
      });
    } catch (const std::system_error&) {
      // No thread to spare: the index is read afterwards if needed.
    }
  }
  std::vector<Descriptor> all;
  HttpRequest request;
  request.target = Path("referrers", subject_digest);
  if (!artifact_type.empty()) request.target += "?artifactType=" + UrlEncode(artifact_type);
  request.headers = {{"Accept", std::string(kOciIndexMediaType)}};
  request.scope = "repository:" + repository_ + ":pull";
  request.max_response_bytes = kMaxManifestBytes;
  for (int page = 0; !request.target.empty(); ++page) {
    if (page == kMaxReferrersPages) {
      return UnavailableError("registry " + transport_->registry() + " lists the referrers of " +
                              std::string(subject_digest) + " in more than " +
                              std::to_string(kMaxReferrersPages) + " pages; refusing more");
    }
    request.what = "the referrers of " + repository_ + "@" + std::string(subject_digest);
    SIGNET_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
    if (response.status == 404 && page == 0) {  // no Referrers API: the tag schema
      transport_->set_referrers_api(false);
      return ReferrersFromIndex(subject_digest, artifact_type,
                                index.valid() ? index.get() : FetchReferrersIndex(subject_digest));
    }
    if (response.status != 200) return transport_->ErrorFor(response, request.what);
    transport_->set_referrers_api(true);
    Result<ManifestInfo> listed = ParseManifest(response.body);
    if (!listed.ok()) return listed.status().WithContext(request.what);
    all.insert(all.end(), listed->manifests.begin(), listed->manifests.end());
    request.target = NextLink(response.Header("Link"));
  }
  return FilterByArtifactType(std::move(all), artifact_type);
}

}  // namespace signet::oci
