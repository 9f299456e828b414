// Reading small files whole (certificates, policies, configuration), with a size limit.
//
// Every file signet reads whole comes from a user or an operator, so its size is bounded before
// it is read: a device (/dev/zero), a directory or an oversized file is an error, never an
// unbounded allocation.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet {

// The contents of the regular file `path`, at most `max_bytes` long. InvalidArgument:
//   "cannot read PATH: <reason>" (missing, not a regular file, unreadable) or
//   "PATH is N bytes, too large for <what>".
Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes,
                                  std::string_view what);

// Writes `contents` to `path` atomically and durably: a temp file beside it (created with
// `mode`), fsync, rename over `path`, fsync of the directory. Readers see the old file or the
// new one, never a mix. Unavailable "cannot write PATH: <reason>" on failure (nothing is left).
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents,
                           unsigned mode = 0644);

}  // namespace signet
