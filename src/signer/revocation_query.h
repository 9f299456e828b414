// What a verifier asks GetRevocationStatus about a signet signature, and how it reads the answer.
// The same query is made in-process (the admission webhook, the deploy gate) and over SigV4 (the
// CLI), so both say the same thing about the same signature.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "notary/revocation_checker.h"
#include "notary/signature_envelope.h"

namespace signet::signer {

struct RevocationStatusRequest {
  Timestamp signature_timestamp;
  std::string platform_id;
  std::string profile_version_arn;
  std::string job_arn;
  std::vector<std::string> certificate_hashes;  // lower-case hex SHA-384(TBS(cert) || TBS(issuer))
};

// The request for an envelope: its signing time, the signed profile version and job ARNs, and the
// hash of each certificate of its chain with its issuer. FailedPrecondition if the envelope names
// no profile version or job (it was not made by signet, so signet cannot tell).
Result<RevocationStatusRequest> RevocationRequestFor(const notary::EnvelopeContent& content,
                                                     std::string_view platform_id);

// The verifier's status from GetRevocationStatus's revoked subset of `request`: NotRevoked when
// empty, otherwise Revoked naming each entity ("signing job ARN is revoked; ...").
notary::RevocationStatus RevocationStatusFor(const RevocationStatusRequest& request,
                                             const std::vector<std::string>& revoked);

}  // namespace signet::signer
