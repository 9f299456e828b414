#include "admission/verification_cache.h"

#include <utility>

#include "core/signet_metrics.h"

namespace signet::admission {

struct VerificationCache::Ticket::Flight {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  ImageCheckResult result;
};

namespace {

using Verdict = ImageCheckResult::Verdict;

ImageCheckResult Inconclusive(std::string message) {
  ImageCheckResult r;
  r.verdict = Verdict::kInconclusive;
  r.message = std::move(message);
  return r;
}

void CountLookup(const char* cache, bool hit) {
  metrics::AdmissionCacheLookups().Add({cache, hit ? "hit" : "miss"});
}

}  // namespace

std::string_view VerdictName(ImageCheckResult::Verdict verdict) {
  switch (verdict) {
    case Verdict::kVerified:
      return "verified";
    case Verdict::kFailed:
      return "failed";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

VerificationCache::VerificationCache(const ImageChecker& checker, Options options,
                                     const Clock& clock)
    : checker_(checker),
      options_(options),
      clock_(clock),
      results_(options.settings.max_entries),
      tags_(options.settings.max_entries) {
  const size_t workers = options_.workers == 0 ? 1 : options_.workers;
  workers_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

VerificationCache::~VerificationCache() {
  std::deque<Job> abandoned;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    abandoned.swap(queue_);
  }
  queue_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  for (const Job& job : abandoned) Finish(job, Inconclusive("signetd is shutting down"));
}

VerificationCache::Ticket VerificationCache::Begin(const oci::Reference& image,
                                                   const AdmissionRule& rule,
                                                   std::string_view revision, Deadline deadline) {
  Ticket ticket;
  ticket.image_ = image.ToString();
  const std::string repository = image.registry + "/" + image.repository;
  Job job;
  job.image = image;
  job.result_key_prefix = std::string(revision) + " " + repository + "@";
  const Timestamp now = clock_.Now();

  std::unique_lock lock(mu_);
  if (job.image.digest.empty()) {
    job.tag_key = repository + ":" + image.tag;
    CachedDigest* resolved = tags_.Find(job.tag_key);
    if (resolved != nullptr && resolved->expires <= now) {
      tags_.Erase(job.tag_key);
      resolved = nullptr;
    }
    CountLookup("tag", resolved != nullptr);
    // With a fresh resolution the digest is what gets verified: the tag is not re-resolved, and
    // the resolution keeps its own expiry (a verification must not extend it).
    if (resolved != nullptr) {
      job.image.digest = resolved->digest;
      job.tag_key.clear();
    }
  }
  if (!job.image.digest.empty()) {
    const std::string key = job.result_key_prefix + job.image.digest;
    CachedResult* cached = results_.Find(key);
    if (cached != nullptr && cached->expires <= now) {
      results_.Erase(key);
      cached = nullptr;
    }
    CountLookup("result", cached != nullptr);
    if (cached != nullptr) {
      ticket.ready_ = cached->result;
      return ticket;
    }
  }

  job.flight_key = std::string(revision) + " " + job.image.ToString();
  if (auto it = in_flight_.find(job.flight_key); it != in_flight_.end()) {
    ticket.flight_ = it->second;  // single flight: wait for the verification already running
    return ticket;
  }
  if (queue_.size() >= options_.max_queued || stopping_) {
    ticket.ready_ = Inconclusive("too many verifications pending (" +
                                 std::to_string(queue_.size()) + "); try again");
    return ticket;
  }
  job.flight = std::make_shared<Ticket::Flight>();
  job.trust_policy = rule.trust_policy;
  job.trust_store = rule.trust_store;
  job.deadline = deadline;
  job.generation = generation_;
  ticket.flight_ = job.flight;
  in_flight_.emplace(job.flight_key, job.flight);
  queue_.push_back(std::move(job));
  lock.unlock();
  queue_cv_.notify_one();
  return ticket;
}

ImageCheckResult VerificationCache::Await(const Ticket& ticket, Deadline deadline) {
  if (ticket.ready_) return *ticket.ready_;
  Ticket::Flight& flight = *ticket.flight_;
  std::unique_lock lock(flight.mu);
  if (!flight.cv.wait_until(lock, deadline, [&flight] { return flight.done; })) {
    return Inconclusive("verification of " + ticket.image_ +
                        " did not finish before the admission deadline");
  }
  return flight.result;
}

void VerificationCache::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    ImageCheckResult result;
    const auto started = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() >= job.deadline) {
      result = Inconclusive("verification of " + job.image.ToString() +
                            " did not start before the admission deadline");
    } else {
      result = checker_.Check(job.image, *job.trust_policy, *job.trust_store, job.deadline);
      metrics::AdmissionVerificationDuration().Observe(
          {std::string(VerdictName(result.verdict))},
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    Finish(job, std::move(result));
  }
}

void VerificationCache::Finish(const Job& job, ImageCheckResult result) {
  // A digest that was asked for is the digest verified, whatever the checker reports.
  if (!job.image.digest.empty()) result.digest = job.image.digest;
  if (result.verdict != Verdict::kInconclusive && result.digest.empty()) {
    result = Inconclusive("verification of " + job.image.ToString() +
                          " did not report the digest it verified");
  }
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(job.flight_key);
    if (job.generation == generation_ && !stopping_) {
      const Timestamp now = clock_.Now();
      const CacheSettings& s = options_.settings;
      if (!job.tag_key.empty() && !result.digest.empty() && s.tag_ttl.count() > 0) {
        tags_.Put(job.tag_key, CachedDigest{result.digest, now + s.tag_ttl});
      }
      const std::chrono::seconds ttl = result.verdict == Verdict::kVerified ? s.verified_ttl
                                       : result.verdict == Verdict::kFailed ? s.failed_ttl
                                                                            : std::chrono::seconds(0);
      if (ttl.count() > 0) {
        results_.Put(job.result_key_prefix + result.digest, CachedResult{result, now + ttl});
      }
    }
  }
  {
    std::lock_guard lock(job.flight->mu);
    job.flight->done = true;
    job.flight->result = std::move(result);
  }
  job.flight->cv.notify_all();
}

void VerificationCache::InvalidateAll() {
  std::lock_guard lock(mu_);
  ++generation_;
  results_.Clear();
  tags_.Clear();
}

size_t VerificationCache::InvalidateVerifiedIf(
    const std::function<bool(const ImageCheckResult&)>& affected) {
  std::lock_guard lock(mu_);
  ++generation_;  // a verification running now may have read the state before the revocation
  return results_.EraseIf([&affected](const std::string&, const CachedResult& e) {
    return e.result.verdict == Verdict::kVerified && affected(e.result);
  });
}

size_t VerificationCache::result_entries() const {
  std::lock_guard lock(mu_);
  return results_.size();
}

size_t VerificationCache::tag_entries() const {
  std::lock_guard lock(mu_);
  return tags_.size();
}

}  // namespace signet::admission
