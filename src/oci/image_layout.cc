#include "oci/image_layout.h"

#include <nlohmann/json.hpp>
#include <system_error>

#include "core/file.h"
#include "oci/digest.h"
#include "oci/reference.h"

namespace signet::oci {
namespace {

using nlohmann::json;

constexpr std::string_view kLayoutFile = "oci-layout";
constexpr std::string_view kIndexFile = "index.json";

bool IsDigest(std::string_view reference) { return reference.find(':') != std::string_view::npos; }

// index.json, validated (every descriptor well-formed) and as JSON so writes keep unknown fields.
Result<json> ReadIndex(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / kIndexFile;
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxManifestBytes, "an OCI index"));
  Result<ManifestInfo> info = ParseManifest(text);
  if (!info.ok()) return info.status().WithContext(path.string());
  json doc = json::parse(text);
  if (!doc.contains("manifests") || doc["manifests"].is_null()) doc["manifests"] = json::array();
  return doc;
}

Status WriteIndex(const std::filesystem::path& dir, const json& index) {
  return WriteFileAtomically(dir / kIndexFile, index.dump(2) + "\n");
}

std::string RefName(const json& entry) {
  auto annotations = entry.find("annotations");
  if (annotations == entry.end() || !annotations->is_object()) return "";
  auto name = annotations->find(kRefNameAnnotation);
  return name != annotations->end() && name->is_string() ? name->get<std::string>() : "";
}

Descriptor EntryDescriptor(const json& entry) {
  Descriptor d;
  d.media_type = entry.value("mediaType", std::string());
  d.digest = entry.value("digest", std::string());
  d.size = entry.value("size", uint64_t{0});
  d.artifact_type = entry.value("artifactType", std::string());
  return d;
}

}  // namespace

Result<std::unique_ptr<ImageLayout>> ImageLayout::Open(const std::filesystem::path& dir,
                                                       bool create) {
  std::error_code ec;
  const std::filesystem::path layout_file = dir / kLayoutFile;
  if (create && !std::filesystem::exists(layout_file, ec)) {
    std::filesystem::create_directories(dir / "blobs" / "sha256", ec);
    if (ec) return UnavailableError("cannot create the OCI layout " + dir.string() + ": " + ec.message());
    SIGNET_RETURN_IF_ERROR(WriteFileAtomically(dir / kIndexFile,
                                               json{{"schemaVersion", 2},
                                                    {"mediaType", kOciIndexMediaType},
                                                    {"manifests", json::array()}}
                                                       .dump(2) + "\n"));
    SIGNET_RETURN_IF_ERROR(WriteFileAtomically(layout_file, R"({"imageLayoutVersion":"1.0.0"})"));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return NotFoundError("OCI layout directory " + dir.string() + " does not exist");
  }
  if (!std::filesystem::exists(layout_file, ec)) {
    return InvalidArgumentError(dir.string() + " is not an OCI image layout: it has no oci-layout file");
  }
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(layout_file, 4096, "an oci-layout file"));
  std::string version;
  try {
    version = json::parse(text).at("imageLayoutVersion").get<std::string>();
  } catch (const json::exception&) {
    return InvalidArgumentError(layout_file.string() + " must be {\"imageLayoutVersion\": \"1.0.0\"}");
  }
  if (version.rfind("1.", 0) != 0) {
    return InvalidArgumentError(layout_file.string() + " has imageLayoutVersion " + version +
                                "; only 1.x is supported");
  }
  SIGNET_RETURN_IF_ERROR(ReadIndex(dir).status());
  return std::unique_ptr<ImageLayout>(new ImageLayout(dir));
}

std::filesystem::path ImageLayout::BlobPath(std::string_view digest) const {
  const size_t colon = digest.find(':');
  return dir_ / "blobs" / std::string(digest.substr(0, colon)) / std::string(digest.substr(colon + 1));
}

