// Cost reports: periods, grouping, exact totals, and the JSON, table and CSV renderings.
#include "metering/cost_report.h"

#include <gtest/gtest.h>

#include <string>

#include "store/store_test_util.h"

namespace signet::metering {
namespace {

using store::UsageDimension;
using store::testing::At;
using store::testing::JobId;
using store::testing::MakeJob;
using store::testing::MakeProfile;
using store::testing::MakeUsage;

constexpr char kAcct[] = "111111111111";
constexpr char kOther[] = "222222222222";
constexpr int64_t kOct31 = 1793404800;  // 2026-10-31T00:00:00Z
constexpr int64_t kNov15 = 1794700800;  // 2026-11-15T00:00:00Z

TEST(PeriodTest, MonthsDatesAndTimes) {
  Result<Period> nov = ParseMonthPeriod("2026-11");
  ASSERT_TRUE(nov.ok());
  EXPECT_EQ(FormatRfc3339(nov->from), "2026-11-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(nov->to), "2026-12-01T00:00:00Z");
  Result<Period> dec = ParseMonthPeriod("2026-12");
  EXPECT_EQ(FormatRfc3339(dec->to), "2027-01-01T00:00:00Z");
  for (const char* bad : {"2026-13", "2026-1", "26-11", "2026/11", "2026-00", "abcd-ef"}) {
    EXPECT_FALSE(ParseMonthPeriod(bad).ok()) << bad;
  }
  // A date as the end includes that whole day; an RFC 3339 time is an exact (exclusive) end.
  Result<Period> days = ResolvePeriod(std::nullopt, "2026-11-01", "2026-11-30", At(kNov15));
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(FormatRfc3339(days->to), "2026-12-01T00:00:00Z");
  Result<Period> times =
      ResolvePeriod(std::nullopt, "2026-11-01T00:00:00Z", "2026-11-02T12:00:00+02:00", At(kNov15));
  ASSERT_TRUE(times.ok());
  EXPECT_EQ(FormatRfc3339(times->to), "2026-11-02T10:00:00Z");
  Result<Period> current = ResolvePeriod(std::nullopt, std::nullopt, std::nullopt, At(kNov15));
  EXPECT_EQ(FormatRfc3339(current->from), "2026-11-01T00:00:00Z");
  EXPECT_FALSE(ResolvePeriod("2026-11", "2026-11-01", std::nullopt, At(kNov15)).ok());
  EXPECT_FALSE(ResolvePeriod(std::nullopt, std::nullopt, "2026-11-01", At(kNov15)).ok());
  EXPECT_FALSE(ResolvePeriod(std::nullopt, "2026-11-03", "2026-11-01", At(kNov15)).ok());
  EXPECT_FALSE(ResolvePeriod(std::nullopt, "2026-02-30", std::nullopt, At(kNov15)).ok());
}

TEST(DimensionTest, Names) {
  for (const char* name : {"month", "environment", "profile", "platform"}) {
    Result<UsageDimension> d = ParseDimension(name);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(DimensionName(*d), name);
  }
  EXPECT_FALSE(ParseDimension("region").ok());
}

TEST(CsvTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("prod"), "prod");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

class CostReportTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    lambda_ = Put(MakeProfile(kAcct, "app", "VERSION0001"));
    image_ = Put(MakeProfile(kAcct, "images", "VERSION0002", At(1), "Notation-OCI-SHA384-ECDSA"));
    other_ = Put(MakeProfile(kOther, "theirs", "VERSION0003"));
    // October: 2 lambda in dev. November: 3 lambda in prod, 1 in staging, 2 images in prod;
    // another account: 1 lambda in prod.
    Sign(lambda_, kOct31, "dev", 2);
    Sign(lambda_, kNov15, "prod", 3);
    Sign(lambda_, kNov15, "staging", 1);
    Sign(image_, kNov15, "prod", 2);
    Sign(other_, kNov15, "prod", 1);
  }
  void Sign(const store::SigningProfileRecord& p, int64_t time, const std::string& env, int n) {
    for (int i = 0; i < n; ++i) {
      store::SigningJobRecord j = Create(MakeJob(JobId(++jobs_), p, At(time)));
      const int64_t price = p.platform_id == "AWSLambda-SHA384-ECDSA" ? 5'000 : 500'000;
      ASSERT_TRUE(store_->AppendUsage(MakeUsage(j, At(time + i), price, env)).ok());
    }
  }
  CostReport Report(std::vector<UsageDimension> by, std::optional<std::string> account = kAcct) {
    Result<CostReport> r =
        BuildCostReport(*store_, Period{At(0), At(4'000'000'000)}, by, account);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : CostReport{};
  }
  store::SigningProfileRecord lambda_, image_, other_;
  int jobs_ = 0;
};

TEST_F(CostReportTest, TotalsAreExactInEveryGrouping) {
  const int64_t total = 6 * 5'000 + 2 * 500'000;
  for (const auto& by : std::vector<std::vector<UsageDimension>>{
           {},
           {UsageDimension::kMonth},
           {UsageDimension::kEnvironment},
           {UsageDimension::kProfile, UsageDimension::kPlatform},
           {UsageDimension::kMonth, UsageDimension::kEnvironment, UsageDimension::kProfile,
            UsageDimension::kPlatform}}) {
    CostReport r = Report(by);
    EXPECT_EQ(r.total_micros, total);
    EXPECT_EQ(r.signatures, 8);
  }
  CostReport everyone = Report({}, std::nullopt);
  EXPECT_EQ(everyone.total_micros, total + 5'000);
}

TEST_F(CostReportTest, GroupsByEnvironmentAndPlatform) {
  CostReport r = Report({UsageDimension::kEnvironment, UsageDimension::kPlatform,
                         UsageDimension::kEnvironment});
  ASSERT_EQ(r.group_by.size(), 2u);  // the duplicate is dropped
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].environment, "dev");
  EXPECT_EQ(r.rows[0].total_micros, 10'000);
  EXPECT_EQ(r.rows[1].environment, "prod");
  EXPECT_EQ(r.rows[1].platform_id, "AWSLambda-SHA384-ECDSA");
  EXPECT_EQ(r.rows[1].total_micros, 15'000);
  EXPECT_EQ(r.rows[2].platform_id, "Notation-OCI-SHA384-ECDSA");
  EXPECT_EQ(r.rows[2].total_micros, 1'000'000);
  EXPECT_EQ(r.rows[3].environment, "staging");
  EXPECT_EQ(r.rows[3].signatures, 1);
  EXPECT_TRUE(r.rows[3].profile_name.empty());  // not grouped by
}

TEST_F(CostReportTest, JsonRoundTripsAndChecksItsTotal) {
  CostReport r = Report({UsageDimension::kMonth, UsageDimension::kProfile});
  const std::string json = CostReportJson(r);
  EXPECT_NE(json.find("\"cost\": \"1.030000\""), std::string::npos) << json;
  Result<CostReport> back = ParseCostReportJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->rows, r.rows);
  EXPECT_EQ(back->total_micros, r.total_micros);
  EXPECT_EQ(back->group_by, r.group_by);
  std::string tampered = json;
  tampered.replace(tampered.find("\"costMicros\": 10000"), 19, "\"costMicros\": 10001");
  EXPECT_FALSE(ParseCostReportJson(tampered).ok());
  EXPECT_FALSE(ParseCostReportJson("{}").ok());
  EXPECT_FALSE(ParseCostReportJson("[1]").ok());
}

TEST_F(CostReportTest, TableAndCsv) {
  CostReport r = Report({UsageDimension::kEnvironment});
  const std::string table = RenderCostTable(r);
  EXPECT_EQ(table,
            "Signing cost 1970-01-01T00:00:00Z to 2096-10-02T07:06:40Z (USD)\n"
            "ENVIRONMENT  SIGNATURES  COST_USD  COST_MICROS\n"
            "dev                   2  0.010000        10000\n"
            "prod                  5  1.015000      1015000\n"
            "staging               1  0.005000         5000\n"
            "TOTAL                 8  1.030000      1030000\n");
  EXPECT_EQ(RenderCostCsv(r),
            "environment,signatures,cost_micros,cost_usd\r\n"
            "dev,2,10000,0.010000\r\n"
            "prod,5,1015000,1.015000\r\n"
            "staging,1,5000,0.005000\r\n");
  CostReport total = Report({});
  EXPECT_EQ(RenderCostTable(total),
            "Signing cost 1970-01-01T00:00:00Z to 2096-10-02T07:06:40Z (USD)\n"
            "SIGNATURES  COST_USD  COST_MICROS\n"
            "         8  1.030000      1030000\n");
}

}  // namespace
}  // namespace signet::metering
