// PageRequest and Page<T>: cursor pagination shared by every List operation of the Store.
//
// A page token is opaque to callers: base64url of a cursor that only the Store which issued it
// interprets. Passing it back with the same filters continues after the last item returned, so an
// item is never returned twice and an item that exists for the whole listing is never missed,
// even when other items are written between calls. A token that does not decode, or that was
// issued by a different kind of listing, is InvalidArgument.
//
// Plain values; safe to copy and share.
#pragma once

#include <string>
#include <vector>

namespace signet::store {

// The AWS Signer limit on maxResults (1..25). Listings of Signer resources enforce it.
inline constexpr int kMaxSignerPageSize = 25;
// The limit for listings that no AWS API bounds (usage records for cost exports).
inline constexpr int kMaxUsagePageSize = 1000;
// Lambda's limit on MaxItems (1..10000).
inline constexpr int kMaxLambdaPageSize = 10000;
// The most signing jobs one ListJobs call reads, matching its filters or not (a few
// milliseconds of SQLite): the bound on one call's work and read transaction.
inline constexpr int kJobListScanRows = 10000;

struct PageRequest {
  int max_results = kMaxSignerPageSize;
  std::string token{};  // empty: the first page
};

template <typename T>
struct Page {
  std::vector<T> items{};
  std::string next_token{};  // empty: this is the last page
};

}  // namespace signet::store
