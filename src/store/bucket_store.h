// BucketStore: the embedded S3-compatible object store (DESIGN.md §1 "local-directory buckets"),
// served by signetd's S3 endpoint (api/s3_api.h) and read/written by StartSigningJob.
//
// Buckets are owned by an account; names follow the S3 rules (3–63 of [a-z0-9.-], start and end
// with a letter or digit). Versioning is Unversioned (initially), Enabled or Suspended, as S3:
// in an Enabled bucket every put makes a new version with a fresh version id and older versions
// stay readable by id; Unversioned/Suspended puts replace the "null" version.
// Every write is atomic and durable (temp file + fsync + rename); a reader holding a path from
// OpenObject keeps a consistent object even if it is overwritten meanwhile (the file of a replaced
// or deleted version stays for an hour; an open descriptor reads it to the end in any case).
// Keys are opaque strings (1–1024 bytes of UTF-8, no NUL): never used as file names.
// The layout on disk is described in bucket_store.cc. One process opens a directory at a time.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace signet::store {

enum class VersioningStatus { kUnversioned, kEnabled, kSuspended };

struct BucketInfo {
  std::string name;
  std::string owner_account;
  Timestamp created_at{};
  VersioningStatus versioning = VersioningStatus::kUnversioned;
};

struct ObjectInfo {
  std::string bucket;
  std::string key;
  std::string version_id;  // "null" for the null version (unversioned/suspended puts)
  uint64_t size = 0;
  std::string etag;          // as given by the writer (the S3 API passes the quoted MD5)
  std::string content_type;  // as given; empty: application/octet-stream
  Timestamp last_modified{};
  std::map<std::string, std::string> user_metadata;  // x-amz-meta-*
  bool delete_marker = false;
};

struct ObjectWrite {
  std::string bucket;
  std::string key;
  std::string etag;
  std::string content_type;
  std::map<std::string, std::string> user_metadata;
};

struct ListObjectsRequest {
  std::string prefix;
  std::string delimiter;           // empty: none
  std::string start_after;         // exclusive; also how continuation tokens resume
  int max_keys = 1000;             // 0..1000
};

struct ObjectListing {
  std::vector<ObjectInfo> objects;         // current versions, key order
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_start_after;  // when truncated: the last key (or prefix) returned
};

class BucketStore {
 public:
  // Opens (creating 0700 if needed) the store under `dir`.
  static Result<std::unique_ptr<BucketStore>> Open(const std::filesystem::path& dir);
  ~BucketStore();

  // kAlreadyExists if the bucket exists (the message says whether the caller owns it).
  Status CreateBucket(std::string_view account, std::string_view bucket, Timestamp now);
  Result<BucketInfo> GetBucket(std::string_view bucket);
  Result<std::vector<BucketInfo>> ListBuckets(std::string_view account);
  // kFailedPrecondition if not empty.
  Status DeleteBucket(std::string_view bucket);
  // kInvalidArgument for kUnversioned (a bucket cannot go back to unversioned).
  Status SetVersioning(std::string_view bucket, VersioningStatus status);

  Result<ObjectInfo> PutObject(const ObjectWrite& write, std::string_view data, Timestamp now);
  // A path inside the store's filesystem for the caller to write new content to; pass it to
  // PutObjectFile, which moves it into place (or remove it yourself). PutObjectFile consumes the
  // file: it is moved, or removed when the put fails.
  std::filesystem::path NewTempPath();
  Result<ObjectInfo> PutObjectFile(const ObjectWrite& write, const std::filesystem::path& file,
                                   Timestamp now);
  // The current version when `version_id` is unset/empty. kNotFound for a missing bucket, key or
  // version (the message says which), and for a key whose current version is a delete marker;
  // kFailedPrecondition when the version asked for is a delete marker.
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key,
                                const std::optional<std::string>& version_id = std::nullopt);
  // The file holding the object's bytes (read-only), with its info.
  Result<std::pair<ObjectInfo, std::filesystem::path>> OpenObject(
      std::string_view bucket, std::string_view key,
      const std::optional<std::string>& version_id = std::nullopt);
  // Without a version: in an Enabled bucket adds a delete marker (returned); in a Suspended one
  // replaces the null version with a "null" delete marker (returned), as S3 does; in an
  // Unversioned one removes the object. With a version: removes that version (a delete marker
  // too; `delete_marker` then says so). Deleting a missing key or version succeeds.
  // kInvalidArgument for a malformed version id (not "null" or a 32-character id).
  Result<ObjectInfo> DeleteObject(std::string_view bucket, std::string_view key,
                                  const std::optional<std::string>& version_id, Timestamp now);
  Result<ObjectListing> ListObjects(std::string_view bucket, const ListObjectsRequest& request);

 private:
  struct Impl;
  explicit BucketStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace signet::store
