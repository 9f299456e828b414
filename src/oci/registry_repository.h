// RegistryRepository: a Repository in an OCI registry, over the Distribution API (OCI
// distribution spec 1.1; Docker's v2 manifest forms accepted on read).
//
// Referrers are listed through `GET /v2/<name>/referrers/<digest>` (following `Link` pages). When
// the registry answers 404 there — it predates the Referrers API, like distribution 2.8 — they are
// read from, and pushed into, the referrers tag schema: an image index tagged sha256-<hex>.
// Pushing a referrer appends to that index, tags the new index and deletes the superseded one;
// failing that delete is a warning (the old index is untagged and harmless), not an error.
//
// While the registry's support for the Referrers API is unknown (the transport remembers it for
// its lifetime), the Referrers API and the tag-schema index are asked concurrently, so a registry
// without the API costs no extra round trip.
//
// Thread-safe (the transport is; a RegistryRepository is a cheap view of it), except
// set_deadline, which must not race with the other methods.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/reference.h"
#include "oci/registry_transport.h"
#include "oci/repository.h"

namespace signet::oci {

class RegistryRepository final : public Repository {
 public:
  // The repository of `reference`, with a transport of its own.
  static Result<std::unique_ptr<RegistryRepository>> Open(const Reference& reference,
                                                          RegistryOptions options);
  // `repository` on the registry of a shared `transport` (connections and tokens reused).
  RegistryRepository(std::shared_ptr<RegistryTransport> transport, std::string repository);

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

  // What the registry showed of the Referrers API so far: nullopt before it was asked.
  std::optional<bool> referrers_api() const { return transport_->referrers_api(); }

  // Every later request of this repository must end by `deadline` (HttpRequest::deadline).
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    deadline_ = deadline;
  }

 private:
  struct Stored {
    std::string digest;
    std::optional<bool> subject_processed;  // the OCI-Subject header came back
  };
  Result<HttpResponse> Send(HttpRequest request) const;
  std::string Path(std::string_view kind, std::string_view name) const;
  std::string What(std::string_view reference) const;
  Result<Stored> PutManifest(std::string_view media_type, std::string_view bytes,
                             std::string_view reference);
  Result<std::optional<Manifest>> FetchReferrersIndex(std::string_view subject_digest);
  Result<std::vector<Descriptor>> ReferrersFromIndex(std::string_view subject_digest,
                                                     std::string_view artifact_type,
                                                     Result<std::optional<Manifest>> index);
  // Replaces the referrers index `current` (nullopt: none) by `next`, deleting the old one.
  Result<Warnings> ReplaceReferrersIndex(std::string_view subject_digest,
                                         const std::optional<Manifest>& current,
                                         const std::string& next);

  std::shared_ptr<RegistryTransport> transport_;
  std::string repository_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

}  // namespace signet::oci
