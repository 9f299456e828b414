// VerificationCache: image verification results for the admission webhook, cached, shared and
// bounded in time.
//
//  - Results are cached by (policy revision, registry/repository@digest): a verified result for
//    CacheSettings::verified_ttl, a failed one for failed_ttl. Inconclusive results are never
//    cached (the next request tries again).
//  - Tag → digest resolutions are cached for tag_ttl, so a tag moved in the registry is seen
//    again within that time.
//  - Each cache is an LRU holding at most max_entries entries: memory is bounded.
//  - Concurrent requests for the same image under the same revision share one verification
//    (single flight).
//  - Verifications run on the cache's own worker threads, so a caller waits only until its
//    deadline; a verification that finishes later still fills the cache. Queued verifications
//    are bounded too (a full queue answers Inconclusive at once).
//  - InvalidateAll() / InvalidateVerifiedIf() drop entries (revocation); a
//    verification already running when they are called does not write its result into the
//    cache.
//
// Thread-safe. The checker must outlive the cache; the destructor waits for running checks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "admission/admission_policy.h"
#include "admission/image_check.h"
#include "core/lru_map.h"
#include "core/time.h"

namespace signet::admission {

class VerificationCache {
 public:
  struct Options {
    CacheSettings settings;
    size_t workers = 8;
    size_t max_queued = 1024;
  };
  using Deadline = std::chrono::steady_clock::time_point;

  // A verification asked for: answered already (from the cache) or in flight.
  class Ticket {
   public:
    bool answered_from_cache() const { return ready_.has_value(); }

   private:
    friend class VerificationCache;
    struct Flight;
    std::optional<ImageCheckResult> ready_;
    std::shared_ptr<Flight> flight_;
    std::string image_;
  };

  VerificationCache(const ImageChecker& checker, Options options, const Clock& clock);
  ~VerificationCache();
  VerificationCache(const VerificationCache&) = delete;
  VerificationCache& operator=(const VerificationCache&) = delete;

  // Looks `image` up under `rule` and `revision`, starting (or joining) its verification on a
  // miss; `deadline` is handed to the checker. Never blocks on a verification.
  Ticket Begin(const oci::Reference& image, const AdmissionRule& rule, std::string_view revision,
               Deadline deadline);
  // The ticket's result, waiting at most until `deadline`; Inconclusive when it passes first.
  ImageCheckResult Await(const Ticket& ticket, Deadline deadline);

  // Drops every cached result and tag resolution.
  void InvalidateAll();
  // Drops the cached kVerified results for which `affected` holds (a revocation: see
  // revocation_watch.h); tag resolutions stay. Returns how many.
  size_t InvalidateVerifiedIf(const std::function<bool(const ImageCheckResult&)>& affected);

  size_t result_entries() const;
  size_t tag_entries() const;

 private:
  struct CachedResult {
    ImageCheckResult result;
    Timestamp expires;
  };
  struct CachedDigest {
    std::string digest;
    Timestamp expires;
  };
  struct Job {
    std::string flight_key;
    std::string result_key_prefix;  // "<revision> registry/repository@"
    std::string tag_key;            // "registry/repository:tag" to resolve, else empty
    oci::Reference image;
    std::shared_ptr<const notary::TrustPolicy> trust_policy;
    std::shared_ptr<const notary::TrustStore> trust_store;
    Deadline deadline;
    uint64_t generation = 0;
    std::shared_ptr<Ticket::Flight> flight;
  };

  void Work();
  void Finish(const Job& job, ImageCheckResult result);

  const ImageChecker& checker_;
  const Options options_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;
  LruMap<CachedResult> results_;
  LruMap<CachedDigest> tags_;
  std::map<std::string, std::shared_ptr<Ticket::Flight>, std::less<>> in_flight_;
  std::deque<Job> queue_;
  uint64_t generation_ = 0;  // bumped by every invalidation
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace signet::admission
