// PriceTable: what one signature costs, by signing platform, in integer micro-dollars
// (DESIGN.md §8; $0.005 = 5'000). Verification, revocation checks and profile management are
// free and never priced. A platform not in the table costs 0.
//
// The price is copied onto each usage record when it is written, so changing the table (a new
// configuration at restart) changes later records only; reports sum the recorded prices.
//
// A plain value; safe to copy and share.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::metering {

inline constexpr std::string_view kLambdaPlatformId = "AWSLambda-SHA384-ECDSA";
inline constexpr std::string_view kNotationPlatformId = "Notation-OCI-SHA384-ECDSA";
inline constexpr int64_t kDefaultLambdaPriceMicros = 5'000;       // $0.005 per ZIP signature
inline constexpr int64_t kDefaultImagePriceMicros = 500'000;      // $0.50 per image signature
// The largest price accepted ($1,000,000 per signature): keeps every sum far from int64 overflow.
inline constexpr int64_t kMaxUnitPriceMicros = 1'000'000'000'000;

class PriceTable {
 public:
  // The published AWS prices: Lambda ZIP $0.005, container image (Notation) $0.50.
  static PriceTable Defaults();

  // Sets one platform's price. InvalidArgument if negative or over kMaxUnitPriceMicros.
  Status Set(std::string_view platform_id, int64_t unit_price_micros);
  int64_t UnitPriceMicros(std::string_view platform_id) const;
  const std::map<std::string, int64_t, std::less<>>& prices() const { return prices_; }

 private:
  std::map<std::string, int64_t, std::less<>> prices_;
};

// "$0.505000"-style decimal dollars from micro-dollars, exactly ("-" for negative amounts).
std::string FormatDollars(int64_t micros);

}  // namespace signet::metering
