// Prices, environments, budgets and the configuration file that sets them.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "metering/budget.h"
#include "metering/environment_policy.h"
#include "metering/metering_config.h"
#include "metering/price_table.h"

namespace signet::metering {
namespace {

TEST(PriceTableTest, DefaultsAreThePublishedAwsPrices) {
  PriceTable prices = PriceTable::Defaults();
  EXPECT_EQ(prices.UnitPriceMicros("AWSLambda-SHA384-ECDSA"), 5'000);
  EXPECT_EQ(prices.UnitPriceMicros("Notation-OCI-SHA384-ECDSA"), 500'000);
  EXPECT_EQ(prices.UnitPriceMicros("SomethingElse"), 0);
}

TEST(PriceTableTest, RefusesNegativeAndHugePrices) {
  PriceTable prices = PriceTable::Defaults();
  EXPECT_EQ(prices.Set("AWSLambda-SHA384-ECDSA", -1).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(prices.Set("AWSLambda-SHA384-ECDSA", kMaxUnitPriceMicros + 1).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(prices.UnitPriceMicros("AWSLambda-SHA384-ECDSA"), 5'000);
  ASSERT_TRUE(prices.Set("AWSLambda-SHA384-ECDSA", 7'000).ok());
  EXPECT_EQ(prices.UnitPriceMicros("AWSLambda-SHA384-ECDSA"), 7'000);
}

TEST(PriceTableTest, DollarsAreExactDecimals) {
  EXPECT_EQ(FormatDollars(0), "0.000000");
  EXPECT_EQ(FormatDollars(5'000), "0.005000");
  EXPECT_EQ(FormatDollars(500'000), "0.500000");
  EXPECT_EQ(FormatDollars(1'234'567'890), "1234.567890");
  EXPECT_EQ(FormatDollars(-5), "-0.000005");
  EXPECT_EQ(FormatDollars(std::numeric_limits<int64_t>::min()), "-9223372036854.775808");
}

// --- Budgets -------------------------------------------------------------------------------------

Budget Limit(int64_t micros, int32_t share_bp, OverBudgetAction action) {
  return Budget{micros, share_bp, action};
}

TEST(BudgetTest, WarnsAtTheShareAndDeniesTheSignatureThatWouldExceed) {
  // $2.00 budget, image signatures at $0.50: the 4th reaches 100% (warning), the 5th is refused.
  const Budget b = Limit(2'000'000, 8'000, OverBudgetAction::kDeny);
  EXPECT_EQ(CheckBudget("prod", "2026-11", b, 0, 500'000).level, BudgetLevel::kUnder);
  EXPECT_EQ(CheckBudget("prod", "2026-11", b, 500'000, 500'000).level, BudgetLevel::kUnder);
  BudgetCheck third = CheckBudget("prod", "2026-11", b, 1'000'000, 500'000);  // 75%
  EXPECT_EQ(third.level, BudgetLevel::kUnder);
  BudgetCheck at_share = CheckBudget("prod", "2026-11", b, 1'100'000, 500'000);  // 80% exactly
  EXPECT_EQ(at_share.level, BudgetLevel::kWarning);
  EXPECT_FALSE(at_share.refused);
  EXPECT_EQ(at_share.message,
            "environment prod has used $1.600000 of its $2.000000 budget for 2026-11 (80%)");
  BudgetCheck full = CheckBudget("prod", "2026-11", b, 1'500'000, 500'000);
  EXPECT_EQ(full.level, BudgetLevel::kWarning);
  EXPECT_FALSE(full.refused);
  BudgetCheck next = CheckBudget("prod", "2026-11", b, 2'000'000, 500'000);
  EXPECT_EQ(next.level, BudgetLevel::kOver);
  EXPECT_TRUE(next.refused);
  EXPECT_NE(next.message.find("refused (over_budget: deny)"), std::string::npos) << next.message;
}

TEST(BudgetTest, OverBudgetUnderWarnSignsWithAWarning) {
  const Budget b = Limit(10'000, 8'000, OverBudgetAction::kWarn);
  BudgetCheck over = CheckBudget("staging", "2026-11", b, 10'000, 5'000);
  EXPECT_EQ(over.level, BudgetLevel::kOver);
  EXPECT_FALSE(over.refused);
  EXPECT_EQ(over.spent_after_micros, 15'000);
  EXPECT_NE(over.message.find("signing continues (over_budget: warn)"), std::string::npos);
}

TEST(BudgetTest, FreeSignaturesAreNeverRefused) {
  const Budget b = Limit(0, 8'000, OverBudgetAction::kDeny);
  EXPECT_FALSE(CheckBudget("prod", "2026-11", b, 0, 0).refused);
  EXPECT_EQ(CheckBudget("prod", "2026-11", b, 0, 0).level, BudgetLevel::kUnder);
  EXPECT_TRUE(CheckBudget("prod", "2026-11", b, 0, 1).refused);
  EXPECT_FALSE(CheckBudget("prod", "2026-11", b, 5'000, 0).refused);
}

TEST(BudgetTest, ArithmeticDoesNotOverflow) {
  const Budget b = Limit(kMaxMonthlyBudgetMicros, kBasisPoints, OverBudgetAction::kDeny);
  EXPECT_EQ(CheckBudget("p", "m", b, kMaxMonthlyBudgetMicros - 1, 1).level, BudgetLevel::kWarning);
  EXPECT_TRUE(CheckBudget("p", "m", b, std::numeric_limits<int64_t>::max(), 1).refused);
  EXPECT_EQ(ValidateBudget(Limit(kMaxMonthlyBudgetMicros + 1, 0, OverBudgetAction::kWarn)).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateBudget(Limit(1, 10'001, OverBudgetAction::kWarn)).code(),
            ErrorCode::kInvalidArgument);
}

// --- Environments and the configuration file ------------------------------------------------------

constexpr char kExample[] = R"({
  "unit_price_micros": {"AWSLambda-SHA384-ECDSA": 6000, "Custom-Platform": 1},
  "default_environment": "dev",
  "environments": {
    "dev":     {"signing": "skip", "enforcement": "warn"},
    "staging": {"signing": "sign", "enforcement": "warn",
                "budget": {"monthly_micros": 10000000, "warn_at": 0.9375}},
    "prod":    {"enforcement": "enforce",
                "budget": {"monthly_micros": 100000000, "warn_at": 0.8, "over_budget": "deny"}}
  }
})";

TEST(MeteringConfigTest, ParsesEveryMember) {
  Result<MeteringConfig> config = ParseMeteringConfig(kExample, "test.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->prices.UnitPriceMicros("AWSLambda-SHA384-ECDSA"), 6'000);
  EXPECT_EQ(config->prices.UnitPriceMicros("Notation-OCI-SHA384-ECDSA"), 500'000);  // default kept
  EXPECT_EQ(config->prices.UnitPriceMicros("Custom-Platform"), 1);
  const EnvironmentPolicy& envs = config->environments;
  EXPECT_EQ(envs.default_environment(), "dev");
  ASSERT_EQ(envs.environments().size(), 3u);
  const Environment* dev = *envs.Resolve("");
  EXPECT_EQ(dev->name, "dev");
  EXPECT_EQ(dev->signing, SigningMode::kSkip);
  EXPECT_EQ(dev->enforcement, EnforcementMode::kWarn);
  EXPECT_FALSE(dev->budget.has_value());
  const Environment* staging = *envs.Resolve("staging");
  ASSERT_TRUE(staging->budget.has_value());
  EXPECT_EQ(staging->budget->warn_share_basis_points, 9'375);
  EXPECT_EQ(staging->budget->over_budget, OverBudgetAction::kWarn);
  const Environment* prod = *envs.Resolve("prod");
  EXPECT_EQ(prod->signing, SigningMode::kSign);
  EXPECT_EQ(prod->enforcement, EnforcementMode::kEnforce);
  EXPECT_EQ(prod->budget->monthly_micros, 100'000'000);
  EXPECT_EQ(prod->budget->warn_share_basis_points, 8'000);
  EXPECT_EQ(prod->budget->over_budget, OverBudgetAction::kDeny);
}

TEST(MeteringConfigTest, WithoutEnvironmentsThereIsOneThatSigns) {
  Result<MeteringConfig> config = ParseMeteringConfig("{}", "empty.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->environments.default_environment(), "default");
  EXPECT_EQ((*config->environments.Resolve(""))->signing, SigningMode::kSign);
  Result<MeteringConfig> single =
      ParseMeteringConfig(R"({"environments": {"ci": {}}})", "single.json");
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  EXPECT_EQ(single->environments.default_environment(), "ci");
}

void ExpectError(const std::string& json, const std::string& fragment) {
  Result<MeteringConfig> config = ParseMeteringConfig(json, "m.json");
  ASSERT_FALSE(config.ok()) << json;
  EXPECT_EQ(config.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find(fragment), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("metering configuration m.json"), std::string::npos);
}

TEST(MeteringConfigTest, ErrorsNameTheMemberAndWhatToWrite) {
  ExpectError("not json", "not valid JSON");
  ExpectError(R"({"environment": {}})", "unknown member 'environment'");
  ExpectError(R"({"environments": {"p": {"budgett": {}}}})", "unknown member 'budgett' in environments.p");
  ExpectError(R"({"environments": {"p": {"signing": "maybe"}}})",
              "environments.p: signing must be \"sign\" or \"skip\"");
  ExpectError(R"({"environments": {"p": {"enforcement": "strict"}}})", "enforcement must be");
  ExpectError(R"({"environments": {"p": {"budget": {"monthly_micros": 1.5}}}})",
              "environments.p.budget.monthly_micros must be a whole number of micro-dollars");
  ExpectError(R"({"environments": {"p": {"budget": {}}}})", "monthly_micros is required");
  ExpectError(R"({"environments": {"p": {"budget": {"monthly_micros": 1, "warn_at": 1.5}}}})",
              "warn_at must be a number from 0 to 1");
  ExpectError(R"({"environments": {"p": {"budget": {"monthly_micros": 1, "warn_at": 0.12345}}}})",
              "at most four decimals");
  ExpectError(R"({"environments": {"p": {"budget": {"monthly_micros": 1, "over_budget": "block"}}}})",
              "over_budget must be \"warn\" or \"deny\"");
  ExpectError(R"({"environments": {"a": {}, "b": {}}})",
              "default_environment is required when more than one environment");
  ExpectError(R"({"default_environment": "c", "environments": {"a": {}, "b": {}}})",
              "the default environment 'c' is not configured; configured: a, b");
  ExpectError(R"({"environments": {"bad name": {}}})", "environment name 'bad name' is not valid");
  ExpectError(R"({"unit_price_micros": {"X": -5}})", "must be 0 to");
  ExpectError(R"({"unit_price_micros": {"X": "5000"}})", "unit_price_micros.X must be a whole number");
  ExpectError(R"({"environments": {}})", "at least one environment");
}

TEST(MeteringConfigTest, TheDefaultEnvironmentCanBeGivenOutsideTheFile) {
  constexpr char kTwo[] = R"({"environments": {"a": {}, "b": {}}})";
  Result<MeteringConfig> config = ParseMeteringConfig(kTwo, "two.json", "b");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->environments.default_environment(), "b");
  Result<MeteringConfig> replaced = ParseMeteringConfig(kExample, "example.json", "prod");
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->environments.default_environment(), "prod");
  EXPECT_FALSE(ParseMeteringConfig(kTwo, "two.json", "c").ok());
}

TEST(EnvironmentPolicyTest, ResolvesNamesAndRefusesOthersClearly) {
  Result<MeteringConfig> config = ParseMeteringConfig(kExample, "test.json");
  ASSERT_TRUE(config.ok());
  Result<const Environment*> unknown = config->environments.Resolve("qa");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "unknown environment 'qa'; this signetd is configured with: dev, prod, staging");
  Result<const Environment*> invalid = config->environments.Resolve("a\"b");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(config->environments.Resolve(std::string(500, 'x')).ok());
  EXPECT_TRUE(IsValidEnvironmentName("prod-eu.1_a"));
  EXPECT_FALSE(IsValidEnvironmentName("-prod"));
  EXPECT_FALSE(IsValidEnvironmentName(""));
  EXPECT_FALSE(IsValidEnvironmentName(std::string(65, 'a')));
  EXPECT_FALSE(EnvironmentPolicy::Single("no spaces").ok());
}

}  // namespace
}  // namespace signet::metering
