#include "store/bucket_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <system_error>
#include <utility>

#include "core/encoding.h"
#include "core/ids.h"
#include "store/sqlite_connection.h"

namespace signet::store {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// On-disk layout under the store's directory (this comment is the format):
//   buckets.db   SQLite (WAL): the tables below
//   objects/ID   the bytes of one object version; ID is random (base64url, 24 characters) and
//                never derived from a bucket name or key, so no key can name a path
//   tmp/         new content before it is moved into objects/; emptied on Open
// A blob that stops being referenced (overwritten null version, deleted version) is unlinked only
// kReleaseGrace later, so a reader that took its path from OpenObject can still open it. Open
// (no readers yet) removes every blob no row references: those, and the leftovers of a crash.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at INTEGER NOT NULL,
  versioning INTEGER NOT NULL);  -- VersioningStatus: 0 unversioned, 1 enabled, 2 suspended
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order: the newest version is the latest
  bucket TEXT NOT NULL REFERENCES buckets (name),
  key TEXT NOT NULL, version_id TEXT NOT NULL,
  is_latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, content_type TEXT NOT NULL, last_modified INTEGER NOT NULL,
  metadata BLOB NOT NULL,  -- "<len>:<name><len>:<value>..."
  blob TEXT,               -- NULL for a delete marker
  UNIQUE (bucket, key, version_id));
CREATE INDEX IF NOT EXISTS versions_latest ON versions (bucket, is_latest, key);
)sql";

// The columns ReadVersion reads, in its order.
#define SIGNET_VERSION_COLUMNS \
  "key, version_id, size, etag, content_type, last_modified, metadata, delete_marker, blob "

constexpr Clock::duration kReleaseGrace = std::chrono::hours(1);
constexpr size_t kMaxKeyBytes = 1024;

int64_t Seconds(Timestamp t) { return t.time_since_epoch().count(); }
Status ErrnoError(std::string_view what, const fs::path& path, int err) {
  return UnavailableError("cannot " + std::string(what) + " " + path.string() + ": " +
                          std::strerror(err));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status ValidateBucketName(std::string_view name) {
  const char* why = nullptr;
  const bool ip_like = std::all_of(name.begin(), name.end(),
                                   [](char c) { return c == '.' || (c >= '0' && c <= '9'); }) &&
                       std::count(name.begin(), name.end(), '.') == 3;
  if (name.size() < 3 || name.size() > 63) {
    why = "must be 3 to 63 characters long";
  } else if (!std::all_of(name.begin(), name.end(),
                          [](char c) { return IsLowerAlnum(c) || c == '.' || c == '-'; })) {
    why = "only lower-case letters, digits, '.' and '-' are allowed";
  } else if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    why = "must begin and end with a letter or digit";
  } else if (name.find("..") != name.npos || name.find(".-") != name.npos ||
             name.find("-.") != name.npos) {
    why = "'.' may not be next to '.' or '-'";
  } else if (ip_like || name.starts_with("xn--") || name.ends_with("-s3alias")) {
    why = "must not look like an IP address or use a reserved prefix or suffix";
  }
  if (why == nullptr) return Status::Ok();
  return InvalidArgumentError("invalid bucket name \"" + std::string(name.substr(0, 80)) +
                              "\": " + why);
}

// Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80             ? 0
                     : (c & 0xE0) == 0xC0 ? 1
                     : (c & 0xF0) == 0xE0 ? 2
                     : (c & 0xF8) == 0xF0 ? 3
                                          : 4;
    if (n == 4 || n >= s.size() - i) return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

Status ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return InvalidArgumentError("object key must be 1 to 1024 bytes long, not " +
                                std::to_string(key.size()));
  }
  if (key.find('\0') != std::string_view::npos || !IsValidUtf8(key)) {
    return InvalidArgumentError("object key must be UTF-8 without NUL characters");
  }
  return Status::Ok();
}

