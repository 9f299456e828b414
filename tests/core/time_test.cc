#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace signet {
namespace {

using std::chrono::seconds;

TEST(TimeTest, ParsesUtcAndOffsets) {
  auto z = ParseRfc3339("2022-07-29T23:59:00Z");
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(FormatRfc3339(*z), "2022-07-29T23:59:00Z");
  // notation-go's jws_signature.sig carries a +08:00 offset.
  auto plus8 = ParseRfc3339("2023-03-14T16:10:02+08:00");
  ASSERT_TRUE(plus8.ok());
  EXPECT_EQ(FormatRfc3339(*plus8), "2023-03-14T08:10:02Z");
  auto minus = ParseRfc3339("2023-03-14T02:40:02-05:30");
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(FormatRfc3339(*minus), "2023-03-14T08:10:02Z");
  auto frac = ParseRfc3339("2023-03-14T08:10:02.999999Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(FormatRfc3339(*frac), "2023-03-14T08:10:02Z");
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), Timestamp(seconds(0)));
}

TEST(TimeTest, RejectsMalformed) {
  for (const char* bad : {"", "2022-07-29", "2022-07-29T23:59:00", "2022-07-29T23:59:00+0800",
                          "2022-13-01T00:00:00Z", "2022-02-30T00:00:00Z", "2022-07-29T24:00:00Z",
                          "2022-07-29T23:59:00Zjunk", "2022-07-29T23:59:00.Z", "20x2-07-29T23:59:00Z",
                          "2022-07-29T23:59:00+25:00"}) {
    auto r = ParseRfc3339(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("RFC 3339"), std::string::npos);
    }
  }
}

TEST(TimeTest, FormatsLikeNotationMessages) {
  auto t = ParseRfc3339("2022-07-29T23:59:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc1123(*t), "Fri, 29 Jul 2022 23:59:00 +0000");
  EXPECT_EQ(FormatRfc1123(*ParseRfc3339("2099-09-18T11:54:34Z")), "Fri, 18 Sep 2099 11:54:34 +0000");
}

// FormatRfc3339 writes its digits itself; it must give what the format "%04d-%02u-%02uT%02d:%02d:%02dZ"
// gives, across years, months, days and times of day.
TEST(TimeTest, FormatsEveryTimeAsThePrintfFormat) {
  for (int64_t s = -86400; s < int64_t{253402300800}; s += 7919 * 3607 + 13) {
    const Timestamp t{std::chrono::seconds(s)};
    const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(t - day);
    char want[32];
    std::snprintf(want, sizeof want, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    ASSERT_EQ(FormatRfc3339(t), want) << s;
  }
  EXPECT_EQ(FormatRfc3339(Timestamp{std::chrono::seconds(253402300799)}), "9999-12-31T23:59:59Z");
}

TEST(TimeTest, FixedClock) {
  FixedClock clock(Timestamp(seconds(100)));
  EXPECT_EQ(clock.Now(), Timestamp(seconds(100)));
  clock.Set(Timestamp(seconds(200)));
  EXPECT_EQ(clock.Now(), Timestamp(seconds(200)));
  EXPECT_GT(SystemClock().Now(), *ParseRfc3339("2024-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace signet
