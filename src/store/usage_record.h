// UsageRecord: what one successful signature cost (DESIGN.md §8, metering).
//
// Exactly one usage record per signing job: the Store refuses a second record for the same job
// (kAlreadyExists), and the job must exist, so writing the job and its usage in one transaction
// gives "every acknowledged signature has exactly one usage record". Money is integer
// micro-dollars ($0.005 = 5'000); sums are exact.
//
// Plain values; safe to copy and share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace signet::store {

struct UsageRecord {
  Timestamp time{};
  std::string account{};    // the account billed (the job invoker)
  std::string principal{};  // principal ARN that signed
  std::string profile_name{};
  std::string profile_version{};
  std::string platform_id{};
  std::string environment{};  // "dev", "staging", "prod", ...
  int64_t unit_price_micros = 0;
  std::string job_id{};
  friend bool operator==(const UsageRecord&, const UsageRecord&) = default;
};

// The dimensions a cost report can group by.
enum class UsageDimension { kMonth, kEnvironment, kProfile, kPlatform, kAccount, kPrincipal };

// Which records a report or export covers: time in [from, to), optionally one account.
struct UsageQuery {
  Timestamp from{};
  Timestamp to{};
  std::optional<std::string> account{};
  std::optional<std::string> environment{};
  std::vector<UsageDimension> group_by{};  // ignored by ListUsage
};

// One row of a cost report. A dimension not grouped by is empty.
struct UsageTotal {
  std::string month{};  // "YYYY-MM", UTC
  std::string environment{};
  std::string profile_name{};
  std::string platform_id{};
  std::string account{};
  std::string principal{};
  int64_t signatures = 0;
  int64_t total_micros = 0;
  friend bool operator==(const UsageTotal&, const UsageTotal&) = default;
};

}  // namespace signet::store
