#include "core/lru_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace signet {
namespace {

TEST(LruCacheTest, EvictsTheLeastRecentlyUsedUnderTheEntryCap) {
  LruCache<int> cache(2, 1000);
  cache.Put("a", 1, 1);
  cache.Put("b", 2, 1);
  EXPECT_EQ(cache.Get("a"), 1);  // a is now the most recent
  cache.Put("c", 3, 1);
  EXPECT_FALSE(cache.Get("b").has_value());
  EXPECT_EQ(cache.Get("a"), 1);
  EXPECT_EQ(cache.Get("c"), 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(LruCacheTest, HoldsTheByteCapAndRefusesWhatCannotFit) {
  LruCache<int> cache(100, 30);
  cache.Put("a", 1, 9);  // 10 with the key
  cache.Put("b", 2, 9);
  cache.Put("c", 3, 9);
  EXPECT_EQ(cache.bytes(), 30u);
  cache.Put("d", 4, 14);  // needs two evictions
  EXPECT_LE(cache.bytes(), 30u);
  EXPECT_FALSE(cache.Get("a").has_value());
  EXPECT_FALSE(cache.Get("b").has_value());
  EXPECT_EQ(cache.Get("d"), 4);
  cache.Put("huge", 5, 100);
  EXPECT_FALSE(cache.Get("huge").has_value());
  EXPECT_EQ(cache.Get("d"), 4);
  cache.Put("d", 6, 1);  // replacing recharges
  EXPECT_EQ(cache.Get("d"), 6);
  cache.Erase("d");
  EXPECT_FALSE(cache.Get("d").has_value());
}

TEST(LruCacheTest, ConcurrentUseKeepsTheCaps) {
  LruCache<int> cache(50, 1 << 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = std::to_string((i * 7 + t) % 200);
        if (auto v = cache.Get(key)) {
          EXPECT_EQ(*v, (i * 7 + t) % 200);
        }
        cache.Put(key, (i * 7 + t) % 200, 8);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(cache.size(), 50u);
}

}  // namespace
}  // namespace signet
