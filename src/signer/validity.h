// Signature validity periods and platform overrides of a signing profile (PutSigningProfile).
#pragma once

#include "core/status.h"
#include "core/time.h"
#include "signer/platform.h"
#include "store/signing_profile_record.h"

namespace signet::signer {

// AWS's (and DESIGN.md §4's) maximum signature validity.
inline constexpr int kMaxValidityMonths = 135;

// `t` plus the period, in calendar terms (months and years keep the day of month, clamped to
// the month's last day).
Timestamp AddValidity(Timestamp t, const store::SignatureValidityPeriod& period);

// InvalidArgument unless 1 ≤ value and t + period ≤ t + 135 months.
Status CheckValidityPeriod(const store::SignatureValidityPeriod& period, Timestamp now);

// InvalidArgument for an override the platform cannot honour (signet's platforms sign only with
// ECDSA P-384 / SHA-384 in their own image format).
Status CheckOverrides(const SigningPlatform& platform, const store::SigningOverrides& overrides);

}  // namespace signet::signer
