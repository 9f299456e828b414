// RFC 3161 timestamp tokens: the countersignature a Time Stamping Authority (TSA) puts over a
// Notary Project signature (signature specification, "Timestamp"; notation-go verifyTimestamp).
//
// VerifyTimestampToken is the only way to obtain a VerifiedTimestampToken: it checks, with
// OpenSSL's TS API, that the token
//   - is a CMS SignedData of a TSTInfo, version 1 (TS_VFY_VERSION);
//   - carries a message imprint equal to the hash of `message`, hashed with the imprint's own
//     algorithm, which must be SHA-256, SHA-384 or SHA-512 (TS_VFY_IMPRINT);
//   - is signed by a certificate identified by the ESS signing-certificate(-v2) attribute, whose
//     chain — built from the certificates embedded in the token — ends in one of `tsa_roots` and
//     is valid at the token's genTime (TS_VFY_SIGNATURE; notation-go also verifies at genTime);
//   - has a signing certificate whose only extended key usage is timeStamping, marked critical
//     (RFC 3161 §2.3).
// Revocation of the TSA chain is not checked here (see notary/timestamp_countersignature.h).
//
// Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/digest.h"

namespace signet::crypto {

// Tokens are a few kilobytes; anything far larger is refused before it is parsed.
inline constexpr size_t kMaxTimestampTokenSize = size_t{1024} * 1024;

// RFC 3628 (ETSI TS 102 023) baseline time-stamp policy: a token under it that states no
// accuracy is accurate to one second (as notation-go's tspclient reads it).
inline constexpr std::string_view kBaselineTimestampPolicyOid = "0.4.0.2023.1.1";

struct VerifiedTimestampToken {
  // TSTInfo genTime, truncated to whole seconds, and its fractional part.
  Timestamp gen_time;
  std::chrono::microseconds gen_time_fraction{0};
  // TSTInfo accuracy (seconds + millis + micros); zero when absent, one second when absent under
  // the baseline policy.
  std::chrono::microseconds accuracy{0};
  // The interval the token places the signature in: genTime − accuracy rounded down and
  // genTime + accuracy rounded up to whole seconds. Comparing these with whole-second
  // certificate validity times gives exactly RFC 3161's bounds.
  Timestamp earliest;
  Timestamp latest;

  HashAlgorithm imprint_algorithm = HashAlgorithm::kSha256;
  std::string policy_oid;  // dotted decimal, e.g. "1.3.6.1.4.1.4146.2.3"
  std::string serial_hex;  // lower-case hex of the token's serial number
  // The TSA signing certificate first, then issuers, ending with the trusted root from tsa_roots.
  std::vector<Certificate> tsa_chain;
};

// Verifies `token_der` (a DER/BER TimeStampToken, i.e. a CMS ContentInfo) over `message`.
// Errors are InvalidArgument and name the failing check: "timestamp token is malformed: ...",
// "timestamp token does not match the message (mismatched message imprint)",
// "timestamp token signature or TSA certificate chain is invalid: ...", and so on.
Result<VerifiedTimestampToken> VerifyTimestampToken(std::string_view token_der,
                                                    std::string_view message,
                                                    const std::vector<Certificate>& tsa_roots);

}  // namespace signet::crypto
