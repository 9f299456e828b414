// ImageLayout: a Repository in an OCI image layout directory (image spec, image-layout.md):
// `oci-layout`, `index.json` and content-addressed `blobs/<alg>/<hex>`.
//
// Tags are the `org.opencontainers.image.ref.name` annotations of index.json's descriptors.
// Manifests pushed without a tag (signatures) are listed in index.json without that annotation,
// as oras-go and notation do, and referrers are found by reading the manifests index.json lists.
// index.json and blobs are written atomically (temp file + rename); index.json is read afresh
// for every operation. Blobs a layout leaves out (a layer nobody needs) are NotFound only when
// read. Not safe for concurrent writers to one directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oci/repository.h"

namespace signet::oci {

inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

class ImageLayout final : public Repository {
 public:
  // Opens the layout in `dir`; with `create`, first makes an empty one there when `dir` has no
  // oci-layout file. InvalidArgument for a directory that is not a layout (or of a version
  // other than 1.x), NotFound for a missing directory.
  static Result<std::unique_ptr<ImageLayout>> Open(const std::filesystem::path& dir,
                                                   bool create = false);

  Result<Descriptor> Resolve(std::string_view reference) override;
  Result<Manifest> FetchManifest(std::string_view reference) override;
  Result<PushedManifest> PushManifest(std::string_view media_type, std::string_view bytes,
                                      std::string_view tag = "") override;
  Result<Warnings> DeleteManifest(std::string_view digest) override;
  Result<bool> BlobExists(std::string_view digest) override;
  Result<std::string> FetchBlob(const Descriptor& blob, size_t max_bytes = kMaxBlobBytes) override;
  Status PushBlob(std::string_view digest, std::string_view bytes) override;
  Result<std::vector<Descriptor>> Referrers(std::string_view subject_digest,
                                            std::string_view artifact_type = "") override;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit ImageLayout(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path BlobPath(std::string_view digest) const;
  Result<std::string> ReadBlob(std::string_view digest, size_t max_bytes, std::string_view what);

  std::filesystem::path dir_;
};

}  // namespace signet::oci
