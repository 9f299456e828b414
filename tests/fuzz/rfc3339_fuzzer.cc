// Fuzzes core's ParseRfc3339 (signing times and expiries in envelopes, times in API requests).
//
// Invariants: a parsed time formats as RFC 3339 and parses back to the same instant whenever
// its year is one RFC 3339 can write (0000-9999; an offset may move a time just outside).
#include <chrono>

#include "core/time.h"
#include "fuzz_check.h"

namespace signet {
namespace {

void FuzzRfc3339(std::string_view input) {
  Result<Timestamp> parsed = ParseRfc3339(input);
  if (!parsed.ok()) return;
  const std::chrono::year_month_day day(std::chrono::floor<std::chrono::days>(*parsed));
  const int year = static_cast<int>(day.year());
  if (year < 0 || year > 9999) return;
  const std::string formatted = FormatRfc3339(*parsed);
  Result<Timestamp> again = ParseRfc3339(formatted);
  SIGNET_FUZZ_CHECK(again.ok() && *again == *parsed);
  SIGNET_FUZZ_CHECK(!FormatRfc1123(*parsed).empty());
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzRfc3339(signet::fuzz::AsBytes(data, size));
  return 0;
}