Result<std::string> ImageLayout::ReadBlob(std::string_view digest, size_t max_bytes,
                                          std::string_view what) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  const std::filesystem::path path = BlobPath(digest);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFoundError(std::string(what) + " " + std::string(digest) +
                         " is not in the OCI layout " + dir_.string());
  }
  SIGNET_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(path, max_bytes, what));
  SIGNET_RETURN_IF_ERROR(VerifyDigest(digest, bytes, path.string()));
  return bytes;
}

Result<Descriptor> ImageLayout::Resolve(std::string_view reference) {
  SIGNET_ASSIGN_OR_RETURN(json index, ReadIndex(dir_));
  for (const json& entry : index["manifests"]) {
    const bool match = IsDigest(reference) ? entry.value("digest", "") == reference
                                           : RefName(entry) == reference;
    if (match) return EntryDescriptor(entry);
  }
  if (IsDigest(reference)) {
    // A manifest that only another manifest refers to (an image of a multi-platform index).
    SIGNET_ASSIGN_OR_RETURN(Manifest manifest, FetchManifest(reference));
    return manifest.descriptor;
  }
  if (!IsValidTag(reference)) {
    return InvalidArgumentError("'" + std::string(reference) + "' is neither a tag nor a digest");
  }
  return NotFoundError("tag " + std::string(reference) + " is not in the OCI layout " + dir_.string());
}

Result<Manifest> ImageLayout::FetchManifest(std::string_view reference) {
  Manifest out;
  if (IsDigest(reference)) {
    SIGNET_RETURN_IF_ERROR(ValidateDigest(reference));
    out.descriptor.digest = std::string(reference);
  } else {
    SIGNET_ASSIGN_OR_RETURN(out.descriptor, Resolve(reference));
  }
  SIGNET_ASSIGN_OR_RETURN(out.bytes, ReadBlob(out.descriptor.digest, kMaxManifestBytes, "manifest"));
  out.descriptor.size = out.bytes.size();
  SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(out.bytes));
  if (out.descriptor.media_type.empty()) out.descriptor.media_type = info.media_type;
  if (out.descriptor.media_type.empty()) {
    // mediaType is optional in OCI documents; the fields say which one this is.
    out.descriptor.media_type = info.config ? kOciManifestMediaType : kOciIndexMediaType;
  }
  if (!IsManifestMediaType(out.descriptor.media_type)) {
    return InvalidArgumentError("manifest " + out.descriptor.digest + " in " + dir_.string() +
                                " has no OCI or Docker v2 manifest media type");
  }
  if (out.descriptor.artifact_type.empty()) {
    out.descriptor.artifact_type = ReferrerDescriptor(info, "", "", 0).artifact_type;
  }
  return out;
}

Result<PushedManifest> ImageLayout::PushManifest(std::string_view media_type,
                                                 std::string_view bytes, std::string_view tag) {
  if (bytes.size() > kMaxManifestBytes) {
    return InvalidArgumentError("manifest is " + std::to_string(bytes.size()) +
                                " bytes, over the 4 MiB limit");
  }
  if (!IsManifestMediaType(media_type)) {
    return InvalidArgumentError("'" + std::string(media_type) + "' is not a manifest media type");
  }
  if (!tag.empty() && !IsValidTag(tag)) {
    return InvalidArgumentError("'" + std::string(tag) + "' is not a valid tag");
  }
  SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(bytes));
  const std::string digest = Sha256Digest(bytes);
  SIGNET_RETURN_IF_ERROR(PushBlob(digest, bytes));
  PushedManifest out;
  out.descriptor = ReferrerDescriptor(info, media_type, digest, bytes.size());

  SIGNET_ASSIGN_OR_RETURN(json index, ReadIndex(dir_));
  json kept = json::array();
  bool listed = false;
  for (json& entry : index["manifests"]) {
    const std::string name = RefName(entry);
    if (!tag.empty() && name == tag) continue;  // the tag moves to the new manifest
    if (entry.value("digest", "") == digest && name.empty()) {
      if (!tag.empty()) continue;  // the untagged entry becomes the tagged one
      listed = true;
    }
    kept.push_back(std::move(entry));
  }
  if (!listed) {
    json entry = {{"mediaType", media_type}, {"digest", digest}, {"size", bytes.size()}};
    if (!out.descriptor.artifact_type.empty()) entry["artifactType"] = out.descriptor.artifact_type;
    if (!tag.empty()) entry["annotations"] = {{kRefNameAnnotation, tag}};
    kept.push_back(std::move(entry));
  }
  index["manifests"] = std::move(kept);
  SIGNET_RETURN_IF_ERROR(WriteIndex(dir_, index));
  return out;
}

