// WakeWord: a posted value is taken exactly once, a sleeper is woken by a post from another
// thread, and a deadline ends the wait with nothing.
#include "store/wake_word.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace signet::store {
namespace {

using Clock = WakeWord::Clock;
using std::chrono::milliseconds;

TEST(WakeWordTest, APostBeforeTheWaitIsTakenAtOnceAndOnlyOnce) {
  WakeWord w;
  EXPECT_FALSE(w.Post(7));  // nobody asleep: no wake-up call needed
  EXPECT_FALSE(w.Post(9));  // replaces 7
  EXPECT_EQ(w.Wait(std::nullopt), 9u);
  EXPECT_EQ(w.Wait(Clock::now()), 0u);  // taken: a passed deadline finds nothing
}

TEST(WakeWordTest, ADeadlineEndsTheWait) {
  WakeWord w;
  const auto start = Clock::now();
  EXPECT_EQ(w.Wait(start + milliseconds(30)), 0u);
  EXPECT_GE(Clock::now() - start, milliseconds(30));
}

TEST(WakeWordTest, APostFromAnotherThreadWakesTheSleeper) {
  WakeWord w;
  std::thread poster([&] {
    std::this_thread::sleep_for(milliseconds(20));
    const void* address = w.address();
    if (w.Post(3)) WakeWord::Wake(address);
  });
  const auto start = Clock::now();
  EXPECT_EQ(w.Wait(start + std::chrono::seconds(30)), 3u);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  poster.join();
}

TEST(WakeWordTest, ManyPostsAndWaitsNeverLoseTheLastValue) {
  WakeWord w;
  constexpr uint32_t kRounds = 2000;
  WakeWord back;  // the sleeper acknowledges each value, so posts never pile up
  std::thread poster([&] {
    for (uint32_t i = 1; i <= kRounds; ++i) {
      const void* address = w.address();
      if (w.Post(i)) WakeWord::Wake(address);
      ASSERT_EQ(back.Wait(std::nullopt), i);
    }
  });
  for (uint32_t i = 1; i <= kRounds; ++i) {
    ASSERT_EQ(w.Wait(std::nullopt), i);
    const void* address = back.address();
    if (back.Post(i)) WakeWord::Wake(address);
  }
  poster.join();
}

}  // namespace
}  // namespace signet::store
