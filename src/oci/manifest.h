// Descriptors, manifests and image indexes (OCI image spec 1.1, and Docker's v2 forms on read).
//
// Parsing is for reading untrusted bytes: every field is type-checked and a malformed document is
// an InvalidArgument naming the field. The bytes themselves stay authoritative (digests cover
// them); these structs are views for deciding what to fetch next.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace signet::oci {

inline constexpr std::string_view kOciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestListMediaType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kOciEmptyMediaType = "application/vnd.oci.empty.v1+json";
// The Accept header of a manifest request: every form above.
inline constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// The limits on what is read whole (notation-go's): a manifest or index, and a blob such as a
// signature envelope. Anything larger is refused before it is read.
inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxBlobBytes = 32 * 1024 * 1024;

bool IsManifestMediaType(std::string_view media_type);  // one of the four above
bool IsIndexMediaType(std::string_view media_type);     // OCI index or Docker manifest list

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  std::string artifact_type;                       // empty when absent
  std::map<std::string, std::string> annotations;  // empty when absent

  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

// A manifest or an index as read. For an index `manifests` is filled, for a manifest `config`
// and `layers`.
struct ManifestInfo {
  std::string media_type;  // the document's own mediaType field; may be empty
  std::string artifact_type;
  std::optional<Descriptor> config;
  std::vector<Descriptor> layers;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

Result<ManifestInfo> ParseManifest(std::string_view bytes);

// The descriptor under which a manifest appears in a referrers list: its own media type, digest
// and size, artifactType (the config's media type when the manifest has none, as the spec says)
// and its annotations.
Descriptor ReferrerDescriptor(const ManifestInfo& manifest, std::string_view media_type,
                              std::string_view digest, uint64_t size);

// An OCI image index listing `manifests`, in JSON with sorted keys.
std::string SerializeIndex(const std::vector<Descriptor>& manifests);

// The descriptor as a JSON object (sorted keys), for building manifests.
std::string SerializeDescriptor(const Descriptor& descriptor);

// The empty JSON blob "{}" (application/vnd.oci.empty.v1+json) an OCI 1.1 artifact manifest
// uses as its config, and its descriptor.
inline constexpr std::string_view kEmptyJsonBlob = "{}";
Descriptor EmptyConfigDescriptor();

// An OCI 1.1 image manifest for an artifact (a signature): `artifact_type`, the empty config,
// `layers`, the `subject` it refers to (only its media type, digest and size are written) and
// `annotations` (omitted when empty). JSON with sorted keys.
std::string SerializeArtifactManifest(std::string_view artifact_type,
                                      const std::vector<Descriptor>& layers,
                                      const std::optional<Descriptor>& subject,
                                      const std::map<std::string, std::string>& annotations);

}  // namespace signet::oci
