// LruMap: a map from strings to values holding at most `capacity` entries; inserting into a full
// map evicts the least recently used entry. Find() counts as a use.
//
// Not thread-safe: the owner locks (admission/verification_cache.h).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace signet::admission {

template <typename Value>
class LruMap {
 public:
  explicit LruMap(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value of `key`, now the most recently used; null when absent.
  Value* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Inserts or replaces; returns the number of entries evicted (0 or 1).
  size_t Put(std::string key, Value value) {
    if (Value* existing = Find(key)) {
      *existing = std::move(value);
      return 0;
    }
    order_.emplace_front(std::move(key), std::move(value));
    // The key's characters live in the list node, which never moves: the index views them.
    index_.emplace(std::string_view(order_.front().first), order_.begin());
    if (order_.size() <= capacity_) return 0;
    index_.erase(std::string_view(order_.back().first));
    order_.pop_back();
    return 1;
  }

  bool Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    auto node = it->second;
    index_.erase(it);
    order_.erase(node);
    return true;
  }

  // Erases every entry for which pred(key, value) holds; returns how many.
  template <typename Predicate>
  size_t EraseIf(Predicate pred) {
    size_t erased = 0;
    for (auto it = order_.begin(); it != order_.end();) {
      if (pred(it->first, it->second)) {
        index_.erase(std::string_view(it->first));
        it = order_.erase(it);
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
  }
  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using List = std::list<std::pair<std::string, Value>>;
  size_t capacity_;
  List order_;  // most recently used first
  std::unordered_map<std::string_view, typename List::iterator> index_;
};

}  // namespace signet::admission