// Checks the key, and the version id if one is given: "null", or 32 characters of base64url
// (NewVersionId makes letters and digits only). An empty version id means none.
Result<std::optional<std::string>> CheckKeyAndVersion(std::string_view key,
                                                      const std::optional<std::string>& id) {
  SIGNET_RETURN_IF_ERROR(ValidateKey(key));
  if (!id || id->empty()) return std::optional<std::string>();
  bool ok = *id == "null" || id->size() == 32;
  for (char c : *id) ok = ok && (IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_');
  if (!ok) return InvalidArgumentError("invalid version id");
  return id;
}

// 32 letters and digits: no leading '-' that a command line would take for an option (the AWS
// CLI refuses `--version-id -x…`); about 190 bits.
std::string NewVersionId() {
  return RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
}
std::string NewBlobId() { return Base64UrlEncode(RandomBytes(18)); }

std::string EncodeMetadata(const std::map<std::string, std::string>& metadata) {
  std::string out;
  for (const auto& [name, value] : metadata) {
    out += std::to_string(name.size()) + ":" + name + std::to_string(value.size()) + ":" + value;
  }
  return out;
}

Result<std::map<std::string, std::string>> DecodeMetadata(std::string_view text) {
  std::map<std::string, std::string> out;
  auto next = [&text](std::string* s) {
    size_t n = 0, i = 0;
    for (; i < text.size() && i < 10 && text[i] >= '0' && text[i] <= '9'; ++i) {
      n = n * 10 + static_cast<size_t>(text[i] - '0');
    }
    if (i == 0 || i >= text.size() || text[i] != ':' || n > text.size() - i - 1) return false;
    s->assign(text.substr(i + 1, n));
    text.remove_prefix(i + 1 + n);
    return true;
  };
  std::string name, value;
  while (!text.empty()) {
    if (!next(&name) || !next(&value)) return InternalError("corrupt metadata in bucket store");
    out[name] = value;
  }
  return out;
}

// The smallest string greater than every string that starts with `s`; empty when there is none.
std::string Successor(std::string s) {
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xFF) s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", dir, errno);
  const int rc = ::fsync(fd), err = errno;
  ::close(fd);
  // Some file systems refuse fsync on a directory; the data itself is synced already.
  return rc != 0 && err != EINVAL && err != EROFS ? ErrnoError("sync", dir, err) : Status::Ok();
}

Status MakePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

// Syncs the regular file `path` (its writer may not have) and returns its size.
Result<uint64_t> SyncAndSize(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ErrnoError("open", path, errno);
  struct stat st {};
  Status s;
  if (::fstat(fd, &st) != 0) {
    s = ErrnoError("stat", path, errno);
  } else if (!S_ISREG(st.st_mode)) {
    s = InvalidArgumentError(path.string() + " is not a regular file");
  } else if (::fsync(fd) != 0) {
    s = ErrnoError("sync", path, errno);
  }
  ::close(fd);
  if (!s.ok()) return s;
  return static_cast<uint64_t>(st.st_size);
}

// A version row (SIGNET_VERSION_COLUMNS) and the blob holding its bytes ("" for a marker).
struct VersionRow {
  ObjectInfo info;
  std::string blob;
};

Result<VersionRow> ReadVersion(const sqlite::Statement& q, std::string_view bucket) {
  SIGNET_ASSIGN_OR_RETURN(auto metadata, DecodeMetadata(q.Blob(6)));
  return VersionRow{
      {std::string(bucket), q.Text(0), q.Text(1), static_cast<uint64_t>(q.Int(2)), q.Text(3),
       q.Text(4), Timestamp(std::chrono::seconds(q.Int(5))), std::move(metadata), q.Int(7) != 0},
      q.Text(8)};
}

}  // namespace

struct BucketStore::Impl {
  fs::path objects;
  fs::path tmp;
  std::mutex mu;
  std::unique_ptr<sqlite::Connection> db;  // guarded by mu
  // Blobs the current transaction stops referencing, and those released by committed ones,
  // oldest first, waiting out kReleaseGrace. Guarded by mu.
  std::vector<std::string> releasing;
  std::deque<std::pair<Clock::time_point, std::string>> released;

  fs::path BlobPath(std::string_view blob) const { return objects / std::string(blob); }

