#include "keys/file_key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "core/arn.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "crypto/aes_gcm.h"

namespace signet::keys {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAadPrefix = "signet-key:";
constexpr const char* kMasterKeyFile = "master.key";
constexpr const char* kKeysDir = "keys";
constexpr const char* kKeySuffix = ".key";
constexpr const char* kLabelSuffix = ".label";
// A sealed P-384 PKCS#8 key is under 200 bytes; anything far larger is not ours.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;
constexpr size_t kMaxLabelBytes = 1024;

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

std::string Aad(std::string_view key_id) { return std::string(kAadPrefix) + std::string(key_id); }

// File descriptor owner.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error close(2) may defer from write(2).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status IoError(std::string_view what, const fs::path& path, int err) {
  return InternalError(std::string(what) + " " + path.string() + ": " + ErrnoText(err));
}

// Reads a whole small file. NotFound when it does not exist.
Result<std::string> ReadSmallFile(const fs::path& path, size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(path.string() + " does not exist");
    return IoError("cannot open", path, err);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      SecureWipe(out);
      return FailedPreconditionError(path.string() + " is larger than " +
                                     std::to_string(max_bytes) + " bytes: not a signet file");
    }
  }
  return out;
}

Status SyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return IoError("cannot sync directory", dir, errno);
  return Status::Ok();
}

// Writes `bytes` to a new 0600 temporary file beside `path` and flushes it to disk; returns the
// temporary's path.
Result<fs::path> WriteTemporary(const fs::path& path, std::string_view bytes) {
  const fs::path tmp =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + HexEncode(RandomBytes(8)));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoError("cannot create", tmp, errno);
  auto fail = [&](std::string_view what, int err) {
    ::unlink(tmp.c_str());
    return IoError(what, tmp, err);
  };
  if (::fchmod(fd.get(), 0600) != 0) return fail("cannot chmod", errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write", errno);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("cannot sync", errno);
  if (fd.Close() != 0) return fail("cannot close", errno);
  return tmp;
}

// Atomically replaces `path`: a reader sees the old file or the whole new one, never a part.
Status WriteFileAtomic(const fs::path& path, std::string_view bytes) {
  SIGNET_ASSIGN_OR_RETURN(fs::path tmp, WriteTemporary(path, bytes));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename into place", path, err);
  }
  return SyncDirectory(path.parent_path());
}

// As WriteFileAtomic, but AlreadyExists (and nothing written) when `path` exists: link(2) does
// not replace, so two processes creating the master key at once agree on one.
Status CreateFileAtomic(const fs::path& path, std::string_view bytes) {
  SIGNET_ASSIGN_OR_RETURN(fs::path tmp, WriteTemporary(path, bytes));
  const int rc = ::link(tmp.c_str(), path.c_str());
  const int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return AlreadyExistsError(path.string() + " already exists");
    return IoError("cannot create", path, err);
  }
  return SyncDirectory(path.parent_path());
}

// Creates `dir` with mode 0700 if it does not exist.
Status EnsurePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  fs::create_directories(dir.parent_path().empty() ? fs::path(".") : dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("cannot create directory", dir, errno);
  }
  if (!fs::is_directory(dir, ec)) {
    return FailedPreconditionError(dir.string() + " exists and is not a directory");
  }
  return Status::Ok();
}

std::string_view TrimWhitespace(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The master key from its text form (64 hex digits, or base64 of 32 bytes). The message names
// the variable and never echoes the value.
Result<SecretBytes> ParseMasterKey(const SecretBytes& text) {
  const std::string_view v = TrimWhitespace(text.reveal());
  Result<std::string> decoded =
      v.size() == 2 * crypto::kAesGcmKeySize ? HexDecode(v) : Base64Decode(v);
  if (!decoded.ok() || decoded->size() != crypto::kAesGcmKeySize) {
    if (decoded.ok()) SecureWipe(*decoded);
    return InvalidArgumentError(std::string(kMasterKeyEnv) +
                                " must be 64 hex digits or the base64 encoding of 32 bytes");
  }
  SecretBytes key(*decoded);
  SecureWipe(*decoded);
  return key;
}

Result<SecretBytes> LoadOrCreateMasterKeyFile(const fs::path& path) {
  Result<std::string> existing = ReadSmallFile(path, 1024);
  if (!existing.ok() && existing.status().code() == ErrorCode::kNotFound) {
    SecretBytes fresh(RandomBytes(crypto::kAesGcmKeySize));
    const Status created = CreateFileAtomic(path, fresh.reveal());
    if (created.ok()) return fresh;
    if (created.code() != ErrorCode::kAlreadyExists) return created;
    existing = ReadSmallFile(path, 1024);  // another process created it first: use theirs
  }
  if (!existing.ok()) return existing.status();
  SecretBytes key(*existing);
  SecureWipe(*existing);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat", path, errno);
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return FailedPreconditionError(path.string() + " is readable by other users (mode " + mode +
                                   "); run: chmod 600 " + path.string());
  }
  if (key.size() != crypto::kAesGcmKeySize) {
    return FailedPreconditionError(path.string() + " is corrupt: a master key is 32 bytes, found " +
                                   std::to_string(key.size()));
  }
  return key;
}

Status UnknownKey(std::string_view key_id) {
  return NotFoundError("no key with id \"" + std::string(key_id.substr(0, 64)) + "\"");
}

}  // namespace

