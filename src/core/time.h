// RFC 3339 timestamps, whole seconds, UTC inside.
//
// Parse accepts any offset ("Z", "+08:00", "-05:30") and fractional seconds (truncated), as the
// Notary Project signatures carry them; Format always writes "YYYY-MM-DDTHH:MM:SSZ".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet {

using Timestamp = std::chrono::sys_seconds;

Result<Timestamp> ParseRfc3339(std::string_view text);
std::string FormatRfc3339(Timestamp t);
// "Fri, 29 Jul 2022 23:59:00 +0000", as notation-go prints times in its messages.
std::string FormatRfc1123(Timestamp t);

// A source of "now". Tests inject a fixed clock; everything else uses SystemClock().
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};
const Clock& SystemClock();

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_; }
  void Set(Timestamp now) { now_ = now; }

 private:
  Timestamp now_;
};

}  // namespace signet