  // Runs `fn` in one write transaction. Requires mu.
  template <typename Fn>
  Status Transaction(Fn&& fn) {
    releasing.clear();
    SIGNET_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    Status s = fn();
    if (s.ok()) s = db->Exec("COMMIT");
    if (!s.ok() && db->InTransaction()) (void)db->Exec("ROLLBACK");
    if (!s.ok()) releasing.clear();  // still referenced
    for (auto& blob : releasing) released.emplace_back(Clock::now(), std::move(blob));
    releasing.clear();
    return s;
  }

  // Runs constant SQL with `args` bound to its parameters in order. Requires mu.
  template <typename... Args>
  Status Run(const char* sql, const Args&... args) {
    SIGNET_ASSIGN_OR_RETURN(sqlite::Statement q, db->Prepare(sql));
    int i = 0;
    (q.Bind(++i, args), ...);
    return q.Run();
  }

  // Unlinks blobs whose grace period is over; releases mu first.
  void Sweep(std::unique_lock<std::mutex>& lock) {
    std::vector<std::string> expired;
    while (!released.empty() && released.front().first + kReleaseGrace <= Clock::now()) {
      expired.push_back(std::move(released.front().second));
      released.pop_front();
    }
    lock.unlock();
    for (const auto& blob : expired) ::unlink(BlobPath(blob).c_str());
  }

  // Buckets with `name`, or owned by `owner`, in name order.
  Result<std::vector<BucketInfo>> Buckets(std::optional<std::string_view> name,
                                          std::string_view owner = {}) {
    SIGNET_ASSIGN_OR_RETURN(
        sqlite::Statement q,
        db->Prepare(name ? "SELECT name, owner, created_at, versioning FROM buckets WHERE name = ?"
                         : "SELECT name, owner, created_at, versioning FROM buckets WHERE "
                           "owner = ? ORDER BY name"));
    q.Bind(1, name.value_or(owner));
    std::vector<BucketInfo> out;
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return out;
      out.push_back({q.Text(0), q.Text(1), Timestamp(std::chrono::seconds(q.Int(2))),
                     static_cast<VersioningStatus>(std::clamp<int64_t>(q.Int(3), 0, 2))});
    }
  }

  Result<BucketInfo> Bucket(std::string_view name) {
    SIGNET_RETURN_IF_ERROR(ValidateBucketName(name));
    SIGNET_ASSIGN_OR_RETURN(std::vector<BucketInfo> found, Buckets(name));
    if (found.empty()) return NotFoundError("no such bucket: " + std::string(name));
    return std::move(found.front());
  }

  // The latest version of `key` when `version_id` is unset; nullopt when there is none.
  Result<std::optional<VersionRow>> Find(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id) {
    SIGNET_ASSIGN_OR_RETURN(
        sqlite::Statement q,
        db->Prepare("SELECT " SIGNET_VERSION_COLUMNS "FROM versions WHERE bucket = ? AND key = ? "
                    "AND (version_id = ?3 OR (?3 IS NULL AND is_latest = 1))"));
    q.Bind(1, bucket).Bind(2, key).Bind(3, version_id);
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return std::optional<VersionRow>();
    SIGNET_ASSIGN_OR_RETURN(VersionRow found, ReadVersion(q, bucket));
    return std::optional(std::move(found));
  }

  // Removes one version (releasing its blob) and makes the newest remaining one the latest.
  Status Remove(const VersionRow& row) {
    const ObjectInfo& v = row.info;
    SIGNET_RETURN_IF_ERROR(
        Run("DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?", v.bucket, v.key,
            v.version_id));
    if (!row.blob.empty()) releasing.push_back(row.blob);
    return Run(
        "UPDATE versions SET is_latest = 1 WHERE seq = (SELECT MAX(seq) FROM versions WHERE "
        "bucket = ?1 AND key = ?2) AND NOT EXISTS (SELECT 1 FROM versions WHERE bucket = ?1 AND "
        "key = ?2 AND is_latest = 1)",
        v.bucket, v.key);
  }

  // Adds a version as the latest; a "null" version replaces any earlier null version.
  Status Add(const ObjectInfo& info, const std::optional<std::string>& blob) {
    if (info.version_id == "null") {
      SIGNET_ASSIGN_OR_RETURN(auto old, Find(info.bucket, info.key, "null"));
      if (old) SIGNET_RETURN_IF_ERROR(Remove(*old));
    }
    SIGNET_RETURN_IF_ERROR(
        Run("UPDATE versions SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1",
            info.bucket, info.key));
    return Run(
        "INSERT INTO versions (bucket, key, version_id, is_latest, delete_marker, size, etag, "
        "content_type, last_modified, metadata, blob) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
        info.bucket, info.key, info.version_id, info.delete_marker, static_cast<int64_t>(info.size),
        info.etag, info.content_type, Seconds(info.last_modified),
        EncodeMetadata(info.user_metadata), blob);
  }

  // Recovery on Open: removes temp files and every blob that no version references.
  Status RemoveLeftovers() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(tmp, ec)) fs::remove_all(entry.path(), ec);
    std::set<std::string> referenced;
    SIGNET_ASSIGN_OR_RETURN(sqlite::Statement q,
                            db->Prepare("SELECT blob FROM versions WHERE blob IS NOT NULL"));
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      referenced.insert(q.Text(0));
    }
    for (const auto& entry : fs::directory_iterator(objects, ec)) {
      std::error_code ignored;  // best effort: an orphan left behind costs only space
      if (!referenced.contains(entry.path().filename().string())) fs::remove(entry, ignored);
    }
    if (ec) return UnavailableError("cannot list " + objects.string() + ": " + ec.message());
    return Status::Ok();
  }
};

