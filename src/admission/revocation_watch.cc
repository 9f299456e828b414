#include "admission/revocation_watch.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "core/arn.h"
#include "core/signet_metrics.h"

namespace signet::admission {
namespace {

using Kind = store::RevocationEvent::Kind;

const char* CauseLabel(Kind kind) { return kind == Kind::kJob ? "job" : "profile_version"; }

}  // namespace

bool RevocationAffects(const store::RevocationEvent& event, const ImageCheckResult& result) {
  if (result.signed_by.empty()) return true;  // unknown signatures: assume the worst
  for (const ImageCheckResult::SignedBy& s : result.signed_by) {
    if (event.kind == Kind::kJob) {
      // The event names the job id. A signature without a job ARN is no job's; one whose ARN
      // cannot be read might be this job's.
      if (s.job_arn.empty()) continue;
      Result<SigningJobArn> job = ParseSigningJobArn(s.job_arn);
      if (!job.ok() || job->job_id == event.subject) return true;
    } else if (s.profile_version_arn == event.subject) {
      return true;
    }
  }
  return false;
}

Result<std::unique_ptr<RevocationWatch>> RevocationWatch::Start(store::Store& store,
                                                                VerificationCache& cache,
                                                                Options options) {
  using std::chrono::milliseconds;
  if (options.interval < milliseconds(10) || options.interval > milliseconds(60000)) {
    return InvalidArgumentError("the revocation poll interval must be 10 ms to 60 s, not " +
                                std::to_string(options.interval.count()) + " ms");
  }
  SIGNET_ASSIGN_OR_RETURN(int64_t sequence, store.LatestRevocationSequence());
  std::unique_ptr<RevocationWatch> watch(new RevocationWatch(store, cache, options, sequence));
  if (options.start_thread) watch->thread_ = std::thread([w = watch.get()] { w->Run(); });
  spdlog::info(
      "admission: revocations in the installation reach this cache within {} ms plus one poll "
      "(revocation events after sequence {})",
      options.interval.count(), sequence);
  return watch;
}

RevocationWatch::RevocationWatch(store::Store& store, VerificationCache& cache, Options options,
                                 int64_t sequence)
    : store_(store),
      cache_(cache),
      options_(options),
      sequence_(sequence),
      last_poll_started_(std::chrono::steady_clock::now()) {}

RevocationWatch::~RevocationWatch() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t RevocationWatch::sequence() const {
  std::lock_guard lock(poll_mu_);
  return sequence_;
}

void RevocationWatch::Run() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    (void)PollNow();  // logged and counted inside
    lock.lock();
  }
}

Status RevocationWatch::PollNow() {
  std::lock_guard lock(poll_mu_);
  const auto started = std::chrono::steady_clock::now();
  // Events are read in pages; a burst of revocations is applied completely in one poll.
  for (;;) {
    Result<std::vector<store::RevocationEvent>> events =
        store_.ListRevocationEvents(sequence_, store::kMaxRevocationEventsPerRead);
    if (!events.ok()) {
      // What was revoked is unknown: nothing cached may be trusted.
      cache_.InvalidateAll();
      metrics::AdmissionRevocationPolls().Add({"error"});
      metrics::AdmissionRevocationInvalidations().Add({"poll_error"});
      spdlog::warn("admission: cannot read revocation events after sequence {}: {}; dropped "
                   "every cached decision",
                   sequence_, events.status().message());
      return events.status();
    }
    for (const store::RevocationEvent& event : *events) {
      const size_t dropped = cache_.InvalidateVerifiedIf(
          [&event](const ImageCheckResult& r) { return RevocationAffects(event, r); });
      metrics::AdmissionRevocationInvalidations().Add({CauseLabel(event.kind)}, dropped);
      spdlog::info("admission: revocation event {} ({} {}) dropped {} cached decisions",
                   event.sequence, event.kind == Kind::kJob ? "signing job" : "profile version",
                   event.subject, dropped);
      sequence_ = event.sequence;
    }
    if (events->size() < static_cast<size_t>(store::kMaxRevocationEventsPerRead)) break;
  }
  metrics::AdmissionRevocationPolls().Add({"ok"});
  metrics::AdmissionRevocationStaleness().Observe(
      {}, std::chrono::duration<double>(std::chrono::steady_clock::now() - last_poll_started_)
              .count());
  last_poll_started_ = started;
  return Status::Ok();
}

}  // namespace signet::admission