Result<Warnings> ImageLayout::DeleteManifest(std::string_view digest) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  SIGNET_ASSIGN_OR_RETURN(json index, ReadIndex(dir_));
  json kept = json::array();
  for (json& entry : index["manifests"]) {
    if (entry.value("digest", "") != digest) kept.push_back(std::move(entry));
  }
  std::error_code ec;
  const bool had_blob = std::filesystem::exists(BlobPath(digest), ec);
  if (kept.size() == index["manifests"].size() && !had_blob) {
    return NotFoundError("manifest " + std::string(digest) + " is not in the OCI layout " + dir_.string());
  }
  index["manifests"] = std::move(kept);
  SIGNET_RETURN_IF_ERROR(WriteIndex(dir_, index));
  std::filesystem::remove(BlobPath(digest), ec);
  if (ec) {
    return Warnings{"manifest " + std::string(digest) + " is no longer listed, but its blob " +
                    "could not be removed: " + ec.message()};
  }
  return Warnings{};
}

Result<bool> ImageLayout::BlobExists(std::string_view digest) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(digest));
  std::error_code ec;
  return std::filesystem::is_regular_file(BlobPath(digest), ec);
}

Result<std::string> ImageLayout::FetchBlob(const Descriptor& blob, size_t max_bytes) {
  if (blob.size > max_bytes) {
    return InvalidArgumentError("blob " + blob.digest + " is " + std::to_string(blob.size) +
                                " bytes, over the " + std::to_string(max_bytes) +
                                "-byte limit; refusing to read it");
  }
  SIGNET_ASSIGN_OR_RETURN(std::string bytes, ReadBlob(blob.digest, max_bytes, "blob"));
  if (bytes.size() != blob.size) {
    return InvalidArgumentError("blob " + blob.digest + " is " + std::to_string(bytes.size()) +
                                " bytes, but its descriptor says " + std::to_string(blob.size));
  }
  return bytes;
}

Status ImageLayout::PushBlob(std::string_view digest, std::string_view bytes) {
  SIGNET_RETURN_IF_ERROR(VerifyDigest(digest, bytes, "blob to store"));
  SIGNET_ASSIGN_OR_RETURN(bool exists, BlobExists(digest));
  if (exists) return Status::Ok();
  const std::filesystem::path path = BlobPath(digest);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return UnavailableError("cannot create " + path.parent_path().string() + ": " + ec.message());
  return WriteFileAtomically(path, bytes);
}

Result<std::vector<Descriptor>> ImageLayout::Referrers(std::string_view subject_digest,
                                                       std::string_view artifact_type) {
  SIGNET_RETURN_IF_ERROR(ValidateDigest(subject_digest));
  SIGNET_ASSIGN_OR_RETURN(json index, ReadIndex(dir_));
  std::vector<Descriptor> out;
  std::vector<std::string> seen;
  for (const json& entry : index["manifests"]) {
    const Descriptor listed = EntryDescriptor(entry);
    if (!IsManifestMediaType(listed.media_type)) continue;
    if (std::find(seen.begin(), seen.end(), listed.digest) != seen.end()) continue;
    seen.push_back(listed.digest);
    Result<std::string> bytes = ReadBlob(listed.digest, kMaxManifestBytes, "manifest");
    if (!bytes.ok()) {
      if (bytes.status().code() == ErrorCode::kNotFound) continue;
      return bytes.status();
    }
    SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(*bytes));
    if (!info.subject || info.subject->digest != subject_digest) continue;
    Descriptor d = ReferrerDescriptor(info, listed.media_type, listed.digest, bytes->size());
    if (artifact_type.empty() || d.artifact_type == artifact_type) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace signet::oci
