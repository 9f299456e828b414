// The ZIP container side of package signatures (DESIGN.md §5.2, docs/formats.md).
//
// A signed package is a ZIP archive whose end-of-central-directory (EOCD) comment is
// kSignatureMarker followed by the JWS envelope. The signed content is the *unsigned form*: the
// same archive with the comment removed and the EOCD comment-length field set to zero. Its
// SHA-384 and size go in the envelope payload.
//
// ZipLayout::Read validates the tail of the archive before anything is signed or verified:
// exactly one well-formed EOCD whose comment runs to the end of the file, ZIP64 EOCD record and
// locator when the EOCD fields are saturated, a central directory that lies inside the file, ends
// where the (ZIP64) EOCD begins, and holds as many well-formed entry headers as the EOCD says.
// Every field read from the archive is bounds-checked; any lie is a clear InvalidArgument. An
// archive with no entries, with data after its comment, spread over several disks, or whose
// comment holds a second EOCD record that also reaches the end of the file is refused too.
//
// Memory stays flat whatever the archive size: the tail (at most 64 KiB + 22 bytes) and 1 MiB
// chunks. All functions take a layout read from the same, unchanged source; a source whose size
// no longer matches is FailedPrecondition. Not thread-safe: a ByteSource is used by one caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "zipsig/byte_source.h"

namespace signet::zipsig {

inline constexpr std::string_view kSignatureMarker = "SIGNET-SIG-V1\n";
inline constexpr size_t kMaxCommentSize = 0xffff;
// The largest envelope that fits in an EOCD comment behind the marker.
inline constexpr size_t kMaxEmbeddedEnvelopeSize = kMaxCommentSize - kSignatureMarker.size();

// kSignet: the comment starts with kSignatureMarker; kForeign: any other non-empty comment.
enum class CommentKind { kNone, kSignet, kForeign };

// Where the parts of a validated archive lie. Only ZipLayout::Read makes a meaningful one.
struct ZipLayout {
  uint64_t file_size = 0;
  uint64_t eocd_offset = 0;  // offset of the EOCD record (signature 0x06054b50)
  uint16_t comment_length = 0;
  uint64_t entry_count = 0;  // >= 1
  uint64_t central_directory_offset = 0;
  uint64_t central_directory_size = 0;
  bool zip64 = false;  // a ZIP64 EOCD record and locator precede the EOCD
  CommentKind comment_kind = CommentKind::kNone;

  // The size of the unsigned form: the archive without its comment.
  uint64_t unsigned_size() const { return eocd_offset + 22; }

  static Result<ZipLayout> Read(ByteSource& source);
};

// The envelope bytes after kSignatureMarker. FailedPrecondition when the comment is empty
// ("package is not signed") or foreign ("archive comment is not a signet signature");
// InvalidArgument when the marker is followed by nothing. The bytes are not parsed here.
Result<std::string> ReadEmbeddedEnvelope(ByteSource& source, const ZipLayout& layout);

struct UnsignedDigest {
  std::string sha384;  // raw 48 bytes
  uint64_t size = 0;
};
// Streams the unsigned form through SHA-384 (1 MiB reads).
Result<UnsignedDigest> DigestUnsignedForm(ByteSource& source, const ZipLayout& layout);

// Streams the unsigned form to `sink`, with `comment` as the new EOCD comment (empty: the
// unsigned archive itself); every byte before the comment-length field is copied unchanged.
// Refuses a comment over kMaxCommentSize or one containing an EOCD signature ("PK\5\6"), so
// the output reads back with ZipLayout::Read. Does not Close() the sink: the caller does, once
// everything it needs has succeeded.
Status WriteWithComment(ByteSource& source, const ZipLayout& layout, std::string_view comment,
                        ByteSink& sink);

// One pass for signing: streams the unsigned form up to (not including) its comment-length
// field to `sink` while digesting the whole unsigned form, so what is signed is exactly what
// was written. Follow with AppendComment. Writing overlaps hashing on a second thread.
Result<UnsignedDigest> CopyAndDigestUnsignedForm(ByteSource& source, const ZipLayout& layout,
                                                 ByteSink& sink);

// Writes the EOCD comment-length field and `comment`. Refuses a comment over kMaxCommentSize
// or one holding an EOCD signature, before writing anything.
Status AppendComment(std::string_view comment, ByteSink& sink);

}  // namespace signet::zipsig
