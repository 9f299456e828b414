#include "zipsig/zip_archive.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "crypto/digest.h"

namespace signet::zipsig {
namespace {

// Record signatures and fixed sizes from PKWARE's APPNOTE.TXT (4.3.7, 4.3.12, 4.3.14-16).
constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEocdSignature = 0x06054b50;
constexpr uint32_t kZip64EocdSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEocdSize = 22;
constexpr size_t kZip64EocdSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kMax16 = 0xffff;
constexpr uint32_t kMax32 = 0xffffffff;
// The comment-length field is the last two bytes of the EOCD record.
constexpr size_t kCommentLengthOffset = 20;
// Reads for streaming and for walking the central directory.
constexpr size_t kChunkSize = 1 << 20;
constexpr std::string_view kEocdSignatureBytes("PK\x05\x06", 4);

constexpr std::string_view kNoEocd = "not a ZIP archive (no end-of-central-directory record)";

uint16_t Le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8);
}
uint32_t Le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(Le16(b, at)) | static_cast<uint32_t>(Le16(b, at + 2)) << 16;
}
uint64_t Le64(std::string_view b, size_t at) {
  return static_cast<uint64_t>(Le32(b, at)) | static_cast<uint64_t>(Le32(b, at + 4)) << 32;
}

std::string N(uint64_t v) { return std::to_string(v); }

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Entry names come from the archive: printable ASCII only, and short, so that an error message
// is safe to log and to show in a terminal.
std::string Printable(std::string_view name) {
  constexpr size_t kMaxShown = 80;
  std::string out;
  for (char c : name.substr(0, kMaxShown)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (name.size() > kMaxShown) out += "...";
  return out;
}

// Sequential reads of [begin, end) through one reusable buffer, so that walking a central
// directory of any size (or one whose size field lies) costs at most kChunkSize of memory.
class ChunkedReader {
 public:
  ChunkedReader(ByteSource& source, uint64_t begin, uint64_t end)
      : source_(source), pos_(begin), end_(end), buffer_start_(begin) {}

  uint64_t Position() const { return pos_; }
  uint64_t Remaining() const { return end_ - pos_; }

  // The next n bytes, not consumed. Precondition: n <= Remaining().
  Result<std::string_view> Peek(size_t n) {
    if (pos_ < buffer_start_ || pos_ + n > buffer_start_ + buffer_.size()) {
      size_t len = static_cast<size_t>(std::min<uint64_t>(std::max(n, kChunkSize), Remaining()));
      SIGNET_RETURN_IF_ERROR(source_.ReadAt(pos_, len, &buffer_));
      buffer_start_ = pos_;
    }
    const std::string_view buffered = buffer_;
    return buffered.substr(static_cast<size_t>(pos_ - buffer_start_), n);
  }
  void Skip(uint64_t n) { pos_ += n; }

 private:
  ByteSource& source_;
  uint64_t pos_;
  uint64_t end_;
  uint64_t buffer_start_;
  std::string buffer_;
};


// A layout is only meaningful for the bytes it was read from.
Status CheckLayoutMatches(const ByteSource& source, const ZipLayout& layout) {
  if (source.size() != layout.file_size || layout.eocd_offset > layout.file_size ||
      layout.eocd_offset + kEocdSize + layout.comment_length != layout.file_size) {
    return FailedPreconditionError("the archive changed after it was read (now " +
                                   N(source.size()) + " bytes, was " + N(layout.file_size) + ")");
  }
  return Status::Ok();
}

CommentKind ClassifyComment(std::string_view comment) {
  if (comment.empty()) return CommentKind::kNone;
  if (comment.starts_with(kSignatureMarker)) return CommentKind::kSignet;
  return CommentKind::kForeign;
}

// The EOCD fields that ZIP64 may replace, in their widest form.
struct DirectoryFields {
  uint64_t disk = 0;
  uint64_t directory_disk = 0;
  uint64_t disk_entries = 0;
  uint64_t total_entries = 0;
  uint64_t directory_size = 0;
  uint64_t directory_offset = 0;
};

// Reads the ZIP64 locator just before the EOCD and the ZIP64 EOCD record it points to. Returns
// the ZIP64 fields and, in *record_offset, where the record begins (the central directory must
// end there).
Result<DirectoryFields> ReadZip64(ByteSource& source, uint64_t eocd_offset,
                                  const DirectoryFields& eocd, uint64_t* record_offset) {
  const uint64_t locator_offset = eocd_offset - kZip64LocatorSize;
  std::string locator;
  SIGNET_RETURN_IF_ERROR(source.ReadAt(locator_offset, kZip64LocatorSize, &locator));
  if (Le32(locator, 4) != 0 || Le32(locator, 16) > 1) {
    return InvalidArgumentError("multi-disk (spanned or split) ZIP archives are not supported");
  }
  const uint64_t offset = Le64(locator, 8);
  if (offset > locator_offset || locator_offset - offset < kZip64EocdSize) {
    return InvalidArgumentError(
        "ZIP64 locator points to an end-of-central-directory record at offset " + N(offset) +
        ", which does not fit before the locator at offset " + N(locator_offset));
  }
  std::string record;
  SIGNET_RETURN_IF_ERROR(source.ReadAt(offset, kZip64EocdSize, &record));
  if (Le32(record, 0) != kZip64EocdSignature) {
    return InvalidArgumentError("no ZIP64 end-of-central-directory record at offset " + N(offset) +
                                " (signature " + Hex32(Le32(record, 0)) + ")");
  }
  // The record's size field excludes its own 12-byte lead; the record, the locator and the EOCD
  // must be contiguous, so no bytes hide between them.
  if (Le64(record, 4) != locator_offset - offset - 12) {
    return InvalidArgumentError("ZIP64 end-of-central-directory record at offset " + N(offset) +
                                " declares " + N(Le64(record, 4)) + " bytes but " +
                                N(locator_offset - offset - 12) +
                                " lie between it and its locator");
  }
  DirectoryFields z{Le32(record, 16), Le32(record, 20), Le64(record, 24),
                    Le64(record, 32), Le64(record, 40), Le64(record, 48)};
  // Where the classic EOCD holds a real value rather than the "see ZIP64" mark, both records
  // must agree: a reader that ignores ZIP64 must not see a different archive.
  auto agree = [](uint64_t classic, uint64_t mark, uint64_t wide) {
    return classic == mark || classic == wide;
  };
  if (!agree(eocd.disk, kMax16, z.disk) || !agree(eocd.directory_disk, kMax16, z.directory_disk) ||
      !agree(eocd.disk_entries, kMax16, z.disk_entries) ||
      !agree(eocd.total_entries, kMax16, z.total_entries) ||
      !agree(eocd.directory_size, kMax32, z.directory_size) ||
      !agree(eocd.directory_offset, kMax32, z.directory_offset)) {
    return InvalidArgumentError(
        "the end-of-central-directory record and its ZIP64 record disagree (entries " +
        N(eocd.total_entries) + " vs " + N(z.total_entries) + ", central directory " +
        N(eocd.directory_size) + " bytes at " + N(eocd.directory_offset) + " vs " +
        N(z.directory_size) + " bytes at " + N(z.directory_offset) + ")");
  }
  *record_offset = offset;
  return z;
}

// Where central directory entry `index` says its local header is, resolving the ZIP64 extra
// field (APPNOTE 4.5.3) when the 32-bit field holds the "see ZIP64" mark.
struct EntryLocation {
  uint64_t local_header_offset = 0;
  uint64_t disk = 0;
};

// `header` is the fixed header, the name and the extra field, which starts at `extra_at`.
template <typename Describe>
Result<EntryLocation> ResolveEntryLocation(std::string_view header, size_t extra_at,
                                           Describe&& what) {
  EntryLocation loc{Le32(header, 42), Le16(header, 34)};
  const bool wide_uncompressed = Le32(header, 24) == kMax32;
  const bool wide_compressed = Le32(header, 20) == kMax32;
  const bool wide_offset = loc.local_header_offset == kMax32;
  const bool wide_disk = loc.disk == kMax16;
  if (!wide_offset && !wide_disk) return loc;

  // Extra blocks are (id, size, data); stop at the first that does not fit, as readers do.
  std::string_view extra = header.substr(extra_at);
  while (extra.size() >= 4) {
    uint16_t id = Le16(extra, 0);
    size_t size = Le16(extra, 2);
    if (size > extra.size() - 4) break;
    std::string_view data = extra.substr(4, size);
    extra.remove_prefix(4 + size);
    if (id != kZip64ExtraId) continue;
    // Only the saturated fields are present, in this order.
    size_t at = (wide_uncompressed ? 8 : 0) + (wide_compressed ? 8 : 0);
    if (wide_offset) {
      if (at + 8 > data.size()) break;
      loc.local_header_offset = Le64(data, at);
      at += 8;
    }
    if (wide_disk) {
      if (at + 4 > data.size()) break;
      loc.disk = Le32(data, at);
    }
    return loc;
  }
  return InvalidArgumentError(what() +
                              " defers its local header offset or disk to a ZIP64 extra "
                              "field, but has none that holds it");
}

// Walks the central directory [offset, end): every header well-formed and inside it, every
// local header before it and starting with its signature. Returns the number of entries.
Result<uint64_t> WalkCentralDirectory(ByteSource& source, uint64_t offset, uint64_t end) {
  ChunkedReader reader(source, offset, end);
  std::string local_signature;
  uint64_t count = 0;
  while (reader.Remaining() > 0) {
    const uint64_t at = reader.Position();
    // Error text is built only on failure: a directory may hold millions of entries.
    auto entry = [&] { return "central directory entry " + N(count) + " at offset " + N(at); };
    if (reader.Remaining() < kCentralHeaderSize) {
      return InvalidArgumentError(entry() + " runs past the end of the central directory");
    }
    SIGNET_ASSIGN_OR_RETURN(std::string_view fixed, reader.Peek(kCentralHeaderSize));
    if (Le32(fixed, 0) != kCentralHeaderSignature) {
      return InvalidArgumentError(entry() + " has a bad signature (" + Hex32(Le32(fixed, 0)) +
                                  ", expected " + Hex32(kCentralHeaderSignature) + ")");
    }
    const size_t name_length = Le16(fixed, 28);
    const size_t extra_length = Le16(fixed, 30);
    const size_t total = kCentralHeaderSize + name_length + extra_length + Le16(fixed, 32);
    if (total > reader.Remaining()) {
      return InvalidArgumentError(entry() + " runs past the end of the central directory");
    }
    SIGNET_ASSIGN_OR_RETURN(std::string_view header,
                            reader.Peek(kCentralHeaderSize + name_length + extra_length));
    auto what = [&] {
      return entry() + " (" + Printable(header.substr(kCentralHeaderSize, name_length)) + ")";
    };
    SIGNET_ASSIGN_OR_RETURN(EntryLocation loc,
                            ResolveEntryLocation(header, kCentralHeaderSize + name_length, what));
    if (loc.disk != 0) {
      return InvalidArgumentError(what() + " lives on disk " + N(loc.disk) +
                                  "; multi-disk ZIP archives are not supported");
    }
    if (loc.local_header_offset >= offset || offset - loc.local_header_offset < kLocalHeaderSize) {
      return InvalidArgumentError(
          what() + " points to a local header at offset " + N(loc.local_header_offset) +
          ", which does not lie before the central directory (offset " + N(offset) + ")");
    }
    SIGNET_RETURN_IF_ERROR(source.ReadAt(loc.local_header_offset, 4, &local_signature));
    if (Le32(local_signature, 0) != kLocalHeaderSignature) {
      return InvalidArgumentError(what() + " points to offset " + N(loc.local_header_offset) +
                                  ", which holds no local file header");
    }
    reader.Skip(total);
    ++count;
  }
  return count;
}

// Validates the archive whose EOCD record sits at `eocd_offset` with `comment` after it.
Result<ZipLayout> ReadFromEocd(ByteSource& source, uint64_t eocd_offset, std::string_view eocd,
                               std::string_view comment) {
  ZipLayout layout;
  layout.file_size = source.size();
  layout.eocd_offset = eocd_offset;
  layout.comment_length = static_cast<uint16_t>(comment.size());
  layout.comment_kind = ClassifyComment(comment);
  // Our comment is text (a marker and JSON); an EOCD signature inside it could only serve to
  // make some reader pick a different end record than we did.
  if (layout.comment_kind == CommentKind::kSignet &&
      comment.find(kEocdSignatureBytes) != std::string_view::npos) {
    return InvalidArgumentError(
        "the signet signature comment contains an end-of-central-directory signature");
  }

  DirectoryFields fields{Le16(eocd, 4),  Le16(eocd, 6),  Le16(eocd, 8),
                         Le16(eocd, 10), Le32(eocd, 12), Le32(eocd, 16)};
  uint64_t directory_end = eocd_offset;
  // Writers emit the locator whenever they write ZIP64 records, saturated fields or not
  // (Info-ZIP's -fz). An entry count of exactly 0xffff without a locator is taken literally.
  bool has_locator = false;
  if (eocd_offset >= kZip64LocatorSize) {
    std::string signature;
    SIGNET_RETURN_IF_ERROR(source.ReadAt(eocd_offset - kZip64LocatorSize, 4, &signature));
    has_locator = Le32(signature, 0) == kZip64LocatorSignature;
  }
  if (has_locator) {
    SIGNET_ASSIGN_OR_RETURN(fields, ReadZip64(source, eocd_offset, fields, &directory_end));
    layout.zip64 = true;
  } else if (fields.disk == kMax16 || fields.directory_disk == kMax16 ||
             fields.directory_size == kMax32 || fields.directory_offset == kMax32) {
    return InvalidArgumentError(
        "the end-of-central-directory record defers to ZIP64, but there is no ZIP64 "
        "end-of-central-directory locator before it");
  }

  if (fields.disk != 0 || fields.directory_disk != 0 ||
      fields.disk_entries != fields.total_entries) {
    return InvalidArgumentError("multi-disk (spanned or split) ZIP archives are not supported");
  }
  if (fields.total_entries == 0) return InvalidArgumentError("empty archive (no entries)");
  if (fields.directory_offset > layout.file_size ||
      fields.directory_size > layout.file_size - fields.directory_offset) {
    return InvalidArgumentError("truncated ZIP archive: central directory at offset " +
                                N(fields.directory_offset) + " (" + N(fields.directory_size) +
                                " bytes) runs past the end of the file (" + N(layout.file_size) +
                                " bytes)");
  }
  if (fields.directory_offset + fields.directory_size != directory_end) {
    return InvalidArgumentError("central directory at offset " + N(fields.directory_offset) + " (" +
                                N(fields.directory_size) + " bytes) ends at offset " +
                                N(fields.directory_offset + fields.directory_size) +
                                ", not where the " + (layout.zip64 ? "ZIP64 " : "") +
                                "end-of-central-directory record begins (offset " +
                                N(directory_end) + ")");
  }
  SIGNET_ASSIGN_OR_RETURN(uint64_t found,
                          WalkCentralDirectory(source, fields.directory_offset, directory_end));
  if (found != fields.total_entries) {
    return InvalidArgumentError("EOCD says " + N(fields.total_entries) +
                                " entries but the central directory holds " + N(found));
  }
  layout.entry_count = found;
  layout.central_directory_offset = fields.directory_offset;
  layout.central_directory_size = fields.directory_size;
  return layout;
}

}  // namespace

