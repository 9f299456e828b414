#include "signer/validity.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace signet::signer {

using namespace std::chrono;

Timestamp AddValidity(Timestamp t, const store::SignatureValidityPeriod& period) {
  if (period.type == store::ValidityType::kDays) return t + days(period.value);
  const int months = period.type == store::ValidityType::kYears ? period.value * 12 : period.value;
  const sys_days day = floor<days>(t);
  const seconds time_of_day = t - sys_seconds(day);
  year_month_day ymd{day};
  const year_month target = year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  const unsigned last = unsigned(year_month_day_last(target.year(), month_day_last(target.month())).day());
  const year_month_day out{target.year(), target.month(),
                           std::chrono::day(std::min(unsigned(ymd.day()), last))};
  return sys_seconds(sys_days(out)) + time_of_day;
}

Status CheckValidityPeriod(const store::SignatureValidityPeriod& period, Timestamp now) {
  // Bounded before any arithmetic, so that no value can overflow the calendar.
  const int limit = period.type == store::ValidityType::kDays     ? 31 * kMaxValidityMonths
                    : period.type == store::ValidityType::kMonths ? kMaxValidityMonths
                                                                  : kMaxValidityMonths / 12 + 1;
  const store::SignatureValidityPeriod max{kMaxValidityMonths, store::ValidityType::kMonths};
  if (period.value < 1 || period.value > limit ||
      AddValidity(now, period) > AddValidity(now, max)) {
    return InvalidArgumentError("signatureValidityPeriod " + std::to_string(period.value) + " " +
                                std::string(store::ValidityTypeName(period.type)) +
                                " is out of range: it must be at least 1 and at most 135 months");
  }
  return Status::Ok();
}

Status CheckOverrides(const SigningPlatform& platform, const store::SigningOverrides& overrides) {
  auto allowed = [](const std::vector<std::string>& values, const std::string& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
  };
  if (overrides.encryption_algorithm &&
      !allowed(platform.encryption_algorithms, *overrides.encryption_algorithm)) {
    return InvalidArgumentError("overrides.signingConfiguration.encryptionAlgorithm '" +
                                *overrides.encryption_algorithm + "' is not supported by " +
                                platform.platform_id + " (it signs with ECDSA)");
  }
  if (overrides.hash_algorithm && !allowed(platform.hash_algorithms, *overrides.hash_algorithm)) {
    return InvalidArgumentError("overrides.signingConfiguration.hashAlgorithm '" +
                                *overrides.hash_algorithm + "' is not supported by " +
                                platform.platform_id + " (it hashes with SHA384)");
  }
  if (overrides.signing_image_format &&
      !allowed(platform.image_formats, *overrides.signing_image_format)) {
    return InvalidArgumentError("overrides.signingImageFormat '" +
                                *overrides.signing_image_format + "' is not supported by " +
                                platform.platform_id);
  }
  return Status::Ok();
}

}  // namespace signet::signer