Result<std::unique_ptr<FileKeyStore>> FileKeyStore::Open(const std::filesystem::path& dir,
                                                         std::optional<SecretBytes> master_key) {
  if (!master_key.has_value()) {
    if (const char* env = std::getenv(kMasterKeyEnv); env != nullptr && *env != '\0') {
      master_key.emplace(env);
    }
  }
  // A malformed key is reported before anything is created on disk.
  SecretBytes master;
  if (master_key.has_value()) {
    SIGNET_ASSIGN_OR_RETURN(master, ParseMasterKey(*master_key));
  }
  SIGNET_RETURN_IF_ERROR(EnsurePrivateDirectory(dir));
  SIGNET_RETURN_IF_ERROR(EnsurePrivateDirectory(dir / kKeysDir));
  if (!master_key.has_value()) {
    SIGNET_ASSIGN_OR_RETURN(master, LoadOrCreateMasterKeyFile(dir / kMasterKeyFile));
  }
  return std::unique_ptr<FileKeyStore>(new FileKeyStore(dir, std::move(master)));
}

Result<KeyInfo> FileKeyStore::CreateKey(std::string_view label) {
  if (label.size() > kMaxLabelBytes) {
    return InvalidArgumentError("key label is longer than " + std::to_string(kMaxLabelBytes) +
                                " bytes");
  }
  SIGNET_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                          crypto::PrivateKey::Generate(crypto::KeyType::kEcP384));
  const std::string id = NewUuidV4();
  const SecretBytes pkcs8 = key.ToPkcs8Der();
  if (pkcs8.empty()) return InternalError("cannot encode the new key as PKCS#8");
  SIGNET_ASSIGN_OR_RETURN(std::string sealed, crypto::AesGcmSeal(master_, pkcs8, Aad(id)));
  const fs::path keys = dir_ / kKeysDir;
  // The label first: a key file is what makes a key exist, so a crash in between leaves at most
  // a stray label that ListKeys ignores.
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(keys / (id + kLabelSuffix), label));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomic(keys / (id + kKeySuffix), sealed));
  std::lock_guard<std::mutex> lock(mu_);
  cache_[id] = std::make_shared<const crypto::PrivateKey>(std::move(key));
  return KeyInfo{id, std::string(label)};
}

Result<std::shared_ptr<const crypto::PrivateKey>> FileKeyStore::Load(std::string_view key_id) {
  // Ids are UUIDs; checking that first also keeps a crafted id from naming another path.
  if (!IsValidUuid(key_id)) return UnknownKey(key_id);
  // Held across the file read so a concurrent DestroyKey cannot be undone by a stale load.
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = cache_.find(key_id); it != cache_.end()) return it->second;
  const std::string id(key_id);
  Result<std::string> sealed = ReadSmallFile(dir_ / kKeysDir / (id + kKeySuffix), kMaxKeyFileBytes);
  if (!sealed.ok()) {
    if (sealed.status().code() == ErrorCode::kNotFound) return UnknownKey(key_id);
    return sealed.status();
  }
  Result<SecretBytes> pkcs8 = crypto::AesGcmOpen(master_, *sealed, Aad(id));
  if (!pkcs8.ok()) {
    return FailedPreconditionError("cannot decrypt key " + id +
                                   ": wrong master key or tampered key file");
  }
  Result<crypto::PrivateKey> key = crypto::PrivateKey::FromPkcs8Der(*pkcs8);
  if (!key.ok()) {
    return FailedPreconditionError("key file for " + id + " does not hold a usable key");
  }
  auto loaded = std::make_shared<const crypto::PrivateKey>(std::move(key).value());
  cache_.emplace(id, loaded);
  return loaded;
}

Result<std::string> FileKeyStore::SignDigest(std::string_view key_id, std::string_view digest) {
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::PrivateKey> key, Load(key_id));
  return key->SignDigest(digest);
}

Result<crypto::PublicKey> FileKeyStore::GetPublicKey(std::string_view key_id) {
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<const crypto::PrivateKey> key, Load(key_id));
  return key->public_key();
}

Result<std::vector<KeyInfo>> FileKeyStore::ListKeys() {
  const fs::path keys = dir_ / kKeysDir;
  std::error_code ec;
  std::vector<KeyInfo> out;
  for (fs::directory_iterator it(keys, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != kKeySuffix) continue;
    const std::string id = p.stem().string();
    if (!IsValidUuid(id)) continue;  // temporaries and strangers
    Result<std::string> label = ReadSmallFile(keys / (id + kLabelSuffix), kMaxLabelBytes);
    out.push_back(KeyInfo{id, label.ok() ? std::move(label).value() : std::string()});
  }
  if (ec) return InternalError("cannot list " + keys.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const KeyInfo& a, const KeyInfo& b) { return a.id < b.id; });
  return out;
}

Status FileKeyStore::DestroyKey(std::string_view key_id) {
  if (!IsValidUuid(key_id)) return UnknownKey(key_id);
  const std::string id(key_id);
  const fs::path keys = dir_ / kKeysDir;
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(id);
  if (::unlink((keys / (id + kKeySuffix)).c_str()) != 0) {
    if (errno == ENOENT) return UnknownKey(key_id);
    return IoError("cannot remove", keys / (id + kKeySuffix), errno);
  }
  ::unlink((keys / (id + kLabelSuffix)).c_str());
  return SyncDirectory(keys);
}

}  // namespace signet::keys
