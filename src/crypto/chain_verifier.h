// Certificate chain validation with the Notary Project rules (signature specification,
// "Certificate Requirements"; notation-core-go x509.ValidateCodeSigningCertChain).
//
// Trust anchoring is *not* done here: the trust store decides which root to trust
// (notary/trust_store.h). This validates the structure of a chain as carried in x5c:
//   - ordered leaf → intermediates → self-signed root; each certificate is issued (and its
//     signature verifies) by the next; the last one is self-signed and its signature verifies;
//   - CA certificates: basicConstraints cA=TRUE, keyUsage keyCertSign, pathLen respected;
//   - leaf: not a CA; keyUsage present with digitalSignature and none of keyEncipherment,
//     dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly, decipherOnly;
//     EKU (if present) contains codeSigning and none of anyExtendedKeyUsage, serverAuth,
//     clientAuth, emailProtection, timeStamping, OCSPSigning (for kTimestamping: timeStamping as
//     the only EKU, in a critical extension, per RFC 3161 §2.3);
//   - keyUsage marked critical (code signing; notation-core-go does not require it for
//     timestamping certificates);
//   - no certificate signed with SHA-1 or MD5: SHA-256/384/512 only (RSA, RSASSA-PSS, ECDSA);
//   - public keys: the leaf's is one of the six supported types (signature_algorithm.h); a CA's is
//     RSA ≥ 2048 bits or EC P-256/384/521;
//   - when `at` is given, every certificate is valid at that time (inclusive).
// A single self-signed leaf (notation-go's test certificates) is a valid chain of length one
// when it meets the leaf rules.
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"

namespace signet::crypto {

enum class CertificatePurpose { kCodeSigning, kTimestamping };

// Returns OK, or InvalidArgument naming the offending certificate and rule, e.g.
// "certificate chain is out of order: x5c[1] \"CN=...\" did not issue x5c[0] \"CN=...\"".
Status VerifyCertificateChain(const std::vector<Certificate>& chain, std::optional<Timestamp> at,
                              CertificatePurpose purpose);

}  // namespace signet::crypto
