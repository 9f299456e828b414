// Repository: the content of one OCI repository — manifests, blobs and the referrers graph —
// wherever it is stored. Two implementations: RegistryRepository (a registry over the
// Distribution API) and ImageLayout (an OCI image layout directory).
//
// Every byte string returned has been checked against its digest and read under a size limit
// (manifest.h). A `reference` names a manifest by tag or by digest ("v1", "sha256:…").
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "oci/manifest.h"

namespace signet::oci {

struct Manifest {
  Descriptor descriptor;  // media type, digest and size of `bytes`
  std::string bytes;
};

// What a write did that the caller should tell the user but that did not make it fail (e.g. a
// superseded referrers index that could not be deleted).
using Warnings = std::vector<std::string>;

struct PushedManifest {
  Descriptor descriptor;
  Warnings warnings;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // The descriptor of the manifest `reference` names. NotFound when there is none.
  virtual Result<Descriptor> Resolve(std::string_view reference) = 0;

  // The manifest (at most kMaxManifestBytes), checked against the digest of `reference` or the
  // digest the store reports for it.
  virtual Result<Manifest> FetchManifest(std::string_view reference) = 0;

  // Stores a manifest of `media_type` under its digest and, when `tag` is not empty, that tag.
  // A manifest with a `subject` is also made discoverable as a referrer of it (in a registry
  // without the Referrers API, through the referrers tag schema).
  virtual Result<PushedManifest> PushManifest(std::string_view media_type, std::string_view bytes,
                                              std::string_view tag = "") = 0;

  // Deletes the manifest `digest` (and its entry in its subject's referrers index, if any).
  virtual Result<Warnings> DeleteManifest(std::string_view digest) = 0;

  virtual Result<bool> BlobExists(std::string_view digest) = 0;
  // The blob, refused without reading when `blob.size` exceeds `max_bytes`.
  virtual Result<std::string> FetchBlob(const Descriptor& blob, size_t max_bytes = kMaxBlobBytes) = 0;
  // Stores `bytes`, which must match `digest` (InvalidArgument otherwise); a no-op when present.
  virtual Status PushBlob(std::string_view digest, std::string_view bytes) = 0;

  // The manifests whose subject is `subject_digest`, with artifactType `artifact_type` (all
  // when empty).
  virtual Result<std::vector<Descriptor>> Referrers(std::string_view subject_digest,
                                                    std::string_view artifact_type = "") = 0;
};

}  // namespace signet::oci
