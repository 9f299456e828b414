// WakeWord: one thread sleeps on it until another posts a value (a Linux futex), for
// SqliteStore's group commit, where a combiner wakes each member of a batch exactly once.
//
// Why not a condition variable: the poster needs no mutex to wake the sleeper, and wakes it
// with one futex call only if it is actually asleep; and the sleeper may return (and destroy
// the word) as soon as it has seen the posted value, even before the poster's wake-up call:
// that call passes only the word's address and reads no memory (a wake-up that lands on reused
// memory is a spurious one, which every futex user tolerates).
//
// Thread-safety: one waiting thread; Post from any thread, serialised by the caller (each Post
// replaces the value of the one before if the waiter has not taken it yet).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace signet::store {

class WakeWord {
 public:
  using Clock = std::chrono::steady_clock;

  // The sleeper's side: returns the value posted since the last Wait returned one (nonzero),
  // sleeping until one is; 0 once `deadline` has passed with nothing posted. Never returns 0
  // without a deadline.
  uint32_t Wait(std::optional<Clock::time_point> deadline);

  // Posts `value` (nonzero, below 2^31). True if the sleeper may be asleep: then wake it with
  // Wake(address()), preferably after releasing any lock it will take when it wakes. After the
  // Post, the sleeper may destroy this word at any time: take address() before.
  [[nodiscard]] bool Post(uint32_t value);
  const void* address() const { return &word_; }
  static void Wake(const void* address);

 private:
  // 0: nothing posted, nobody asleep; kSleeping: the waiter sleeps or is about to; otherwise a
  // posted value v as v << 1.
  static constexpr uint32_t kSleeping = 1;
  std::atomic<uint32_t> word_{0};
};

}  // namespace signet::store