Result<std::unique_ptr<BucketStore>> BucketStore::Open(const fs::path& dir) {
  auto impl = std::make_unique<Impl>();
  impl->objects = dir / "objects";
  impl->tmp = dir / "tmp";
  for (const fs::path& d : {dir, impl->objects, impl->tmp}) {
    SIGNET_RETURN_IF_ERROR(MakePrivateDirectory(d));
  }
  SIGNET_ASSIGN_OR_RETURN(
      impl->db, sqlite::Connection::Open((dir / "buckets.db").string(), std::chrono::seconds(5)));
  sqlite::Connection& db = *impl->db;
  // WAL + FULL: an acknowledged write survives power loss. The first statement also tells us
  // whether the file is a database at all.
  SIGNET_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  SIGNET_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  SIGNET_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  SIGNET_RETURN_IF_ERROR(impl->Transaction([&] { return db.Exec(kSchema); }));
  SIGNET_RETURN_IF_ERROR(impl->RemoveLeftovers());
  return std::unique_ptr<BucketStore>(new BucketStore(std::move(impl)));
}

BucketStore::BucketStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BucketStore::~BucketStore() = default;

Status BucketStore::CreateBucket(std::string_view account, std::string_view bucket, Timestamp now) {
  SIGNET_RETURN_IF_ERROR(ValidateBucketName(bucket));
  if (account.empty()) return InvalidArgumentError("a bucket needs an owner account");
  std::lock_guard lock(impl_->mu);
  auto existing = impl_->Bucket(bucket);
  if (existing.ok()) {
    return AlreadyExistsError("bucket " + std::string(bucket) + " already exists" +
                              (existing->owner_account == account ? " and is owned by you"
                                                                  : " (owned by another account)"));
  }
  if (existing.status().code() != ErrorCode::kNotFound) return existing.status();
  return impl_->Run("INSERT INTO buckets (name, owner, created_at, versioning) VALUES (?, ?, ?, 0)",
                    bucket, account, Seconds(now));
}

Result<BucketInfo> BucketStore::GetBucket(std::string_view bucket) {
  std::lock_guard lock(impl_->mu);
  return impl_->Bucket(bucket);
}

Result<std::vector<BucketInfo>> BucketStore::ListBuckets(std::string_view account) {
  std::lock_guard lock(impl_->mu);
  return impl_->Buckets(std::nullopt, account);
}

Status BucketStore::DeleteBucket(std::string_view bucket) {
  std::lock_guard lock(impl_->mu);
  return impl_->Transaction([&]() -> Status {
    SIGNET_RETURN_IF_ERROR(impl_->Bucket(bucket).status());
    SIGNET_ASSIGN_OR_RETURN(sqlite::Statement q,
                            impl_->db->Prepare("SELECT 1 FROM versions WHERE bucket = ? LIMIT 1"));
    SIGNET_ASSIGN_OR_RETURN(bool any, q.Bind(1, bucket).Step());
    if (any) return FailedPreconditionError("bucket is not empty: delete every version first");
    return impl_->Run("DELETE FROM buckets WHERE name = ?", bucket);
  });
}

