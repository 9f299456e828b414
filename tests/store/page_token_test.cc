#include "store/page_token.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace signet::store {
namespace {

TEST(PageTokenTest, RoundTripsAndIsOpaque) {
  const std::string token = EncodePageToken("profiles", "my_profile");
  EXPECT_EQ(token.find("my_profile"), std::string::npos);  // not readable as-is
  EXPECT_EQ(*DecodePageToken(token, "profiles"), "my_profile");
  EXPECT_EQ(*DecodePageToken("", "profiles"), "");
  EXPECT_EQ(*DecodeSequenceToken(EncodePageToken("jobs", "42"), "jobs"), 42);
  EXPECT_EQ(*DecodeSequenceToken("", "jobs"), 0);
}

TEST(PageTokenTest, GarbledTokensAreInvalidArgument) {
  const std::string good = EncodePageToken("jobs", "42");
  for (const std::string& bad :
       {std::string("!!"), good + "=", good.substr(0, good.size() - 1), std::string("AAAA"),
        EncodePageToken("profiles", "42"), EncodePageToken("jobs", ""),
        EncodePageToken("jobs", "4x2"), EncodePageToken("jobs", "-3"), EncodePageToken("jobs", "0"),
        EncodePageToken("jobs", "99999999999999999999"), Base64UrlEncode("signet-page-v0:jobs:42"),
        Base64UrlEncode("signet-page-v1:jobs42")}) {
    Result<int64_t> r = DecodeSequenceToken(bad, "jobs");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(PageTokenTest, PageSizeBounds) {
  EXPECT_TRUE(CheckPageSize({.max_results = 1}, 25).ok());
  EXPECT_TRUE(CheckPageSize({.max_results = 25}, 25).ok());
  EXPECT_EQ(CheckPageSize({.max_results = 0}, 25).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckPageSize({.max_results = 26}, 25).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace signet::store
