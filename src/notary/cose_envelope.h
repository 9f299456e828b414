// The Notary Project COSE_Sign1 envelope (`application/cose`, notation `--signature-format cose`;
// signature specification "signature-envelope-cose.md", notation-core-go signature/cose).
//
//   COSE_Sign1_Tagged = 18([protected: bstr .cbor header_map, unprotected: header_map,
//                           payload: bstr, signature: bstr])
//
// Protected header: 1 (alg: −7/−35/−36 ES256/384/512, −37/−38/−39 PS256/384/512), 2 (crit),
// 3 (content type, a text string), "io.cncf.notary.signingScheme", "io.cncf.notary.signingTime"
// (notary.x509) or "io.cncf.notary.authenticSigningTime" (notary.x509.signingAuthority) and the
// optional "io.cncf.notary.expiry", times as tag-1 epoch integers; every other label is an
// extended attribute. Unprotected header: 33 (x5chain: array of DER certificates, leaf first),
// "io.cncf.notary.signingAgent", "io.cncf.notary.timestampSignature" (RFC 3161 token, DER).
// The signature covers Sig_structure = ["Signature1", protected, h'', payload].
//
// Thread-safe: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"
#include "notary/jws_envelope.h"
#include "notary/signature_envelope.h"

namespace signet::notary {

// Parses untrusted bytes. Checks structure only, like the JWS parser: the signature is not
// verified (EnvelopeContent::signed_bytes is what the leaf key must verify) and critical
// extended attributes are reported with critical = true for the Verifier to judge.
// Fails closed with InvalidArgument "COSE envelope: ..." on anything else: input above
// kMaxEnvelopeSize, malformed CBOR, a missing tag 18, missing or mistyped required headers,
// required headers not marked critical, crit naming a label that is absent, an unsupported
// algorithm or one that is not the leaf key's, a content type other than kPayloadContentType,
// the signing-time header of the other scheme, an expiry not after the signing time, a label in
// both buckets, an empty or over-long (kMaxCertificateChainLength) x5chain, an empty signature.
// Extended attribute keys are text labels as they are and integer labels in decimal; values
// that are not text strings are kept as their JSON text (byte strings as base64).
Result<EnvelopeContent> ParseCoseEnvelope(std::string_view bytes);

// The inputs of SignCoseEnvelope are those of SignJwsEnvelope, so a caller switches envelope
// formats by switching functions. Unlike JWS, the payload need not be JSON (notation-core-go's
// COSE conformance golden signs "hello COSE").
using CoseSignOptions = JwsSignOptions;

// Builds and signs a COSE_Sign1_Tagged envelope as notation-core-go does, byte for byte up to
// the signature (its conformance golden): crit = [signingScheme, authenticSigningTime (for
// notary.x509.signingAuthority), expiry (when set), the critical extended attributes in order],
// content type kPayloadContentType, extended attribute values as text strings, maps in
// deterministic length-first key order; unprotected: x5chain and the signing agent (when not
// empty). Refused, with InvalidArgument "cannot sign: ...": an empty or over-long chain, a leaf
// that is not for `signer`'s key, a chain that is not a valid code-signing chain at the signing
// time, an expiry not after the signing time, extended attributes that are repeated, empty or
// collide with a Notary header. The signing key decides the algorithm.
Result<std::string> SignCoseEnvelope(const CoseSignOptions& options, const crypto::Signer& signer);

}  // namespace signet::notary
