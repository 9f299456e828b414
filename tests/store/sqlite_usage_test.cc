// Usage records and cost sums (metering).
#include <limits>

#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";
constexpr int64_t kLambdaPrice = 5'000;   // $0.005
constexpr int64_t kImagePrice = 500'000;  // $0.50

// 2024-01-31T23:59:59Z and 2024-02-01T00:00:00Z: the month boundary in UTC.
constexpr int64_t kJanLast = 1706745599;
constexpr int64_t kFebFirst = 1706745600;

class UsageTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    lambda_ = Put(MakeProfile(kAcct, "lambda", "VERSION0001"));
    image_ = Put(MakeProfile(kAcct, "image", "VERSION0002", At(1), "Notation-OCI-SHA384-ECDSA"));
  }
  // Records one signature: a job and its usage.
  void Sign(int n, const SigningProfileRecord& p, int64_t time, const std::string& env) {
    SigningJobRecord j = Create(MakeJob(JobId(n), p, At(time)));
    const int64_t price = p.platform_id == "AWSLambda-SHA384-ECDSA" ? kLambdaPrice : kImagePrice;
    Status s = store_->AppendUsage(MakeUsage(j, At(time), price, env));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  SigningProfileRecord lambda_;
  SigningProfileRecord image_;
};

TEST_F(UsageTest, SumsAreExactPerGroup) {
  int n = 0;
  // January: 7 lambda (dev 3, prod 4), 2 image (prod). February: 5 lambda (staging), 3 image
  // (prod).
  for (int i = 0; i < 3; ++i) Sign(++n, lambda_, kJanLast - 100 - i, "dev");
  for (int i = 0; i < 4; ++i) Sign(++n, lambda_, kJanLast - i, "prod");
  for (int i = 0; i < 2; ++i) Sign(++n, image_, kJanLast - 50 - i, "prod");
  for (int i = 0; i < 5; ++i) Sign(++n, lambda_, kFebFirst + i, "staging");
  for (int i = 0; i < 3; ++i) Sign(++n, image_, kFebFirst + 10 + i, "prod");
  const UsageQuery all{.from = At(0), .to = At(kFebFirst + 10'000'000)};

  Result<std::vector<UsageTotal>> total = store_->SumUsage(all);
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  ASSERT_EQ(total->size(), 1u);
  EXPECT_EQ((*total)[0].signatures, 17);
  EXPECT_EQ((*total)[0].total_micros, 12 * kLambdaPrice + 5 * kImagePrice);

  UsageQuery by_month = all;
  by_month.group_by = {UsageDimension::kMonth};
  Result<std::vector<UsageTotal>> months = store_->SumUsage(by_month);
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 2u);
  EXPECT_EQ((*months)[0].month, "2024-01");
  EXPECT_EQ((*months)[0].total_micros, 7 * kLambdaPrice + 2 * kImagePrice);
  EXPECT_EQ((*months)[1].month, "2024-02");
  EXPECT_EQ((*months)[1].total_micros, 5 * kLambdaPrice + 3 * kImagePrice);
  EXPECT_EQ((*months)[1].environment, "");  // not grouped

  UsageQuery by_env_platform = all;
  by_env_platform.group_by = {UsageDimension::kEnvironment, UsageDimension::kPlatform};
  Result<std::vector<UsageTotal>> rows = store_->SumUsage(by_env_platform);
  ASSERT_TRUE(rows.ok());
  std::vector<std::tuple<std::string, std::string, int64_t, int64_t>> got;
  for (const auto& r : *rows)
    got.emplace_back(r.environment, r.platform_id, r.signatures, r.total_micros);
  EXPECT_EQ(got, (std::vector<std::tuple<std::string, std::string, int64_t, int64_t>>{
                     {"dev", "AWSLambda-SHA384-ECDSA", 3, 3 * kLambdaPrice},
                     {"prod", "AWSLambda-SHA384-ECDSA", 4, 4 * kLambdaPrice},
                     {"prod", "Notation-OCI-SHA384-ECDSA", 5, 5 * kImagePrice},
                     {"staging", "AWSLambda-SHA384-ECDSA", 5, 5 * kLambdaPrice},
                 }));

  UsageQuery by_profile = all;
  by_profile.group_by = {UsageDimension::kProfile, UsageDimension::kAccount,
                         UsageDimension::kPrincipal};
  Result<std::vector<UsageTotal>> profiles = store_->SumUsage(by_profile);
  ASSERT_TRUE(profiles.ok());
  ASSERT_EQ(profiles->size(), 2u);
  EXPECT_EQ((*profiles)[0].profile_name, "image");
  EXPECT_EQ((*profiles)[0].account, kAcct);
  EXPECT_EQ((*profiles)[0].principal, "arn:aws:iam::111111111111:user/ci");
  EXPECT_EQ((*profiles)[1].profile_name, "lambda");

  UsageQuery prod_only = all;
  prod_only.environment = "prod";
  EXPECT_EQ((*store_->SumUsage(prod_only))[0].total_micros, 4 * kLambdaPrice + 5 * kImagePrice);
  UsageQuery other_account = all;
  other_account.account = "999999999999";
  EXPECT_TRUE(store_->SumUsage(other_account)->empty());
}

