// Fuzzes the ZIP container layer of package signatures (zipsig/zip_archive.h) over an in-memory
// ByteSource: ZipLayout::Read, ReadEmbeddedEnvelope, DigestUnsignedForm and WriteWithComment.
//
// Invariants: a layout lies inside the input (comment runs to the end, the central directory
// ends before the EOCD); the comment kind matches the comment bytes; the embedded envelope is the
// comment after the marker; the unsigned-form digest is SHA-384 of the input up to the comment
// with a zero comment length; and the archive rewritten without its comment, or with a signet
// comment, reads back with the same directory.
#include <memory>
#include <string>

#include "crypto/digest.h"
#include "fuzz_check.h"
#include "zipsig/byte_source.h"
#include "zipsig/zip_archive.h"

namespace signet {
namespace {

using zipsig::ByteSource;
using zipsig::CommentKind;
using zipsig::ZipLayout;

// A rewritten archive has the same directory as the one it came from.
void CheckRewritten(const ZipLayout& layout, const std::string& rewritten,
                    std::string_view comment) {
  std::unique_ptr<ByteSource> source = ByteSource::FromMemory(rewritten);
  Result<ZipLayout> again = ZipLayout::Read(*source);
  SIGNET_FUZZ_CHECK(again.ok());
  SIGNET_FUZZ_CHECK(again->file_size == layout.unsigned_size() + comment.size());
  SIGNET_FUZZ_CHECK(again->eocd_offset == layout.eocd_offset);
  SIGNET_FUZZ_CHECK(again->comment_length == comment.size());
  SIGNET_FUZZ_CHECK(again->entry_count == layout.entry_count);
  SIGNET_FUZZ_CHECK(again->central_directory_offset == layout.central_directory_offset);
  SIGNET_FUZZ_CHECK(again->central_directory_size == layout.central_directory_size);
  SIGNET_FUZZ_CHECK(again->zip64 == layout.zip64);
}

void FuzzZipLayout(std::string_view input) {
  std::unique_ptr<ByteSource> source = ByteSource::FromMemory(input);

  Result<ZipLayout> layout = ZipLayout::Read(*source);
  if (!layout.ok()) return;

  SIGNET_FUZZ_CHECK(layout->file_size == input.size());
  SIGNET_FUZZ_CHECK(layout->entry_count >= 1);
  SIGNET_FUZZ_CHECK(layout->eocd_offset + 22 + layout->comment_length == input.size());
  SIGNET_FUZZ_CHECK(input.substr(layout->eocd_offset, 4) == std::string_view("PK\x05\x06", 4));
  SIGNET_FUZZ_CHECK(layout->central_directory_offset <= layout->eocd_offset);
  SIGNET_FUZZ_CHECK(layout->central_directory_size <=
                    layout->eocd_offset - layout->central_directory_offset);
  if (layout->zip64) SIGNET_FUZZ_CHECK(layout->eocd_offset >= 56 + 20);
  const std::string_view comment = input.substr(layout->eocd_offset + 22);
  const CommentKind kind = comment.empty()                                 ? CommentKind::kNone
                           : comment.starts_with(zipsig::kSignatureMarker) ? CommentKind::kSignet
                                                                           : CommentKind::kForeign;
  SIGNET_FUZZ_CHECK(layout->comment_kind == kind);

  Result<std::string> envelope = zipsig::ReadEmbeddedEnvelope(*source, *layout);
  if (envelope.ok()) {
    SIGNET_FUZZ_CHECK(kind == CommentKind::kSignet);
    SIGNET_FUZZ_CHECK(*envelope == comment.substr(zipsig::kSignatureMarker.size()));
  } else {
    SIGNET_FUZZ_CHECK(kind != CommentKind::kSignet ||
                      comment.size() == zipsig::kSignatureMarker.size());
  }

  Result<zipsig::UnsignedDigest> digest = zipsig::DigestUnsignedForm(*source, *layout);
  SIGNET_FUZZ_CHECK(digest.ok());
  SIGNET_FUZZ_CHECK(digest->size == layout->unsigned_size());
  std::string unsigned_form(input.substr(0, layout->eocd_offset + 22));
  unsigned_form[layout->eocd_offset + 20] = 0;
  unsigned_form[layout->eocd_offset + 21] = 0;
  SIGNET_FUZZ_CHECK(digest->sha384 == crypto::Sha384(unsigned_form));

  std::string rewritten;
  SIGNET_FUZZ_CHECK(
      zipsig::WriteWithComment(*source, *layout, "", *zipsig::ByteSink::ToString(&rewritten)).ok());
  SIGNET_FUZZ_CHECK(rewritten == unsigned_form);
  CheckRewritten(*layout, rewritten, "");

  const std::string signed_comment = std::string(zipsig::kSignatureMarker) + R"({"fuzz":1})";
  std::string signed_archive;
  SIGNET_FUZZ_CHECK(zipsig::WriteWithComment(*source, *layout, signed_comment,
                                             *zipsig::ByteSink::ToString(&signed_archive))
                        .ok());
  CheckRewritten(*layout, signed_archive, signed_comment);
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzZipLayout(signet::fuzz::AsBytes(data, size));
  return 0;
}
