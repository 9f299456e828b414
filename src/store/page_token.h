// Internal to store/: the opaque page tokens of page.h.
//
// A token is base64url("signet-page-v1:" + kind + ":" + cursor). The kind ("profiles", "jobs",
// ...) stops a token of one listing from being replayed against another; the cursor is the key of
// the last item returned (a name, or a row sequence number), so listings are keyset-paginated and
// cost the same on every page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/page.h"

namespace signet::store {

std::string EncodePageToken(std::string_view kind, std::string_view cursor);
// The cursor of a token of `kind`; kInvalidArgument for anything else. An empty token is the
// first page, whose cursor is empty.
Result<std::string> DecodePageToken(std::string_view token, std::string_view kind);
// For cursors that are row sequence numbers (decimal, > 0). An empty token gives 0.
Result<int64_t> DecodeSequenceToken(std::string_view token, std::string_view kind);

// kInvalidArgument unless 1 <= page.max_results <= max.
Status CheckPageSize(const PageRequest& page, int max);

}  // namespace signet::store
