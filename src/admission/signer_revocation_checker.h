// SignerRevocationChecker: notary::RevocationChecker answered in process by signetd's own
// SignerService (its revocation records), for the images the admission webhook verifies. It asks
// what GetRevocationStatus answers over HTTP: the signature's job, its profile version at the
// signing time, and the certificates of its chain.
//
// A signature without signet's job and profile version attributes, or a store error, is Unknown
// (the Verifier then reports "could not complete" when revocation is enforced, never a pass).
// Thread-safe (SignerService is).
#pragma once

#include <string>

#include "notary/revocation_checker.h"
#include "signer/signer_service.h"

namespace signet::admission {

class SignerRevocationChecker final : public notary::RevocationChecker {
 public:
  // `signer` must outlive the checker.
  explicit SignerRevocationChecker(signer::SignerService& signer) : signer_(signer) {}

  notary::RevocationStatus Check(const notary::EnvelopeContent& content) const override;

 private:
  signer::SignerService& signer_;
};

}  // namespace signet::admission
