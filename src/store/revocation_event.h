// RevocationEvent: one entry of the installation's revocation change sequence (DESIGN.md §7).
//
// Every revocation the Store records (RevokeJob, RevokeProfileVersion, including a later call
// that moves a profile version's effective time earlier) appends one event in the same
// transaction, numbered by a sequence that only grows. Verifiers that cache decisions (the
// admission webhook of every signetd sharing the store) read the events after the last sequence
// they saw and drop what the revocation affects, so a revocation reaches every replica within
// their polling interval.
#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace signet::store {

struct RevocationEvent {
  enum class Kind { kJob, kProfileVersion };

  int64_t sequence = 0;  // > 0, increasing in commit order
  Kind kind = Kind::kJob;
  // kJob: the job id (the last part of its ARN); kProfileVersion: the profile version ARN.
  std::string subject;
  // kProfileVersion: signatures made at or after this time are revoked. kJob: the revocation time.
  Timestamp effective_from;
  Timestamp recorded_at;
};

// The most events one ListRevocationEvents call returns.
inline constexpr int kMaxRevocationEventsPerRead = 1000;

}  // namespace signet::store