Status BucketStore::SetVersioning(std::string_view bucket, VersioningStatus status) {
  if (status == VersioningStatus::kUnversioned) {
    return InvalidArgumentError("versioning can only be Enabled or Suspended");
  }
  std::lock_guard lock(impl_->mu);
  SIGNET_RETURN_IF_ERROR(impl_->Bucket(bucket).status());
  return impl_->Run("UPDATE buckets SET versioning = ? WHERE name = ?", static_cast<int>(status),
                    bucket);
}

fs::path BucketStore::NewTempPath() { return impl_->tmp / (NewBlobId() + ".tmp"); }

Result<ObjectInfo> BucketStore::PutObject(const ObjectWrite& write, std::string_view data,
                                          Timestamp now) {
  const fs::path temp = NewTempPath();  // PutObjectFile validates, syncs and consumes it
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) {
    ::unlink(temp.c_str());
    return UnavailableError("cannot write " + temp.string() + " (disk full?)");
  }
  return PutObjectFile(write, temp, now);
}

Result<ObjectInfo> BucketStore::PutObjectFile(const ObjectWrite& write, const fs::path& file,
                                              Timestamp now) {
  // The file is consumed either way: moved into place, or removed on failure. The bytes are
  // synced and moved before taking the lock, so concurrent puts only serialise on the index.
  fs::path target = file;
  auto fail = [&target](Status s) {
    ::unlink(target.c_str());
    return s;
  };
  if (Status s = ValidateBucketName(write.bucket); !s.ok()) return fail(s);
  if (Status s = ValidateKey(write.key); !s.ok()) return fail(s);
  auto size = SyncAndSize(file);
  if (!size.ok()) return fail(size.status());
  const std::string blob = NewBlobId();
  if (::rename(file.c_str(), impl_->BlobPath(blob).c_str()) != 0) {
    // EXDEV: the file is not on the store's file system (use NewTempPath).
    return fail(ErrnoError("move into the bucket store", file, errno));
  }
  target = impl_->BlobPath(blob);
  if (Status s = SyncDirectory(impl_->objects); !s.ok()) return fail(s);

  ObjectInfo info{write.bucket, write.key,           "null", *size, write.etag, write.content_type,
                  now,          write.user_metadata, false};
  std::unique_lock lock(impl_->mu);
  Status s = impl_->Transaction([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(BucketInfo bucket, impl_->Bucket(write.bucket));
    if (bucket.versioning == VersioningStatus::kEnabled) info.version_id = NewVersionId();
    return impl_->Add(info, blob);
  });
  if (!s.ok()) return fail(s);
  impl_->Sweep(lock);
  return info;
}

Result<ObjectInfo> BucketStore::HeadObject(std::string_view bucket, std::string_view key,
                                           const std::optional<std::string>& version_id) {
  SIGNET_ASSIGN_OR_RETURN(auto found, OpenObject(bucket, key, version_id));
  return std::move(found.first);
}

Result<std::pair<ObjectInfo, fs::path>> BucketStore::OpenObject(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  SIGNET_ASSIGN_OR_RETURN(const std::optional<std::string> id, CheckKeyAndVersion(key, version_id));
  std::lock_guard lock(impl_->mu);
  SIGNET_RETURN_IF_ERROR(impl_->Bucket(bucket).status());
  SIGNET_ASSIGN_OR_RETURN(std::optional<VersionRow> found, impl_->Find(bucket, key, id));
  if (!found && id) return NotFoundError("no such version " + *id + " of key " + std::string(key));
  if (!found) return NotFoundError("no such key: " + std::string(key));
  if (found->info.delete_marker) {
    const std::string what = " of key " + std::string(key) + " is a delete marker";
    if (id) return FailedPreconditionError("version " + *id + what);
    return NotFoundError("no such key: the current version" + what);
  }
  return std::pair(std::move(found->info), impl_->BlobPath(found->blob));
}

