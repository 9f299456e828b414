// ByteSource: random-access read-only bytes, from a file or from memory.
//
// ZIP signing and verification read only the archive's tail and then stream it once, so memory
// stays flat whatever the size. Not thread-safe (a file source has one descriptor).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::zipsig {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly n bytes at offset into *out (resized); OutOfRange reads are InvalidArgument.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) = 0;
  // All the bytes, when they are already in memory (valid as long as the source), so a reader can
  // use them in place instead of copying them out with ReadAt; nullopt for a file.
  virtual std::optional<std::string_view> InMemory() const { return std::nullopt; }

  // A regular file read with pread(2); its size is taken once, here. NotFound when it does not
  // exist, InvalidArgument for a directory or a non-regular file (a pipe has no end to seek).
  // A later read that finds the file shorter is FailedPrecondition.
  static Result<std::unique_ptr<ByteSource>> OpenFile(const std::filesystem::path& path);
  // Does not copy: `bytes` must outlive the source.
  static std::unique_ptr<ByteSource> FromMemory(std::string_view bytes);
};

// Sink for streamed output: a file written atomically, or a string.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Makes the output durable and visible (a file sink renames its temp file into place).
  virtual Status Close() = 0;

  // Writes to a temp file beside `path` (mode 0644), fsynced and renamed over `path` on Close();
  // removed if never closed. After a failed Append the sink refuses further use.
  static Result<std::unique_ptr<ByteSink>> CreateFile(const std::filesystem::path& path);
  static std::unique_ptr<ByteSink> ToString(std::string* out);
};

}  // namespace signet::zipsig