Result<ZipLayout> ZipLayout::Read(ByteSource& source) {
  const uint64_t file_size = source.size();
  if (file_size == 0) return InvalidArgumentError("not a ZIP archive (the file is empty)");
  if (file_size < kEocdSize) return InvalidArgumentError(std::string(kNoEocd));

  // The EOCD record is the last thing in the file but for its comment of at most 64 KiB.
  const size_t tail_size =
      static_cast<size_t>(std::min<uint64_t>(file_size, kEocdSize + kMaxCommentSize));
  const uint64_t tail_offset = file_size - tail_size;
  std::string tail;
  SIGNET_RETURN_IF_ERROR(source.ReadAt(tail_offset, tail_size, &tail));

  // A comment may contain the EOCD signature; only a record whose comment length reaches
  // exactly the end of the file is a candidate.
  std::vector<size_t> candidates;
  std::optional<size_t> plausible;  // the last record that looks real, for a precise error
  for (size_t i = tail_size - kEocdSize + 1; i-- > 0;) {
    if (Le32(tail, i) != kEocdSignature) continue;
    if (i + kEocdSize + Le16(tail, i + kCommentLengthOffset) == tail_size) {
      candidates.push_back(i);
    } else if (!plausible) {
      // The signature also turns up in entry data; a real record's central directory ends
      // right before it, or a ZIP64 locator does.
      const bool directory_ends_here =
          uint64_t{Le32(tail, i + 16)} + Le32(tail, i + 12) == tail_offset + i;
      const bool locator_before =
          i >= kZip64LocatorSize && Le32(tail, i - kZip64LocatorSize) == kZip64LocatorSignature;
      if (directory_ends_here || locator_before) plausible = i;
    }
  }
  if (candidates.empty()) {
    if (!plausible) return InvalidArgumentError(std::string(kNoEocd));
    const size_t declared = Le16(tail, *plausible + kCommentLengthOffset);
    const size_t present = tail_size - *plausible - kEocdSize;
    if (declared > present) {
      return InvalidArgumentError("truncated ZIP archive: the archive comment is declared as " +
                                  N(declared) + " bytes but only " + N(present) +
                                  " follow the end-of-central-directory record");
    }
    return InvalidArgumentError("ZIP archive has " + N(present - declared) +
                                " bytes of unexpected data after its archive comment");
  }
  // Two records that both reach the end of the file: readers differ on which one they take, so
  // a signature over either could describe a different archive than the one deployed.
  if (candidates.size() > 1) {
    return InvalidArgumentError(
        "ambiguous ZIP archive: its comment contains a second end-of-central-directory record "
        "(at offset " +
        N(tail_offset + candidates[0]) + ")");
  }
  const size_t at = candidates[0];
  const std::string_view record = tail;
  return ReadFromEocd(source, tail_offset + at, record.substr(at, kEocdSize),
                      record.substr(at + kEocdSize));
}

