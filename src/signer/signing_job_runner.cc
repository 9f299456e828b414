#include "signer/signing_job_runner.h"

#include <algorithm>

#include "signer/signer_service.h"

namespace signet::signer {

Status SigningJobRunner::Start(int workers) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!threads_.empty()) return Status::Ok();
    stopping_ = false;
  }
  // Jobs a previous run accepted but did not finish, oldest first.
  std::vector<std::string> unfinished;
  store::SigningJobFilter filter;
  filter.status = store::JobStatus::kInProgress;
  store::PageRequest page;
  for (;;) {
    SIGNET_ASSIGN_OR_RETURN(store::Page<store::SigningJobRecord> jobs,
                            service_.store_.ListJobs(filter, page));
    for (const store::SigningJobRecord& job : jobs.items) unfinished.push_back(job.job_id);
    if (jobs.next_token.empty()) break;
    page.token = jobs.next_token;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = unfinished.rbegin(); it != unfinished.rend(); ++it) {
    if (pending_.insert(*it).second) queue_.push_back(*it);
  }
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { Work(); });
  wake_.notify_all();
  return Status::Ok();
}

void SigningJobRunner::Enqueue(std::string job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!pending_.insert(job_id).second) return;
  queue_.push_back(std::move(job_id));
  wake_.notify_one();
}

void SigningJobRunner::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return (queue_.empty() || threads_.empty()) && running_ == 0; });
}

void SigningJobRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    wake_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  threads_.clear();
  idle_.notify_all();
}

void SigningJobRunner::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string job_id = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    service_.RunSigningJob(job_id);
    lock.lock();
    pending_.erase(job_id);
    --running_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace signet::signer
