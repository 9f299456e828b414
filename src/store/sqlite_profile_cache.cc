#include "store/sqlite_profile_cache.h"

#include <utility>

namespace signet::store::sqlite {
namespace {

// Keys join their parts with length prefixes, so that no two different tuples share a key.
void Append(std::string& key, std::string_view part) {
  key += std::to_string(part.size());
  key += ':';
  key += part;
}

std::string ProfileKey(std::string_view account, std::string_view name) {
  std::string key;
  Append(key, account);
  Append(key, name);
  return key;
}

std::string PermissionsKey(std::string_view account, std::string_view name,
                           const PageRequest& page) {
  std::string key = ProfileKey(account, name);
  Append(key, page.token);
  key += std::to_string(page.max_results);
  return key;
}

// What an entry costs, roughly: its strings' bytes.
size_t Bytes(const SigningProfileRecord& p) {
  size_t n = sizeof(p) + p.account.size() + p.name.size() + p.version.size() + p.arn.size() +
             p.version_arn.size() + p.platform_id.size() + p.status_reason.size() +
             p.certificate_chain_pem.size() + p.key_id.size();
  for (const auto& [k, v] : p.signing_parameters) n += k.size() + v.size();
  for (const auto& [k, v] : p.tags) n += k.size() + v.size();
  if (p.revocation) n += p.revocation->revoked_by.size() + p.revocation->reason.size();
  return n;
}

size_t Bytes(const ProfilePermissions& p) {
  size_t n = sizeof(p) + p.revision_id.size() + p.next_token.size();
  for (const ProfilePermissionRecord& r : p.permissions) {
    n += sizeof(r) + r.statement_id.size() + r.action.size() + r.principal.size() +
         r.profile_version.value_or("").size();
  }
  return n;
}

}  // namespace

ProfileCache::ProfileCache(size_t max_entries, size_t max_bytes)
    : profiles_(max_entries, max_bytes), permissions_(max_entries, max_bytes) {}

template <typename T>
std::optional<T> ProfileCache::Find(LruCache<Entry<T>>& cache, std::string_view key) {
  std::optional<Entry<T>> entry = cache.Get(key);
  // An odd generation matches no entry: nothing is stored under one.
  if (!entry || entry->generation != generation_.load()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  return *entry->value;
}

template <typename T>
void ProfileCache::Put(LruCache<Entry<T>>& cache, uint64_t ticket, std::string key, const T& value,
                       size_t bytes) {
  // A read begun during a write, or one that a write has overtaken, is not kept: it could be
  // older than what the next read must see. (The check races with writers harmlessly: an entry
  // stored under a generation that has just passed is never served.)
  if (ticket % 2 != 0 || ticket != generation_.load()) return;
  cache.Put(std::move(key), Entry<T>{ticket, std::make_shared<const T>(value)}, bytes);
}

std::optional<SigningProfileRecord> ProfileCache::FindProfile(std::string_view account,
                                                              std::string_view name) {
  return Find(profiles_, ProfileKey(account, name));
}

void ProfileCache::PutProfile(uint64_t ticket, std::string_view account, std::string_view name,
                              const SigningProfileRecord& profile) {
  Put(profiles_, ticket, ProfileKey(account, name), profile, Bytes(profile));
}

std::optional<ProfilePermissions> ProfileCache::FindPermissions(std::string_view account,
                                                                std::string_view name,
                                                                const PageRequest& page) {
  return Find(permissions_, PermissionsKey(account, name, page));
}

void ProfileCache::PutPermissions(uint64_t ticket, std::string_view account, std::string_view name,
                                  const PageRequest& page, const ProfilePermissions& permissions) {
  Put(permissions_, ticket, PermissionsKey(account, name, page), permissions, Bytes(permissions));
}

}  // namespace signet::store::sqlite