Result<std::string> ReadEmbeddedEnvelope(ByteSource& source, const ZipLayout& layout) {
  SIGNET_RETURN_IF_ERROR(CheckLayoutMatches(source, layout));
  if (layout.comment_length == 0) {
    return FailedPreconditionError("package is not signed (the ZIP archive has no comment)");
  }
  std::string comment;
  SIGNET_RETURN_IF_ERROR(
      source.ReadAt(layout.eocd_offset + kEocdSize, layout.comment_length, &comment));
  // Classified again from the bytes: the layout is the caller's value.
  if (ClassifyComment(comment) != CommentKind::kSignet) {
    return FailedPreconditionError("archive comment is not a signet signature");
  }
  comment.erase(0, kSignatureMarker.size());
  if (comment.empty()) {
    return InvalidArgumentError("the signet signature comment holds no envelope");
  }
  return comment;
}

namespace {

// Streams the bytes [0, end) of `source` through `consume` on the calling thread while a second
// thread reads ahead and, when `sink` is given, writes each chunk once it was consumed. Three
// 1 MiB buffers rotate free → read → consumed → written → free, so the copies in and out of
// the page cache run on the other core and a large package costs about one SHA-384 pass.
//
// A source already in memory (a package a deployment uploaded) with no sink is consumed in place
// on the calling thread: there is nothing to read ahead, and a copy would only cost.
Status StreamPipelined(ByteSource& source, uint64_t end,
                       const std::function<void(std::string_view)>& consume, ByteSink* sink) {
  if (const std::optional<std::string_view> bytes = source.InMemory(); bytes && !sink) {
    if (end > bytes->size()) {
      return InvalidArgumentError("read of " + std::to_string(end) +
                                  " bytes runs past the end of the data (" +
                                  std::to_string(bytes->size()) + " bytes)");
    }
    for (uint64_t at = 0; at < end; at += kChunkSize) {
      consume(bytes->substr(static_cast<size_t>(at),
                            static_cast<size_t>(std::min<uint64_t>(kChunkSize, end - at))));
    }
    return Status::Ok();
  }
  struct Buffer {
    std::string bytes;
    enum State { kFree, kRead, kConsumed } state = kFree;
  };
  std::vector<Buffer> buffers(3);
  std::mutex mu;
  std::condition_variable cv;
  Status io_status;
  bool io_done = false;
  size_t chunks = static_cast<size_t>((end + kChunkSize - 1) / kChunkSize);

  std::thread io([&] {
    size_t next_read = 0, next_write = 0;
    std::unique_lock<std::mutex> lock(mu);
    while (io_status.ok() && (next_read < chunks || (sink && next_write < chunks))) {
      Buffer* write = sink && next_write < next_read &&
                              buffers[next_write % 3].state == Buffer::kConsumed
                          ? &buffers[next_write % 3]
                          : nullptr;
      Buffer* read = next_read < chunks && buffers[next_read % 3].state == Buffer::kFree
                         ? &buffers[next_read % 3]
                         : nullptr;
      if (!write && !read) {
        cv.wait(lock);
        continue;
      }
      lock.unlock();
      Status s;
      if (write) {
        s = sink->Append(write->bytes);
      } else {
        const uint64_t at = static_cast<uint64_t>(next_read) * kChunkSize;
        s = source.ReadAt(at, static_cast<size_t>(std::min<uint64_t>(kChunkSize, end - at)), &read->bytes);
      }
      lock.lock();
      if (!s.ok()) {
        io_status = s;
      } else if (write) {
        write->state = Buffer::kFree;
        ++next_write;
      } else {
        read->state = Buffer::kRead;
        ++next_read;
      }
      cv.notify_all();
    }
    io_done = true;
    cv.notify_all();
  });

  for (size_t i = 0; i < chunks; ++i) {
    Buffer& buffer = buffers[i % 3];
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return buffer.state == Buffer::kRead || io_done; });
      if (buffer.state != Buffer::kRead) break;  // the reader failed
    }
    consume(buffer.bytes);
    std::lock_guard<std::mutex> lock(mu);
    buffer.state = sink ? Buffer::kConsumed : Buffer::kFree;
    cv.notify_all();
  }
  io.join();
  return io_status;
}

}  // namespace

