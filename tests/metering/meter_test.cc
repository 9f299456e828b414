// The Meter over a real SqliteStore: skip, prices, budgets decided inside the usage transaction.
#include "metering/meter.h"

#include <gtest/gtest.h>

#include <string>

#include "store/store_test_util.h"

namespace signet::metering {
namespace {

using store::testing::At;
using store::testing::JobId;
using store::testing::MakeJob;
using store::testing::MakeProfile;
using store::testing::MakeUsage;

constexpr char kAcct[] = "111111111111";
// 2026-11-15T00:00:00Z and 2026-12-01T00:00:00Z.
constexpr int64_t kNov15 = 1794700800;
constexpr int64_t kDec1 = 1796083200;

constexpr char kConfig[] = R"({
  "default_environment": "staging",
  "environments": {
    "dev": {"signing": "skip"},
    "staging": {},
    "prod": {"budget": {"monthly_micros": 1000000, "warn_at": 0.5, "over_budget": "deny"}}
  }
})";

class MeterTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    image_ = Put(MakeProfile(kAcct, "images", "VERSION0002", At(1), "Notation-OCI-SHA384-ECDSA"));
    Result<MeteringConfig> config = ParseMeteringConfig(kConfig, "test");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
  }

  // What a signing path does: authorize, then job + charge + usage in one transaction.
  Result<std::vector<std::string>> Sign(const Meter& meter, const std::string& env,
                                        int64_t time) {
    SIGNET_ASSIGN_OR_RETURN(SigningDecision d,
                            meter.Authorize(env, image_.platform_id, At(time)));
    if (d.skip) return InvalidArgumentError(d.skip_message);
    store::SigningJobRecord job = MakeJob(JobId(++jobs_), image_, At(time));
    std::vector<std::string> warnings;
    Status done = store_->InTransaction([&](store::StoreTransaction& tx) -> Status {
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(job).status());
      store::UsageRecord usage = MakeUsage(job, At(time), d.unit_price_micros, d.environment);
      SIGNET_ASSIGN_OR_RETURN(warnings, meter.Charge(tx, usage));
      return tx.AppendUsage(usage);
    });
    if (!done.ok()) return done;
    return warnings;
  }

  int64_t Spent(const std::string& env) {
    store::UsageQuery q{.from = At(0), .to = At(4'000'000'000), .environment = env};
    Result<std::vector<store::UsageTotal>> totals = store_->SumUsage(q);
    EXPECT_TRUE(totals.ok());
    int64_t sum = 0;
    for (const auto& t : *totals) sum += t.total_micros;
    return sum;
  }

  store::SigningProfileRecord image_;
  MeteringConfig config_;
  int jobs_ = 0;
};

TEST_F(MeterTest, MonthsAreUtcCalendarMonths) {
  EXPECT_EQ(MonthOf(At(kNov15)), "2026-11");
  EXPECT_EQ(MonthOf(At(kDec1 - 1)), "2026-11");
  EXPECT_EQ(MonthOf(At(kDec1)), "2026-12");
  auto [from, to] = MonthBounds(At(kNov15));
  EXPECT_EQ(FormatRfc3339(from), "2026-11-01T00:00:00Z");
  EXPECT_EQ(to, At(kDec1));
}

TEST_F(MeterTest, DefaultUnknownAndSkippedEnvironments) {
  Meter meter(*store_, config_);
  Result<SigningDecision> d = meter.Authorize("", image_.platform_id, At(kNov15));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->environment, "staging");
  EXPECT_EQ(d->unit_price_micros, 500'000);
  EXPECT_FALSE(d->skip);
  Result<SigningDecision> unknown = meter.Authorize("qa", image_.platform_id, At(kNov15));
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument);
  Result<SigningDecision> dev = meter.Authorize("dev", image_.platform_id, At(kNov15));
  ASSERT_TRUE(dev.ok());
  EXPECT_TRUE(dev->skip);
  EXPECT_EQ(dev->skip_message,
            "signing skipped: environment dev is configured to skip signing; nothing was signed "
            "or billed");
  EXPECT_FALSE(Sign(meter, "dev", kNov15).ok());
  EXPECT_EQ(Spent("dev"), 0);
}

TEST_F(MeterTest, BudgetWarnsAtTheShareThenDeniesAndRecordsNothingWhenDenied) {
  Meter meter(*store_, config_);
  Result<std::vector<std::string>> first = Sign(meter, "prod", kNov15);  // $0.50 = 50%: warning
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_NE((*first)[0].find("(50%)"), std::string::npos) << (*first)[0];
  Result<std::vector<std::string>> second = Sign(meter, "prod", kNov15 + 1);  // $1.00 = 100%
  ASSERT_TRUE(second.ok());
  EXPECT_NE((*second)[0].find("(100%)"), std::string::npos);
  Result<std::vector<std::string>> third = Sign(meter, "prod", kNov15 + 2);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(Spent("prod"), 1'000'000);
  // The next month starts from zero.
  EXPECT_TRUE(Sign(meter, "prod", kDec1).ok());
  EXPECT_EQ(Spent("prod"), 1'500'000);
}

TEST_F(MeterTest, ChargeDecidesInsideTheTransactionEvenAfterAnAuthorize) {
  Meter meter(*store_, config_);
  // Two signings authorized while the budget had room (as two concurrent requests would be)...
  Result<SigningDecision> a = meter.Authorize("prod", image_.platform_id, At(kNov15));
  Result<SigningDecision> b = meter.Authorize("prod", image_.platform_id, At(kNov15));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(Sign(meter, "prod", kNov15).ok());
  ASSERT_TRUE(Sign(meter, "prod", kNov15).ok());
  // ...a third one that passed Authorize earlier is still refused at Charge.
  store::SigningJobRecord job = MakeJob(JobId(99), image_, At(kNov15));
  Status s = store_->InTransaction([&](store::StoreTransaction& tx) -> Status {
    SIGNET_RETURN_IF_ERROR(tx.CreateJob(job).status());
    store::UsageRecord usage = MakeUsage(job, At(kNov15), 500'000, "prod");
    SIGNET_RETURN_IF_ERROR(meter.Charge(tx, usage).status());
    return tx.AppendUsage(usage);
  });
  EXPECT_EQ(s.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(store_->GetJob(JobId(99)).status().code(), ErrorCode::kNotFound);  // rolled back
  EXPECT_EQ(Spent("prod"), 1'000'000);
}

TEST_F(MeterTest, APriceChangeAppliesToLaterRecordsOnly) {
  {
    Meter before(*store_, config_);
    ASSERT_TRUE(Sign(before, "staging", kNov15).ok());
  }
  MeteringConfig cheaper = config_;
  ASSERT_TRUE(cheaper.prices.Set(image_.platform_id, 400'000).ok());
  Meter after(*store_, cheaper);
  ASSERT_TRUE(Sign(after, "staging", kNov15 + 1).ok());
  EXPECT_EQ(Spent("staging"), 900'000);
}

}  // namespace
}  // namespace signet::metering
