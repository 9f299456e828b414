#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace signet {

Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes,
                                  std::string_view what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return InvalidArgumentError("cannot read " + path.string() + ": " + ec.message());
  if (!fs::is_regular_file(status)) {
    return InvalidArgumentError("cannot read " + path.string() + ": not a regular file");
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return InvalidArgumentError("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return InvalidArgumentError(path.string() + " is " + std::to_string(size) +
                                " bytes, too large for " + std::string(what));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot open " + path.string());
  // Read at most one byte more than allowed: a file that grew since the size check is refused.
  std::string contents(max_bytes + 1, '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (in.bad()) return InvalidArgumentError("cannot read " + path.string() + ": read error");
  contents.resize(static_cast<size_t>(in.gcount()));
  if (contents.size() > max_bytes) {
    return InvalidArgumentError(path.string() + " grew past " + std::to_string(max_bytes) +
                                " bytes while being read, too large for " + std::string(what));
  }
  return contents;
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           unsigned mode) {
  const std::filesystem::path temp = path.string() + ".tmp" + std::to_string(::getpid());
  auto fail = [&](const char* step) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return UnavailableError("cannot write " + path.string() + ": " + step + ": " + reason);
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail("open");
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail("write");
    }
    written += static_cast<size_t>(n);
  }
  // The umask may have narrowed the mode; secrets need exactly what was asked.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    ::close(fd);
    return fail("sync");
  }
  if (::close(fd) != 0) return fail("close");
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename");
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);  // best effort: some file systems refuse fsync on a directory
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace signet