Result<ObjectInfo> BucketStore::DeleteObject(std::string_view bucket, std::string_view key,
                                             const std::optional<std::string>& version_id,
                                             Timestamp now) {
  SIGNET_ASSIGN_OR_RETURN(const std::optional<std::string> id, CheckKeyAndVersion(key, version_id));
  ObjectInfo result;
  result.bucket = std::string(bucket);
  result.key = std::string(key);
  std::unique_lock lock(impl_->mu);
  Status s = impl_->Transaction([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(BucketInfo info, impl_->Bucket(bucket));
    if (id || info.versioning == VersioningStatus::kUnversioned) {
      // Removes exactly one version: the one named, or the null version.
      result.version_id = id.value_or("null");
      SIGNET_ASSIGN_OR_RETURN(auto found, impl_->Find(bucket, key, result.version_id));
      if (!found) return Status::Ok();
      result = found->info;
      return impl_->Remove(*found);
    }
    // Enabled: a new delete marker; Suspended: a "null" delete marker replacing the null version.
    result.version_id =
        info.versioning == VersioningStatus::kEnabled ? NewVersionId() : std::string("null");
    result.delete_marker = true;
    result.last_modified = now;
    return impl_->Add(result, std::nullopt);
  });
  if (!s.ok()) return s;
  impl_->Sweep(lock);
  return result;
}

Result<ObjectListing> BucketStore::ListObjects(std::string_view bucket,
                                               const ListObjectsRequest& request) {
  if (request.max_keys < 0 || request.max_keys > 1000) {
    return InvalidArgumentError("max-keys must be between 0 and 1000");
  }
  const std::string& prefix = request.prefix;
  const std::string& delim = request.delimiter;
  const std::string& after = request.start_after;
  if (prefix.size() > kMaxKeyBytes || after.size() > kMaxKeyBytes || delim.size() > kMaxKeyBytes) {
    return InvalidArgumentError("prefix, delimiter and start-after are at most 1024 bytes");
  }
  std::lock_guard lock(impl_->mu);
  SIGNET_RETURN_IF_ERROR(impl_->Bucket(bucket).status());
  ObjectListing out;
  // A keyset scan over current versions from `cursor`, which re-seeks past each common prefix
  // so that a large "directory" costs one query.
  std::string cursor = std::max(after, prefix);
  bool inclusive = after < prefix;
  int count = 0;
  bool finished = request.max_keys == 0;
  while (!finished) {
    SIGNET_ASSIGN_OR_RETURN(
        sqlite::Statement q,
        impl_->db->Prepare("SELECT " SIGNET_VERSION_COLUMNS
                           "FROM versions WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 "
                           "AND key >= ? AND key <> ? ORDER BY key"));
    // No key is empty, so excluding "" makes the lower bound inclusive. SQLite steps through
    // the index lazily: rows past the page are never read.
    q.Bind(1, bucket).Bind(2, cursor).Bind(3, inclusive ? "" : cursor);
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        finished = true;
        break;
      }
      std::string key = q.Text(0);
      const size_t pos = delim.empty() ? std::string::npos : key.find(delim, prefix.size());
      std::string common = pos == std::string::npos ? "" : key.substr(0, pos + delim.size());
      // A common prefix not after start-after was returned on an earlier page.
      const bool is_new = common.empty() || common > after;
      if (!key.starts_with(prefix) || (is_new && count == request.max_keys)) {
        out.truncated = key.starts_with(prefix);
        finished = true;
        break;
      }
      if (!common.empty()) {
        cursor = Successor(common);  // re-seek past everything under the common prefix
        inclusive = true;
        finished = cursor.empty();
        if (is_new) {
          out.next_start_after = common;
          out.common_prefixes.push_back(std::move(common));
          ++count;
        }
        break;
      }
      SIGNET_ASSIGN_OR_RETURN(VersionRow version, ReadVersion(q, bucket));
      out.objects.push_back(std::move(version.info));
      out.next_start_after = key;
      ++count;
    }
  }
  if (!out.truncated) out.next_start_after.clear();
  return out;
}

}  // namespace signet::store
