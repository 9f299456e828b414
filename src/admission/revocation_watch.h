// RevocationWatch: brings the revocations of the installation to this process's admission cache
// (DESIGN.md §7: "a revocation must reach every verifier of the same installation" within the
// staleness bound the verifier states).
//
// Every replica of an installation shares its Store; every revocation appends an event to the
// Store's change sequence in its own transaction (store/revocation_event.h). The watch polls the
// events after the last sequence it applied, every `interval` (default 250 ms), and drops the
// cached verified results they affect:
//   job revoked              → results resting on a signature of that job;
//   profile version revoked  → results resting on a signature of that version (whatever its
//                              signing time: a superset, never too few);
//   results that do not say which signatures they rest on (ImageCheckResult::signed_by empty)
//                            → dropped by every revocation.
// So a revocation committed anywhere reaches this cache within one interval plus one poll. A poll
// that fails (store unavailable) cannot tell what was revoked, so it drops every cached result;
// verification then asks the store again and, while it stays down, is inconclusive, never
// verified. The staleness actually achieved is observed in
// signet_admission_revocation_staleness_seconds; polls and invalidations are counted and logged.
//
// Thread-safe. The store and the cache must outlive the watch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "admission/image_check.h"
#include "admission/verification_cache.h"
#include "core/status.h"
#include "store/revocation_event.h"
#include "store/store.h"

namespace signet::admission {

// Whether `event` revokes what `result` rests on (see above). Exposed for tests.
bool RevocationAffects(const store::RevocationEvent& event, const ImageCheckResult& result);

class RevocationWatch {
 public:
  struct Options {
    std::chrono::milliseconds interval{250};
    bool start_thread = true;  // false: only PollNow() applies events (tests)
  };

  // Starts watching from the store's newest event: earlier revocations are already in what any
  // later verification reads. kInvalidArgument for an interval outside 10 ms..60 s.
  static Result<std::unique_ptr<RevocationWatch>> Start(store::Store& store,
                                                        VerificationCache& cache, Options options);
  ~RevocationWatch();  // stops the polling thread
  RevocationWatch(const RevocationWatch&) = delete;
  RevocationWatch& operator=(const RevocationWatch&) = delete;

  // Reads and applies the events committed since the last poll, now (signetd calls it after a
  // revocation it served, so its own cache does not wait for the next tick). On an error the
  // whole cache has been dropped and the error is returned.
  Status PollNow();

  std::chrono::milliseconds interval() const { return options_.interval; }
  int64_t sequence() const;  // the last event applied

 private:
  RevocationWatch(store::Store& store, VerificationCache& cache, Options options,
                  int64_t sequence);
  void Run();

  store::Store& store_;
  VerificationCache& cache_;
  const Options options_;

  mutable std::mutex poll_mu_;  // one poll at a time
  int64_t sequence_;            // guarded by poll_mu_
  std::chrono::steady_clock::time_point last_poll_started_;  // of the last successful poll

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread thread_;
};

}  // namespace signet::admission
