// LruCache: a bounded map from string keys to values that evicts the least recently used entry
// once the number of entries or the sum of their byte charges would exceed its caps.
//
// Values are returned by copy, so a value type that is expensive to copy is best held through a
// shared_ptr<const T>. An entry whose charge alone exceeds the byte cap is not stored.
// Thread-safe: every method takes the cache's lock.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace signet {

template <typename V>
class LruCache {
 public:
  LruCache(size_t max_entries, size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The value under `key` (now the most recently used), or nullopt.
  std::optional<V> Get(std::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = index_.find(std::string(key));
    if (it == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->value;
  }

  // Stores `value` under `key`, replacing what was there; `bytes` is what it costs (the key's
  // length is added). Evicts least recently used entries until both caps hold.
  void Put(std::string key, V value, size_t bytes) {
    bytes += key.size();
    std::lock_guard<std::mutex> lock(mu_);
    EraseLocked(key);
    if (bytes > max_bytes_ || max_entries_ == 0) return;
    while (!entries_.empty() && (entries_.size() + 1 > max_entries_ || bytes_ + bytes > max_bytes_)) {
      EraseLocked(entries_.back().key);
    }
    entries_.push_front(Entry{key, std::move(value), bytes});
    index_.emplace(std::move(key), entries_.begin());
    bytes_ += bytes;
  }

  void Erase(std::string_view key) {
    std::lock_guard<std::mutex> lock(mu_);
    EraseLocked(std::string(key));
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }
  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  struct Entry {
    std::string key;
    V value;
    size_t bytes;
  };
  void EraseLocked(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return;
    bytes_ -= it->second->bytes;
    entries_.erase(it->second);
    index_.erase(it);
  }

  const size_t max_entries_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace signet
