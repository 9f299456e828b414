#include "store/page_token.h"

#include <charconv>
#include <string>

#include "core/encoding.h"

namespace signet::store {
namespace {

constexpr std::string_view kPrefix = "signet-page-v1:";

Status BadToken(std::string_view kind) {
  return InvalidArgumentError("the nextToken is not valid for this " + std::string(kind) +
                              " listing; pass back the nextToken of the previous page unchanged, "
                              "or omit it to start over");
}

}  // namespace

std::string EncodePageToken(std::string_view kind, std::string_view cursor) {
  std::string raw(kPrefix);
  raw.append(kind).append(":").append(cursor);
  return Base64UrlEncode(raw);
}

Result<std::string> DecodePageToken(std::string_view token, std::string_view kind) {
  if (token.empty()) return std::string();
  Result<std::string> raw = Base64UrlDecode(token);
  if (!raw.ok()) return BadToken(kind);
  std::string_view rest = *raw;
  if (!rest.starts_with(kPrefix)) return BadToken(kind);
  rest.remove_prefix(kPrefix.size());
  if (!rest.starts_with(kind)) return BadToken(kind);
  rest.remove_prefix(kind.size());
  if (!rest.starts_with(':')) return BadToken(kind);
  rest.remove_prefix(1);
  // A token is only ever issued after at least one item, so its cursor is never empty.
  if (rest.empty()) return BadToken(kind);
  return std::string(rest);
}

Result<int64_t> DecodeSequenceToken(std::string_view token, std::string_view kind) {
  if (token.empty()) return 0;
  SIGNET_ASSIGN_OR_RETURN(std::string cursor, DecodePageToken(token, kind));
  int64_t seq = 0;
  const char* end = cursor.data() + cursor.size();
  auto [ptr, ec] = std::from_chars(cursor.data(), end, seq);
  if (ec != std::errc() || ptr != end || seq <= 0) return BadToken(kind);
  return seq;
}

Status CheckPageSize(const PageRequest& page, int max) {
  if (page.max_results < 1 || page.max_results > max) {
    return InvalidArgumentError("maxResults must be between 1 and " + std::to_string(max) +
                                ", got " + std::to_string(page.max_results));
  }
  return Status::Ok();
}

}  // namespace signet::store
