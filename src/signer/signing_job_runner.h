// SigningJobRunner: the background workers that complete StartSigningJob jobs.
//
// StartSigningJob records a job InProgress and queues its id here; a worker signs the package
// and completes the job. Jobs survive a restart: Start() re-queues every job a previous run left
// InProgress (signing is idempotent: the output key is fixed by the job id). Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace signet::signer {

class SignerService;

class SigningJobRunner {
 public:
  explicit SigningJobRunner(SignerService& service) : service_(service) {}
  ~SigningJobRunner() { Stop(); }

  Status Start(int workers);
  void Enqueue(std::string job_id);
  // Returns once the queue is empty and no job is running.
  void Drain();
  // Finishes the jobs being signed, leaves queued ones InProgress for the next Start().
  void Stop();

 private:
  void Work();

  SignerService& service_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::string> queue_;
  std::set<std::string> pending_;  // queued or running: a job is signed by one worker at a time
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace signet::signer
