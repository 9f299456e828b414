// The Notary Project JWS envelope (application/jose+json): JWS JSON flattened serialization,
// as DESIGN.md §5 fixes it and notation-core-go writes it:
//
//   {"header":{"io.cncf.notary.signingAgent":"…","x5c":["<std base64 DER>",…]},
//    "payload":"<base64url>","protected":"<base64url>","signature":"<base64url>"}
//
// The protected header is compact JSON with sorted keys: alg, crit, cty, the signing scheme, the
// signing time (io.cncf.notary.signingTime for notary.x509, io.cncf.notary.authenticSigningTime
// for notary.x509.signingAuthority), io.cncf.notary.expiry when set, and the extended
// attributes. "crit" lists, in this order, io.cncf.notary.signingScheme, each critical extended
// attribute in the order given, io.cncf.notary.authenticSigningTime (signingAuthority only) and
// io.cncf.notary.expiry (when set) — notation-core-go's order, so our protected headers are
// byte-identical to notation's for the same inputs.
//
// Parsing is structural and fail-closed; it does not verify the signature (notary::Verifier does,
// over EnvelopeContent::signed_bytes). Every error is InvalidArgument and names the problem.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"
#include "notary/signature_envelope.h"

namespace signet::notary {

// Header names of the Notary Project JWS envelope.
inline constexpr std::string_view kHeaderSigningScheme = "io.cncf.notary.signingScheme";
inline constexpr std::string_view kHeaderSigningTime = "io.cncf.notary.signingTime";
inline constexpr std::string_view kHeaderAuthenticSigningTime =
    "io.cncf.notary.authenticSigningTime";
inline constexpr std::string_view kHeaderExpiry = "io.cncf.notary.expiry";
inline constexpr std::string_view kHeaderSigningAgent = "io.cncf.notary.signingAgent";
inline constexpr std::string_view kHeaderTimestampSignature = "io.cncf.notary.timestampSignature";

// The sign options are format-neutral (signature_envelope.h); COSE takes the same.
using JwsSignOptions = SignOptions;

// Signs and returns the envelope JSON bytes. `signer`'s key decides "alg".
Result<std::string> SignJwsEnvelope(const JwsSignOptions& options, const crypto::Signer& signer);

// A certificate chain with its x5c array marshaled once and its signing checks prepared once
// (SigningChain). Every envelope signed with one chain carries the same x5c, so a signer that
// signs many envelopes with it (a signing profile version) keeps this beside the chain rather
// than base64-encode and validate the certificates per signature. Immutable; thread-safe.
class JwsCertificateChain {
 public:
  explicit JwsCertificateChain(std::vector<crypto::Certificate> chain);

  const std::vector<crypto::Certificate>& certificates() const { return signing_.certificates(); }
  const SigningChain& signing() const { return signing_; }
  // ["<std base64 DER>",…], leaf first, exactly as the envelope's "x5c" member is written.
  const std::string& x5c_json() const { return x5c_json_; }

 private:
  SigningChain signing_;
  std::string x5c_json_;
};

// SignJwsEnvelope(options, signer), byte for byte, with x5c and the chain checks taken from
// `chain`. options.certificate_chain must be empty (the chain is then not copied per signature)
// or hold exactly the chain's certificates (InvalidArgument otherwise).
Result<std::string> SignJwsEnvelope(const JwsSignOptions& options, const crypto::Signer& signer,
                                    const JwsCertificateChain& chain);

// Parses envelope bytes (at most kMaxEnvelopeSize) into their content. signed_bytes is
// protected "." payload exactly as received.
//
// Refused: non-JSON or duplicate keys; missing, extra or mistyped members; bad base64url
// (strict: no padding, no stray characters) or base64 in x5c; an "alg" not one of the six, or
// not the algorithm of the leaf certificate's key; a missing or empty "crit"; a "crit" entry
// naming an absent header; a required header (signing scheme, authenticSigningTime for
// signingAuthority, expiry when present) not marked critical; a "cty" other than the Notary
// payload type; a signing time or expiry that is not RFC 3339, or the signing-time header of the
// other scheme; an expiry not after the signing time; an empty signature; an x5c that is empty,
// longer than kMaxCertificateChainLength or holds an undecodable certificate; unprotected header
// members other than x5c, io.cncf.notary.signingAgent and io.cncf.notary.timestampSignature
// (matched case-insensitively, as Go's encoding/json does: notation-go's own test envelopes
// spell it "io.cncf.notary.SigningAgent").
Result<EnvelopeContent> ParseJwsEnvelope(std::string_view envelope);

}  // namespace signet::notary