TEST_F(UsageTest, PeriodIsHalfOpen) {
  Sign(1, lambda_, kJanLast, "prod");
  Sign(2, lambda_, kFebFirst, "prod");
  Result<std::vector<UsageTotal>> jan = store_->SumUsage({.from = At(0), .to = At(kFebFirst)});
  ASSERT_TRUE(jan.ok());
  ASSERT_EQ(jan->size(), 1u);
  EXPECT_EQ((*jan)[0].signatures, 1);
  Result<std::vector<UsageTotal>> feb =
      store_->SumUsage({.from = At(kFebFirst), .to = At(kFebFirst + 1)});
  EXPECT_EQ((*feb)[0].signatures, 1);
  EXPECT_TRUE(store_->SumUsage({.from = At(5), .to = At(5)})->empty());
  EXPECT_EQ(store_->SumUsage({.from = At(6), .to = At(5)}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(UsageTest, OneUsageRecordPerExistingJob) {
  SigningJobRecord j = Create(MakeJob(JobId(1), lambda_));
  ASSERT_TRUE(store_->AppendUsage(MakeUsage(j, At(5), kLambdaPrice)).ok());
  EXPECT_EQ(store_->AppendUsage(MakeUsage(j, At(6), kLambdaPrice)).code(),
            ErrorCode::kAlreadyExists);
  SigningJobRecord ghost = MakeJob(JobId(2), lambda_);  // never created
  EXPECT_EQ(store_->AppendUsage(MakeUsage(ghost, At(5), kLambdaPrice)).code(),
            ErrorCode::kNotFound);
  SigningJobRecord k = Create(MakeJob(JobId(3), lambda_));
  EXPECT_EQ(store_->AppendUsage(MakeUsage(k, At(5), -1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->AppendUsage(MakeUsage(k, At(5), 0)).ok());  // free is fine
  Result<std::vector<UsageTotal>> sum = store_->SumUsage({.from = At(0), .to = At(100)});
  EXPECT_EQ((*sum)[0].signatures, 2);
  EXPECT_EQ((*sum)[0].total_micros, kLambdaPrice);
}

TEST_F(UsageTest, OverflowIsAnErrorNotAWrongTotal) {
  const int64_t huge = std::numeric_limits<int64_t>::max() / 2 + 1;
  Sign(1, lambda_, 10, "prod");
  SigningJobRecord a = Create(MakeJob(JobId(2), lambda_));
  SigningJobRecord b = Create(MakeJob(JobId(3), lambda_));
  ASSERT_TRUE(store_->AppendUsage(MakeUsage(a, At(10), huge)).ok());
  // The record that would overflow its month's running total is refused, with nothing written.
  EXPECT_FALSE(store_->AppendUsage(MakeUsage(b, At(10), huge)).ok());
  Result<std::vector<UsageTotal>> sum = store_->SumUsage({.from = At(0), .to = At(100)});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ((*sum)[0].signatures, 2);
  EXPECT_EQ((*sum)[0].total_micros, kLambdaPrice + huge);
  EXPECT_EQ(*store_->MonthlyUsageMicros("prod", "1970-01"), kLambdaPrice + huge);
}

TEST_F(UsageTest, ListUsagePaginatesInAppendOrder) {
  for (int i = 1; i <= 23; ++i) Sign(i, i % 3 ? lambda_ : image_, 100 + i, i % 2 ? "dev" : "prod");
  std::vector<std::string> seen;
  PageRequest page{.max_results = 5};
  while (true) {
    Result<Page<UsageRecord>> r = store_->ListUsage({.from = At(0), .to = At(1000)}, page);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& u : r->items) seen.push_back(u.job_id);
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  ASSERT_EQ(seen.size(), 23u);
  for (int i = 0; i < 23; ++i) EXPECT_EQ(seen[i], JobId(i + 1));
  Result<Page<UsageRecord>> dev = store_->ListUsage(
      {.from = At(0), .to = At(1000), .environment = "dev"}, {.max_results = 100});
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->items.size(), 12u);
  EXPECT_EQ(dev->items[0], MakeUsage(MakeJob(JobId(1), lambda_), At(101), kLambdaPrice, "dev"));
  EXPECT_EQ(store_->ListUsage({.from = At(0), .to = At(1)}, {.max_results = 1001}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListUsage({.from = At(0), .to = At(1)}, {.token = "AAAA"}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(UsageTest, MonthlyTotalsAreRunningSumsThatSurviveAReopen) {
  Sign(1, lambda_, kJanLast, "prod");
  Sign(2, image_, kJanLast - 5, "prod");
  Sign(3, lambda_, kFebFirst, "prod");  // the next UTC month
  Sign(4, lambda_, kJanLast, "dev");
  // A second record for a job is refused and counts nowhere.
  EXPECT_EQ(store_->AppendUsage(MakeUsage(*store_->GetJob(JobId(1)), At(kJanLast), kImagePrice))
                .code(),
            ErrorCode::kAlreadyExists);
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_EQ(*store_->MonthlyUsageMicros("prod", "2024-01"), kLambdaPrice + kImagePrice);
    EXPECT_EQ(*store_->MonthlyUsageMicros("prod", "2024-02"), kLambdaPrice);
    EXPECT_EQ(*store_->MonthlyUsageMicros("dev", "2024-01"), kLambdaPrice);
    EXPECT_EQ(*store_->MonthlyUsageMicros("qa", "2024-01"), 0);
    // The same as summing the records.
    UsageQuery jan{.from = At(kFebFirst - 31 * 86400), .to = At(kFebFirst)};
    jan.environment = "prod";
    EXPECT_EQ((*store_->SumUsage(jan))[0].total_micros, kLambdaPrice + kImagePrice);
    Reopen();
  }
}

}  // namespace
}  // namespace signet::store::testing
