#include "admission/signer_revocation_checker.h"

#include <vector>

#include "signer/platform.h"
#include "signer/revocation_query.h"

namespace signet::admission {

using notary::RevocationStatus;

RevocationStatus SignerRevocationChecker::Check(const notary::EnvelopeContent& content) const {
  Result<signer::RevocationStatusRequest> request =
      signer::RevocationRequestFor(content, signer::kNotationPlatformId);
  if (!request.ok()) return RevocationStatus::Unknown(request.status().message());
  // GetRevocationStatus is public in the Signer API: it does not depend on who asks.
  const signer::Caller caller{"", "signetd admission webhook"};
  Result<std::vector<std::string>> revoked = signer_.GetRevocationStatus(caller, *request);
  if (!revoked.ok()) {
    return RevocationStatus::Unknown("revocation status unavailable: " +
                                     revoked.status().message());
  }
  return signer::RevocationStatusFor(*request, *revoked);
}

}  // namespace signet::admission
