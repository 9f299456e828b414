#include "zipsig/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace signet::zipsig {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Shared by both sources so that a lying length from an archive is refused before any buffer is
// sized from it.
Status CheckRange(uint64_t size, uint64_t offset, size_t n) {
  if (offset > size || n > size - offset) {
    return InvalidArgumentError("read of " + std::to_string(n) + " bytes at offset " +
                                std::to_string(offset) + " runs past the end of the data (" +
                                std::to_string(size) + " bytes)");
  }
  return Status::Ok();
}

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource() override { ::close(fd_); }

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    SIGNET_RETURN_IF_ERROR(CheckRange(size_, offset, n));
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t got = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return UnavailableError("cannot read " + path_ + ": " + ErrnoText(errno));
      }
      if (got == 0) {
        // The size was taken when the file was opened; a shorter file now means someone is
        // rewriting it under us, and whatever we would digest is not what was asked for.
        return FailedPreconditionError(path_ + " shrank while being read (was " +
                                       std::to_string(size_) + " bytes)");
      }
      done += static_cast<size_t>(got);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}

  uint64_t size() const override { return bytes_.size(); }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    SIGNET_RETURN_IF_ERROR(CheckRange(bytes_.size(), offset, n));
    out->assign(bytes_.substr(static_cast<size_t>(offset), n));
    return Status::Ok();
  }

  std::optional<std::string_view> InMemory() const override { return bytes_; }

 private:
  std::string_view bytes_;
};

// Writes to `temp_path_` and renames it over `path_` on Close(), so a reader of `path_` sees
// either the old file or the complete new one, never a prefix.
class FileSink final : public ByteSink {
 public:
  FileSink(int fd, std::filesystem::path temp_path, std::filesystem::path path)
      : fd_(fd), temp_path_(std::move(temp_path)), path_(std::move(path)) {}
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!closed_) ::unlink(temp_path_.c_str());
  }

  Status Append(std::string_view bytes) override {
    if (fd_ < 0) return FailedPreconditionError("append to a closed or failed file sink");
    while (!bytes.empty()) {
      ssize_t put = ::write(fd_, bytes.data(), bytes.size());
      if (put < 0) {
        if (errno == EINTR) continue;
        return Fail("cannot write " + temp_path_.string() + ": " + ErrnoText(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(put));
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return FailedPreconditionError("close of a closed or failed file sink");
    if (::fsync(fd_) != 0) {
      return Fail("cannot sync " + temp_path_.string() + ": " + ErrnoText(errno));
    }
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) {
      return UnavailableError("cannot close " + temp_path_.string() + ": " + ErrnoText(errno));
    }
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return UnavailableError("cannot rename " + temp_path_.string() + " to " + path_.string() +
                              ": " + ErrnoText(errno));
    }
    closed_ = true;
    SyncDirectory();
    return Status::Ok();
  }

 private:
  // Closes the descriptor so later calls fail fast; the destructor removes the temp file.
  Status Fail(std::string message) {
    ::close(std::exchange(fd_, -1));
    return UnavailableError(std::move(message));
  }

  // Makes the rename itself durable. Best effort: the data is already synced, and some file
  // systems refuse fsync on a directory.
  void SyncDirectory() const {
    std::filesystem::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return;
    (void)::fsync(dfd);
    ::close(dfd);
  }

  int fd_;
  bool closed_ = false;
  std::filesystem::path temp_path_;
  std::filesystem::path path_;
};

class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Append(std::string_view bytes) override {
    out_->append(bytes);
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }

 private:
  std::string* out_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> ByteSource::OpenFile(const std::filesystem::path& path) {
  const std::string name = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFoundError("no such file: " + name);
    if (err == EACCES) return PermissionDeniedError("cannot open " + name + ": " + ErrnoText(err));
    return UnavailableError("cannot open " + name + ": " + ErrnoText(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return UnavailableError("cannot stat " + name + ": " + ErrnoText(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError(name + " is a directory, not a file");
  }
  if (!S_ISREG(st.st_mode)) {
    // A pipe or device has no stable size to find the end-of-central-directory record by.
    ::close(fd);
    return InvalidArgumentError(name + " is not a regular file");
  }
  return std::unique_ptr<ByteSource>(new FileSource(fd, static_cast<uint64_t>(st.st_size), name));
}

std::unique_ptr<ByteSource> ByteSource::FromMemory(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
}

Result<std::unique_ptr<ByteSink>> ByteSink::CreateFile(const std::filesystem::path& path) {
  if (path.filename().empty()) {
    return InvalidArgumentError("output path " + path.string() + " names no file");
  }
  std::filesystem::path dir = path.parent_path();
  // Beside the target, so that the final rename stays on one file system and is atomic.
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string where = dir.empty() ? std::string(".") : dir.string();
    if (err == ENOENT || err == ENOTDIR) return NotFoundError("no such directory: " + where);
    if (err == EACCES) {
      return PermissionDeniedError("cannot create a file in " + where + ": " + ErrnoText(err));
    }
    return UnavailableError("cannot create a file in " + where + ": " + ErrnoText(err));
  }
  // mkstemp makes 0600; a package is not secret and tools downstream expect a normal file.
  if (::fchmod(fd, 0644) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return UnavailableError("cannot set the mode of " + temp + ": " + ErrnoText(err));
  }
  return std::unique_ptr<ByteSink>(new FileSink(fd, temp, path));
}

std::unique_ptr<ByteSink> ByteSink::ToString(std::string* out) {
  return std::make_unique<StringSink>(out);
}

}  // namespace signet::zipsig