Result<UnsignedDigest> DigestUnsignedForm(ByteSource& source, const ZipLayout& layout) {
  SIGNET_RETURN_IF_ERROR(CheckLayoutMatches(source, layout));
  crypto::Digest digest(crypto::HashAlgorithm::kSha384);
  SIGNET_RETURN_IF_ERROR(StreamPipelined(source, layout.eocd_offset + kCommentLengthOffset,
                                         [&](std::string_view chunk) { digest.Update(chunk); },
                                         nullptr));
  digest.Update(std::string_view("\0\0", 2));  // the comment length of the unsigned form
  return UnsignedDigest{digest.Finish(), layout.unsigned_size()};
}

namespace {
Status CheckComment(std::string_view comment) {
  if (comment.size() > kMaxCommentSize) {
    return InvalidArgumentError("archive comment too large: " + N(comment.size()) +
                                " bytes (a ZIP comment holds at most " + N(kMaxCommentSize) + ")");
  }
  // Keeps the output readable by ZipLayout::Read: exactly one EOCD record reaches the end.
  if (comment.find(kEocdSignatureBytes) != std::string_view::npos) {
    return InvalidArgumentError(
        "archive comment contains an end-of-central-directory signature (PK\\5\\6)");
  }
  return Status::Ok();
}
}  // namespace

