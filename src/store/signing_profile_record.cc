#include "store/signing_profile_record.h"

#include <string>

namespace signet::store {

std::string_view ProfileStatusName(ProfileStatus status) {
  switch (status) {
    case ProfileStatus::kActive:
      return "Active";
    case ProfileStatus::kCanceled:
      return "Canceled";
    case ProfileStatus::kRevoked:
      return "Revoked";
  }
  return "Unknown";
}

Result<ProfileStatus> ParseProfileStatus(std::string_view name) {
  for (ProfileStatus s :
       {ProfileStatus::kActive, ProfileStatus::kCanceled, ProfileStatus::kRevoked}) {
    if (name == ProfileStatusName(s)) return s;
  }
  return InvalidArgumentError("unknown signing profile status \"" + std::string(name) +
                              "\"; expected Active, Canceled or Revoked");
}

std::string_view ValidityTypeName(ValidityType type) {
  switch (type) {
    case ValidityType::kDays:
      return "DAYS";
    case ValidityType::kMonths:
      return "MONTHS";
    case ValidityType::kYears:
      return "YEARS";
  }
  return "Unknown";
}

Result<ValidityType> ParseValidityType(std::string_view name) {
  for (ValidityType t : {ValidityType::kDays, ValidityType::kMonths, ValidityType::kYears}) {
    if (name == ValidityTypeName(t)) return t;
  }
  return InvalidArgumentError("unknown signature validity type \"" + std::string(name) +
                              "\"; expected DAYS, MONTHS or YEARS");
}

}  // namespace signet::store
