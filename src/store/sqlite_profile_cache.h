// Internal to store/: SqliteStore's cache of profile reads (GetProfile, ListProfilePermissions),
// so that the signing path's profile lookup runs no SQL while the profile is unchanged.
//
// Staleness is ruled out by a generation counter, not by time:
//  - The writer (whoever holds the write connection) calls RowChanged for every row of a profile
//    table (kProfileTables) it changes, from SQLite's update hook, and WriteEnded once the
//    transaction holding such a change has committed or rolled back. The generation is odd from
//    the first such row until then; while it is odd nothing is served or stored.
//  - A read takes a Ticket before its snapshot begins, and offers its result with that ticket;
//    the result is kept only if the ticket is even and still current.
//  - An entry is served only while the generation is still the one it was stored under.
// So an entry served was read from a snapshot taken after its ticket, and since the ticket no
// profile row has changed in any transaction, open or ended: it is what a read now would return.
// A write whose transaction has ended (its InTransaction returned) is never hidden.
//
// Only writes reported through RowChanged are seen: another process, or another SqliteStore,
// writing the same file is not (SqliteStoreOptions::profile_cache_entries turns the cache off).
//
// Thread-safety: Ticket, Find* and Put* from any thread, without holding anything across SQL;
// RowChanged and WriteEnded only by the holder of the write connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/lru_cache.h"
#include "store/page.h"
#include "store/profile_permission_record.h"
#include "store/signing_profile_record.h"

namespace signet::store::sqlite {

class ProfileCache {
 public:
  // At most `max_entries` profiles and as many permission pages, each kind within `max_bytes`.
  ProfileCache(size_t max_entries, size_t max_bytes);
  ProfileCache(const ProfileCache&) = delete;
  ProfileCache& operator=(const ProfileCache&) = delete;

  // Take before the read's transaction begins; pass to Put*.
  uint64_t Ticket() const { return generation_.load(); }

  // The newest version of the profile as last read, if that read is still current.
  std::optional<SigningProfileRecord> FindProfile(std::string_view account, std::string_view name);
  void PutProfile(uint64_t ticket, std::string_view account, std::string_view name,
                  const SigningProfileRecord& profile);

  // One page of the profile's permissions, if its read is still current.
  std::optional<ProfilePermissions> FindPermissions(std::string_view account, std::string_view name,
                                                    const PageRequest& page);
  void PutPermissions(uint64_t ticket, std::string_view account, std::string_view name,
                      const PageRequest& page, const ProfilePermissions& permissions);

  // Writer side (see above).
  void RowChanged() {
    if (writing_) return;
    writing_ = true;
    generation_.fetch_add(1);
  }
  void WriteEnded() {
    if (!writing_) return;
    writing_ = false;
    generation_.fetch_add(1);
  }

  int64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  int64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  template <typename T>
  struct Entry {
    uint64_t generation;
    std::shared_ptr<const T> value;  // copied out of the lock, so the lock guards a pointer copy
  };
  template <typename T>
  std::optional<T> Find(LruCache<Entry<T>>& cache, std::string_view key);
  template <typename T>
  void Put(LruCache<Entry<T>>& cache, uint64_t ticket, std::string key, const T& value,
           size_t bytes);

  std::atomic<uint64_t> generation_{0};  // odd while a write to a profile table is open
  bool writing_ = false;                 // the writer's own: the open transaction changed a row
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
  LruCache<Entry<SigningProfileRecord>> profiles_;
  LruCache<Entry<ProfilePermissions>> permissions_;
};

}  // namespace signet::store::sqlite