Status AppendComment(std::string_view comment, ByteSink& sink) {
  SIGNET_RETURN_IF_ERROR(CheckComment(comment));
  const char length[2] = {static_cast<char>(comment.size() & 0xff),
                          static_cast<char>(comment.size() >> 8)};
  SIGNET_RETURN_IF_ERROR(sink.Append(std::string_view(length, 2)));
  return sink.Append(comment);
}

Status WriteWithComment(ByteSource& source, const ZipLayout& layout, std::string_view comment,
                        ByteSink& sink) {
  SIGNET_RETURN_IF_ERROR(CheckComment(comment));
  SIGNET_RETURN_IF_ERROR(CheckLayoutMatches(source, layout));
  SIGNET_RETURN_IF_ERROR(StreamPipelined(source, layout.eocd_offset + kCommentLengthOffset,
                                         [](std::string_view) {}, &sink));
  return AppendComment(comment, sink);
}


Result<UnsignedDigest> CopyAndDigestUnsignedForm(ByteSource& source, const ZipLayout& layout,
                                                 ByteSink& sink) {
  SIGNET_RETURN_IF_ERROR(CheckLayoutMatches(source, layout));
  crypto::Digest digest(crypto::HashAlgorithm::kSha384);
  SIGNET_RETURN_IF_ERROR(StreamPipelined(source, layout.eocd_offset + kCommentLengthOffset,
                                         [&](std::string_view chunk) { digest.Update(chunk); },
                                         &sink));
  digest.Update(std::string_view("\0\0", 2));  // the comment length of the unsigned form
  return UnsignedDigest{digest.Finish(), layout.unsigned_size()};
}

}  // namespace signet::zipsig
