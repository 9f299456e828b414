// The authentic-timestamp check of Notary Project verification (trust store and trust policy
// specification, "Authentic timestamp"; notation-go verifier.go verifyAuthenticTimestamp and
// verifyTimestamp): is the signing certificate chain shown to have been valid when the
// signature was made?
//
//   notary.x509.signingAuthority: the signed authentic signing time must fall within every
//     chain certificate's validity.
//   notary.x509: without a TSA trust store in the policy — or with verifyTimestamp
//     "afterCertExpiry" while no chain certificate has expired — the chain must be valid now.
//     Otherwise the envelope's RFC 3161 countersignature (EnvelopeContent::unsigned_attributes.
//     timestamp_token, over EnvelopeContent::signature) must be present and verify against the
//     TSA roots (crypto/timestamp_token.h), its interval (genTime ± accuracy) must not start
//     before the signing time, the TSA chain must be a valid timestamping chain, and the
//     interval must lie within every signing chain certificate's validity.
//
// Deviation from notation-go: its step 5, the OCSP/CRL revocation check of the TSA chain, is not
// performed; signet verifies offline. A revoked TSA certificate is therefore not detected here.
#pragma once

#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "notary/signature_envelope.h"

namespace signet::notary {

// The trust policy's signatureVerification.verifyTimestamp.
enum class VerifyTimestampMode { kAlways, kAfterCertExpiry };

// OK, or InvalidArgument with notation-go's message, e.g.
//   verification time is after certificate "CN=…" validity period, it was expired at "Tue, 18
//   Jun 2024 07:30:31 +0000"
//   no timestamp countersignature was found in the signature envelope
//   timestamp can be before certificate "CN=…" validity period, it will be valid from "…"
//   failed to verify the timestamp countersignature with error: …
// `tsa_store_configured` says whether the policy names a tsa: trust store; `tsa_roots` are its
// certificates. `content` must already have passed the integrity check.
Status VerifyAuthenticTimestamp(const EnvelopeContent& content, VerifyTimestampMode mode,
                                const std::vector<crypto::Certificate>& tsa_roots,
                                bool tsa_store_configured, Timestamp now);

}  // namespace signet::notary
