// LruCache: a bounded map from string keys to values that evicts the least recently used entry
// once the number of entries or the sum of their byte charges would exceed its caps: a locked
// LruMap (core/lru_map.h) for caches shared between threads.
//
// Values are returned by copy, so a value type that is expensive to copy is best held through a
// shared_ptr<const T>. An entry whose charge alone exceeds the byte cap is not stored.
// Thread-safe: every method takes the cache's lock.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/lru_map.h"

namespace signet {

template <typename V>
class LruCache {
 public:
  LruCache(size_t max_entries, size_t max_bytes)
      : max_entries_(max_entries), max_bytes_(max_bytes), map_(max_entries, max_bytes) {}
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value under `key` (now the most recently used), or nullopt.
  std::optional<V> Get(std::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    const V* value = map_.Find(key);
    if (value == nullptr) return std::nullopt;
    return *value;
  }

  // Stores `value` under `key`, replacing what was there; `bytes` is what it costs (the key's
  // length is added). Evicts least recently used entries until both caps hold.
  void Put(std::string key, V value, size_t bytes) {
    bytes += key.size();
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes > max_bytes_ || max_entries_ == 0) {
      map_.Erase(key);
      return;
    }
    map_.Put(std::move(key), std::move(value), bytes);
  }

  void Erase(std::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    map_.Erase(key);
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.size();
  }
  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.bytes();
  }

 private:
  const size_t max_entries_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  LruMap<V> map_;
};

}  // namespace signet
