// LruMap: a map from strings to values holding at most `capacity` entries and, when entries are
// given a byte charge, at most `max_bytes` in all; inserting past a cap evicts the least recently
// used entries. Find() counts as a use.
//
// Not thread-safe: the owner locks (admission/verification_cache.h, core/lru_cache.h).
#pragma once

#include <cstddef>
#include <iterator>
#include <limits>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace signet {

template <typename Value>
class LruMap {
 public:
  explicit LruMap(size_t capacity, size_t max_bytes = std::numeric_limits<size_t>::max())
      : capacity_(capacity == 0 ? 1 : capacity), max_bytes_(max_bytes) {}
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value of `key`, now the most recently used; null when absent.
  Value* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  // Inserts or replaces, charging `bytes` to the entry; returns the number of entries evicted to
  // bring the map back within its caps (never the entry just put).
  size_t Put(std::string key, Value value, size_t bytes = 0) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      Entry& e = order_.front();
      e.value = std::move(value);
      bytes_ = bytes_ - e.bytes + bytes;
      e.bytes = bytes;
    } else {
      order_.push_front(Entry{std::move(key), std::move(value), bytes});
      // The key's characters live in the list node, which never moves: the index views them.
      index_.emplace(std::string_view(order_.front().key), order_.begin());
      bytes_ += bytes;
    }
    size_t evicted = 0;
    while (order_.size() > 1 && (order_.size() > capacity_ || bytes_ > max_bytes_)) {
      EraseNode(std::prev(order_.end()));
      ++evicted;
    }
    return evicted;
  }

  bool Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    EraseNode(it->second);
    return true;
  }

  // Erases every entry for which pred(key, value) holds; returns how many.
  template <typename Predicate>
  size_t EraseIf(Predicate pred) {
    size_t erased = 0;
    for (auto it = order_.begin(); it != order_.end();) {
      if (pred(it->key, it->value)) {
        it = EraseNode(it);
        ++erased;
      } else {
        ++it;
      }
    }
    return erased;
  }

  void Clear() {
    index_.clear();
    order_.clear();
    bytes_ = 0;
  }
  size_t size() const { return order_.size(); }
  size_t bytes() const { return bytes_; }
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string key;
    Value value;
    size_t bytes;
  };
  using List = std::list<Entry>;

  typename List::iterator EraseNode(typename List::iterator node) {
    bytes_ -= node->bytes;
    index_.erase(std::string_view(node->key));
    return order_.erase(node);
  }

  size_t capacity_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  List order_;  // most recently used first
  std::unordered_map<std::string_view, typename List::iterator> index_;
};

}  // namespace signet
