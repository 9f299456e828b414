#include "oci/cached_repository.h"

#include <utility>

#include "oci/manifest.h"

namespace signet::oci {
namespace {

bool IsDigest(std::string_view reference) { return reference.find(':') != std::string_view::npos; }

// What an entry costs beyond its bytes: the strings of a descriptor and the bookkeeping.
size_t DescriptorBytes(const Descriptor& d) {
  size_t n = 128 + d.media_type.size() + d.digest.size() + d.artifact_type.size();
  for (const auto& [key, value] : d.annotations) n += key.size() + value.size() + 32;
  return n;
}

}  // namespace

RepositoryCache::RepositoryCache(RepositoryCacheOptions options)
    : options_(std::move(options)),
      content_(options_.max_entries, options_.max_bytes),
      // Tags and referrer lists are small; as many of them as content entries, at most 16 MiB.
      expiring_(options_.max_entries, 16 * 1024 * 1024) {}

Timestamp RepositoryCache::Now() const {
  return (options_.clock != nullptr ? *options_.clock : SystemClock()).Now();
}

std::string RepositoryCache::StalenessBound() const {
  const auto describe = [](std::chrono::seconds ttl) {
    return ttl.count() > 0 ? "at most " + std::to_string(ttl.count()) + " s old"
                           : std::string("read afresh every time");
  };
  return "tags " + describe(options_.tag_ttl) + ", signature lists " +
         describe(options_.referrers_ttl) + "; content by digest cached (" +
         std::to_string(options_.max_entries) + " entries, " +
         std::to_string(options_.max_bytes / (1024 * 1024)) + " MiB)";
}

CachedRepository::CachedRepository(Repository& repository, RepositoryCache& cache, std::string name)
    : repository_(repository), cache_(cache), name_(std::move(name)) {}

std::string CachedRepository::Key(char kind, std::string_view id) const {
  std::string key(1, kind);
  key += ' ';
  key += name_;
  key += kind == 't' ? ':' : '@';
  key += id;
  return key;
}

std::optional<Descriptor> CachedRepository::CachedTag(std::string_view tag) {
  if (cache_.options_.tag_ttl.count() <= 0) return std::nullopt;
  const std::string key = Key('t', tag);
  std::optional<std::shared_ptr<const RepositoryCache::Expiring>> entry = cache_.expiring_.Get(key);
  if (!entry) return std::nullopt;
  if (cache_.Now() >= (*entry)->expires) {
    cache_.expiring_.Erase(key);
    return std::nullopt;
  }
  return (*entry)->descriptors.front();
}

void CachedRepository::PutExpiring(const std::string& key, std::chrono::seconds ttl,
                                   std::vector<Descriptor> descriptors) {
  if (ttl.count() <= 0) return;
  size_t bytes = 64;
  for (const Descriptor& d : descriptors) bytes += DescriptorBytes(d);
  auto entry = std::make_shared<RepositoryCache::Expiring>();
  entry->expires = cache_.Now() + ttl;
  entry->descriptors = std::move(descriptors);
  cache_.expiring_.Put(key, std::move(entry), bytes);
}

void CachedRepository::PutManifest(const Manifest& manifest) {
  RepositoryCache::Content content{manifest.descriptor,
                                   std::make_shared<const std::string>(manifest.bytes)};
  cache_.content_.Put(Key('m', manifest.descriptor.digest), std::move(content),
                      manifest.bytes.size() + DescriptorBytes(manifest.descriptor));
}

Result<Descriptor> CachedRepository::Resolve(std::string_view reference) {
  if (IsDigest(reference)) {
    if (auto cached = cache_.content_.Get(Key('m', reference))) {
      cache_.Count(true);
      return cached->descriptor;
    }
  } else if (std::optional<Descriptor> cached = CachedTag(reference)) {
    cache_.Count(true);
    return *cached;
  }
  cache_.Count(false);
  SIGNET_ASSIGN_OR_RETURN(Descriptor resolved, repository_.Resolve(reference));
  if (IsDigest(reference)) {
    cache_.content_.Put(Key('m', reference), {resolved, nullptr}, DescriptorBytes(resolved));
  } else {
    PutExpiring(Key('t', reference), cache_.options_.tag_ttl, {resolved});
  }
  return resolved;
}

Result<Manifest> CachedRepository::FetchManifest(std::string_view reference) {
  std::string digest(reference);
  if (!IsDigest(reference)) {
    std::optional<Descriptor> tagged = CachedTag(reference);
    if (!tagged) {
      cache_.Count(false);
      SIGNET_ASSIGN_OR_RETURN(Manifest fetched, repository_.FetchManifest(reference));
      PutExpiring(Key('t', reference), cache_.options_.tag_ttl, {fetched.descriptor});
      PutManifest(fetched);
      return fetched;
    }
    digest = tagged->digest;
  }
  if (auto cached = cache_.content_.Get(Key('m', digest)); cached && cached->bytes) {
    cache_.Count(true);
    return Manifest{cached->descriptor, *cached->bytes};
  }
  cache_.Count(false);
  SIGNET_ASSIGN_OR_RETURN(Manifest fetched, repository_.FetchManifest(digest));
  PutManifest(fetched);
  return fetched;
}

void CachedRepository::ForgetReferrersOf(std::string_view bytes) {
  Result<ManifestInfo> info = ParseManifest(bytes);
  if (!info.ok() || !info->subject) return;
  const std::string subject = info->subject->digest;
  std::string artifact_type = info->artifact_type;
  if (artifact_type.empty() && info->config) artifact_type = info->config->media_type;
  cache_.expiring_.Erase(Key('r', subject + " "));
  cache_.expiring_.Erase(Key('r', subject + " " + artifact_type));
}

Result<PushedManifest> CachedRepository::PushManifest(std::string_view media_type,
                                                      std::string_view bytes,
                                                      std::string_view tag) {
  if (!tag.empty()) cache_.expiring_.Erase(Key('t', tag));
  Result<PushedManifest> pushed = repository_.PushManifest(media_type, bytes, tag);
  ForgetReferrersOf(bytes);
  return pushed;
}

Result<Warnings> CachedRepository::DeleteManifest(std::string_view digest) {
  if (auto cached = cache_.content_.Get(Key('m', digest)); cached && cached->bytes) {
    ForgetReferrersOf(*cached->bytes);
  }
  cache_.content_.Erase(Key('m', digest));
  Result<Warnings> deleted = repository_.DeleteManifest(digest);
  // A referrer deleted without its bytes in the cache: its subject is unknown here, so its list
  // may stay stale for the referrers TTL, as a deletion by another client would.
  return deleted;
}

Result<bool> CachedRepository::BlobExists(std::string_view digest) {
  if (cache_.content_.Get(Key('b', digest))) {
    cache_.Count(true);
    return true;
  }
  cache_.Count(false);
  return repository_.BlobExists(digest);
}

Result<std::string> CachedRepository::FetchBlob(const Descriptor& blob, size_t max_bytes) {
  const std::string key = Key('b', blob.digest);
  if (blob.size <= max_bytes) {
    if (auto cached = cache_.content_.Get(key); cached && cached->bytes &&
                                                  cached->bytes->size() == blob.size) {
      cache_.Count(true);
      return *cached->bytes;
    }
  }
  cache_.Count(false);
  SIGNET_ASSIGN_OR_RETURN(std::string bytes, repository_.FetchBlob(blob, max_bytes));
  if (bytes.size() <= cache_.options_.max_entry_bytes) {
    Descriptor d;
    d.digest = blob.digest;
    d.size = bytes.size();
    cache_.content_.Put(key, {d, std::make_shared<const std::string>(bytes)},
                        bytes.size() + DescriptorBytes(d));
  }
  return bytes;
}

Status CachedRepository::PushBlob(std::string_view digest, std::string_view bytes) {
  return repository_.PushBlob(digest, bytes);
}

Result<std::vector<Descriptor>> CachedRepository::Referrers(std::string_view subject_digest,
                                                            std::string_view artifact_type) {
  const std::chrono::seconds ttl = cache_.options_.referrers_ttl;
  const std::string key = Key('r', std::string(subject_digest) + " " + std::string(artifact_type));
  if (ttl.count() > 0) {
    if (auto entry = cache_.expiring_.Get(key)) {
      if (cache_.Now() < (*entry)->expires) {
        cache_.Count(true);
        return (*entry)->descriptors;
      }
      cache_.expiring_.Erase(key);
    }
  }
  cache_.Count(false);
  SIGNET_ASSIGN_OR_RETURN(std::vector<Descriptor> listed,
                          repository_.Referrers(subject_digest, artifact_type));
  PutExpiring(key, ttl, listed);
  return listed;
}

}  // namespace signet::oci
