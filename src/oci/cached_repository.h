// RepositoryCache and CachedRepository: reading repositories through a cache whose every answer
// is either immutable or at most a stated number of seconds old.
//
//   content, by digest       manifests, blobs and the descriptors of digests never change
//                            (they are checked against their digest when first read): kept until
//                            evicted, least recently used first, under an entry and a byte cap;
//   tag → descriptor         kept `tag_ttl` (default 5 s): a tag moved or re-pushed is seen at
//                            most that long after;
//   referrers lists          kept `referrers_ttl` (default 5 s): a signature pushed or deleted
//                            is seen at most that long after.
// A TTL of 0 disables that cache. Writes through a CachedRepository drop the entries they
// change (the tag, the subject's referrers); writes by anyone else are seen within the TTLs.
// Entries are keyed by the repository's name ("registry/repository"), so one cache serves
// many repositories.
//
// RepositoryCache is thread-safe and meant to be long-lived and shared. A CachedRepository is a
// cheap per-use view: as thread-safe as the Repository it wraps.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/lru_cache.h"
#include "core/time.h"
#include "oci/repository.h"

namespace signet::oci {

struct RepositoryCacheOptions {
  size_t max_entries = 4096;             // content entries
  size_t max_bytes = 64 * 1024 * 1024;   // content bytes
  size_t max_entry_bytes = 4 * 1024 * 1024;  // larger blobs are read through, not kept
  std::chrono::seconds tag_ttl{5};
  std::chrono::seconds referrers_ttl{5};
  const Clock* clock = nullptr;  // for the TTLs; nullptr: SystemClock(). Not owned.
};

class RepositoryCache {
 public:
  explicit RepositoryCache(RepositoryCacheOptions options = {});

  const RepositoryCacheOptions& options() const { return options_; }
  // Answers given from the cache / that had to ask the repository.
  size_t hits() const { return hits_.load(); }
  size_t misses() const { return misses_.load(); }
  size_t content_entries() const { return content_.size(); }
  size_t content_bytes() const { return content_.bytes(); }
  // "tags and signature lists are at most 5 s old" (or that they are not cached).
  std::string StalenessBound() const;

 private:
  friend class CachedRepository;
  struct Content {
    Descriptor descriptor;  // digest, size and (for manifests) media type
    std::shared_ptr<const std::string> bytes;  // null when only the descriptor is known
  };
  struct Expiring {
    Timestamp expires;
    std::vector<Descriptor> descriptors;  // one for a tag; the list for referrers
  };
  Timestamp Now() const;
  void Count(bool hit) { (hit ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed); }

  RepositoryCacheOptions options_;
  LruCache<Content> content_;
  LruCache<std::shared_ptr<const Expiring>> expiring_;
  std::atomic<size_t> hits_{0};
  std::atomic<size_t> misses_{0};
};

class CachedRepository final : public Repository {
 public:
  // `repository` and `cache` must outlive this view; `name` is "registry/repository".
  CachedRepository(Repository& repository, RepositoryCache& cache, std::string name);

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

 private:
  std::string Key(char kind, std::string_view id) const;
  std::optional<Descriptor> CachedTag(std::string_view tag);
  void PutExpiring(const std::string& key, std::chrono::seconds ttl,
                   std::vector<Descriptor> descriptors);
  void PutManifest(const Manifest& manifest);
  void ForgetReferrersOf(std::string_view bytes);

  Repository& repository_;
  RepositoryCache& cache_;
  std::string name_;
};

}  // namespace signet::oci
