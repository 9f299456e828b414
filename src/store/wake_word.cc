#include "store/wake_word.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace signet::store {
namespace {

// Sleeps while `*word` holds `expected`, until woken or `deadline` (absolute, CLOCK_MONOTONIC,
// which is steady_clock's). Returns early on any signal or spurious wake-up; callers re-check.
void FutexWait(const std::atomic<uint32_t>* word, uint32_t expected,
               const std::optional<WakeWord::Clock::time_point>& deadline) {
  timespec until{};
  if (deadline) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        deadline->time_since_epoch())
                        .count();
    until.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    until.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  }
  // The BITSET form, because it takes an absolute deadline (plain FUTEX_WAIT a relative one).
  (void)syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected,
                deadline ? &until : nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
}

}  // namespace

uint32_t WakeWord::Wait(std::optional<Clock::time_point> deadline) {
  uint32_t v = word_.load(std::memory_order_acquire);
  while (true) {
    if (v > kSleeping) {  // posted: take it
      if (word_.compare_exchange_weak(v, 0, std::memory_order_acquire)) return v >> 1;
      continue;
    }
    if (v == 0) {
      if (!word_.compare_exchange_weak(v, kSleeping, std::memory_order_acquire)) continue;
      v = kSleeping;
    }
    if (deadline && Clock::now() >= *deadline) {
      if (word_.compare_exchange_strong(v, 0, std::memory_order_acquire)) return 0;
      continue;  // posted meanwhile
    }
    FutexWait(&word_, kSleeping, deadline);
    v = word_.load(std::memory_order_acquire);
  }
}

bool WakeWord::Post(uint32_t value) {
  return word_.exchange(value << 1, std::memory_order_release) == kSleeping;
}

void WakeWord::Wake(const void* address) {
  (void)syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace signet::store
