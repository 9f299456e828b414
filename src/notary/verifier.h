// notary::Verifier: verifies a Notary Project signature (JWS or COSE) against a trust policy and
// a trust store, with notation-go's semantics (verifier/verifier.go), and is the only source of
// a verified VerificationOutcome.
//
// Per signature, after selecting the trust policy statement (by artifact reference for an OCI
// policy, by name or the global statement for a blob policy):
//   integrity          parse; the leaf key verifies the signed bytes; the certificate chain is
//                      a valid code-signing chain; every critical extended attribute is one the
//                      caller processes (a verification plugin is named ⇒ fails: signet runs no
//                      plugins); the payload is a Notary payload whose target equals the
//                      expected descriptor (media type, digest, size). Always enforced.
//   authenticity       the chain contains a certificate of the statement's trust stores of the
//                      scheme's type (notary.x509 → ca, signingAuthority → signingAuthority),
//                      and the leaf matches the trusted identities.
//   expiry             now < io.cncf.notary.expiry (expired when now ≥ expiry, as the
//                      specification and notation-go say).
//   authenticTimestamp signingAuthority: the authentic signing time is within every chain
//                      certificate's validity; notary.x509: the RFC 3161 countersignature,
//                      per the statement's tsa stores and verifyTimestamp (see
//                      timestamp_countersignature.h).
//   revocation         the RevocationChecker, when one is given; skipped otherwise.
// A failure is decisive when the level enforces the check, and a warning when it logs it.
// Finally the payload's annotations must hold the caller's required metadata.
//
// Thread-safe: Verify is const; the clock and the revocation checker must be thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/chain_validation_cache.h"
#include "notary/payload.h"
#include "notary/revocation_checker.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "notary/verification_outcome.h"

namespace signet::notary {

struct VerifierOptions {
  // "Now", for expiry and certificate validity. nullptr means SystemClock(). Not owned; must
  // outlive the Verifier.
  const Clock* clock = nullptr;
  // Critical extended attributes the caller understands and acts on, e.g.
  // kSigningProfileVersionAttribute and kSigningJobAttribute. Any other critical attribute
  // fails integrity, as the specification requires.
  std::vector<std::string> processed_critical_attributes;
  std::shared_ptr<const RevocationChecker> revocation_checker;
  // When set, the integrity check's chain validation is answered from (and fills) this cache;
  // the envelope's signature, expiry, validity at the signing time, anchoring and revocation
  // are still checked on every verification. Shared by copies of the Verifier.
  std::shared_ptr<crypto::ChainValidationCache> chain_cache = nullptr;
};

struct VerificationRequest {
  // OCI policies: the artifact as "registry/repository@sha256:…".
  std::string artifact_reference;
  // Blob policies: the statement to apply; empty selects the statement with globalPolicy.
  std::string blob_policy_name;
  // What the caller is about to use; the signed payload must describe exactly this.
  Descriptor expected_target;
  // Annotations the signed payload must carry with these values.
  std::map<std::string, std::string> required_metadata;
};

class Verifier {
 public:
  Verifier(TrustPolicy policy, TrustStore trust_store, VerifierOptions options = {});

  // Verifies `envelope` of `media_type` (kJwsMediaType or kCoseMediaType). Returns an error,
  // and no outcome, only when no trust policy statement applies to the request (NotFound) or
  // the request cannot select one (InvalidArgument, FailedPrecondition): nothing was verified.
  Result<VerificationOutcome> Verify(std::string_view envelope, std::string_view media_type,
                                     const VerificationRequest& request) const;

 private:
  TrustPolicy policy_;
  TrustStore trust_store_;
  VerifierOptions options_;
};

}  // namespace signet::notary
