#include "core/file.h"

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

}  // namespace signet
