#include "metering/price_table.h"

#include <cstdio>

namespace signet::metering {

PriceTable PriceTable::Defaults() {
  PriceTable table;
  table.prices_.emplace(kLambdaPlatformId, kDefaultLambdaPriceMicros);
  table.prices_.emplace(kNotationPlatformId, kDefaultImagePriceMicros);
  return table;
}

Status PriceTable::Set(std::string_view platform_id, int64_t unit_price_micros) {
  if (platform_id.empty()) return InvalidArgumentError("a price needs a platform id");
  if (unit_price_micros < 0 || unit_price_micros > kMaxUnitPriceMicros) {
    return InvalidArgumentError("the price of " + std::string(platform_id) + " must be 0 to " +
                                std::to_string(kMaxUnitPriceMicros) + " micro-dollars (got " +
                                std::to_string(unit_price_micros) + ")");
  }
  prices_.insert_or_assign(std::string(platform_id), unit_price_micros);
  return Status::Ok();
}

int64_t PriceTable::UnitPriceMicros(std::string_view platform_id) const {
  auto it = prices_.find(platform_id);
  return it == prices_.end() ? 0 : it->second;
}

std::string FormatDollars(int64_t micros) {
  // Negate in unsigned arithmetic: INT64_MIN has no positive int64.
  const bool negative = micros < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 1'000'000),
                static_cast<unsigned long long>(magnitude % 1'000'000));
  return buf;
}

}  // namespace signet::metering
