// RevocationChecker: answers "has this signature been revoked?" for notary::Verifier.
//
// Implementations: the signer/ module (in-process, against the revocation store) and the cli/
// module (GetRevocationStatus on signetd). A checker must tell "not revoked" apart from "could
// not find out" (service unreachable, timeout): the Verifier turns the latter into a
// CouldNotComplete outcome when revocation is enforced, never into a pass.
//
// Thread-safety: Check may be called concurrently.
#pragma once

#include <string>
#include <utility>

#include "notary/signature_envelope.h"

namespace signet::notary {

struct RevocationStatus {
  enum class State { kNotRevoked, kRevoked, kUnknown };

  static RevocationStatus NotRevoked() { return {State::kNotRevoked, ""}; }
  // `reason` is shown to the user: "signing job arn:… was revoked at 2024-…".
  static RevocationStatus Revoked(std::string reason) {
    return {State::kRevoked, std::move(reason)};
  }
  // `reason` says why the status is unknown: "revocation service unreachable: …".
  static RevocationStatus Unknown(std::string reason) {
    return {State::kUnknown, std::move(reason)};
  }

  State state = State::kUnknown;
  std::string reason;
};

class RevocationChecker {
 public:
  virtual ~RevocationChecker() = default;
  // Called only after integrity and authenticity have been checked, with the parsed envelope
  // (signed attributes, including the signer's extended attributes, and the certificate chain).
  virtual RevocationStatus Check(const EnvelopeContent& content) const = 0;
};

}  // namespace signet::notary
