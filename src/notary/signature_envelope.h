// The content of a Notary Project signature envelope, whatever its encoding (JWS or COSE).
//
// Mirrors notation-core-go's signature.EnvelopeContent. A parser (jws_envelope.h, cose_envelope.h)
// fills it from untrusted bytes; parsing checks structure only. Only notary::Verifier turns it
// into a verified result (verifier.h): code downstream never acts on an EnvelopeContent alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signature_algorithm.h"
#include "crypto/signer.h"

namespace signet::notary {

inline constexpr std::string_view kJwsMediaType = "application/jose+json";
inline constexpr std::string_view kCoseMediaType = "application/cose";
inline constexpr std::string_view kPayloadContentType = "application/vnd.cncf.notary.payload.v1+json";
// Named size limits (notation-go): envelopes read from anywhere are refused above these.
inline constexpr size_t kMaxEnvelopeSize = size_t{32} * 1024 * 1024;
inline constexpr size_t kMaxCertificateChainLength = 10;

enum class SigningScheme { kX509, kX509SigningAuthority };
std::string_view SigningSchemeName(SigningScheme scheme);  // "notary.x509", ...
// The scheme named exactly `name`; nullopt for any other string.
std::optional<SigningScheme> ParseSigningScheme(std::string_view name);

// The two signer attributes signet (and AWS Signer) put in every envelope, critical.
inline constexpr std::string_view kSigningProfileVersionAttribute =
    "com.amazonaws.signer.signingProfileVersion";
inline constexpr std::string_view kSigningJobAttribute = "com.amazonaws.signer.signingJob";
inline constexpr std::string_view kVerificationPluginAttribute = "io.cncf.notary.verificationPlugin";
inline constexpr std::string_view kVerificationPluginMinVersionAttribute =
    "io.cncf.notary.verificationPluginMinVersion";

struct ExtendedAttribute {
  std::string key;
  std::string value;  // string values as they are; any other JSON/CBOR value as its JSON text
  bool critical = false;
  friend bool operator==(const ExtendedAttribute&, const ExtendedAttribute&) = default;
};

struct SignedAttributes {
  SigningScheme scheme = SigningScheme::kX509SigningAuthority;
  // io.cncf.notary.signingTime (notary.x509) or io.cncf.notary.authenticSigningTime
  // (notary.x509.signingAuthority).
  Timestamp signing_time;
  std::optional<Timestamp> expiry;  // io.cncf.notary.expiry
  // Every other protected attribute (including verificationPlugin and the signer attributes).
  std::vector<ExtendedAttribute> extended_attributes;

  const ExtendedAttribute* Find(std::string_view key) const;
};

struct UnsignedAttributes {
  // DER RFC 3161 TimeStampToken, or empty. JWS carries it as io.cncf.notary.timestampSignature
  // (standard base64), as notation-core-go writes it.
  std::string timestamp_token;
  std::string signing_agent;  // io.cncf.notary.signingAgent
};

struct EnvelopeContent {
  std::string media_type;  // kJwsMediaType or kCoseMediaType
  SignedAttributes signed_attributes;
  UnsignedAttributes unsigned_attributes;
  crypto::SignatureAlgorithm algorithm = crypto::SignatureAlgorithm::kEs384;
  std::vector<crypto::Certificate> certificate_chain;  // x5c, leaf first
  std::string signature;             // raw signature bytes (R‖S for ECDSA)
  // Exactly the bytes the signature covers: the JWS signing input (protected "." payload, both
  // base64url as received) or the COSE Sig_structure. Integrity = leaf key verifies these.
  std::string signed_bytes;
  std::string payload_content_type;  // kPayloadContentType for Notary payloads
  std::string payload;               // the payload bytes
};

// What a signer puts in an envelope, whatever its encoding (JWS or COSE).
struct SignOptions {
  // The payload bytes, signed as given; must be a JSON object (SerializePayload gives the
  // canonical Notary payload). The content type is always kPayloadContentType.
  std::string payload;
  SigningScheme scheme = SigningScheme::kX509SigningAuthority;
  Timestamp signing_time;
  std::optional<Timestamp> expiry;  // must be after signing_time
  // Extra protected attributes, string-valued (e.g. the two com.amazonaws.signer.* ARNs).
  // Keys must not repeat or collide with the headers above.
  std::vector<ExtendedAttribute> extended_attributes;
  // x5c, leaf first. The leaf's public key must be the signer's key, and the chain must be a
  // valid code-signing chain at signing_time.
  std::vector<crypto::Certificate> certificate_chain;
  std::string signing_agent;  // omitted when empty
};

// The checks both envelope signers make before signing, so neither can emit an envelope that
// its own verifier would refuse: a chain of 1 to kMaxCertificateChainLength certificates whose
// leaf is the signer's key and which is a valid code-signing chain at the signing time, and an
// expiry (when set) after the signing time. InvalidArgument "cannot sign: …" otherwise.
// SigningChain(options.certificate_chain).Check(options, signer).
Status ValidateSignOptions(const SignOptions& options, const crypto::Signer& signer);

// A certificate chain prepared for many signatures: ValidateSignOptions's checks that depend on
// the chain alone (its length, a readable leaf key, the code-signing chain rules without a time)
// run once, here; Check runs the rest per signature (the signer's key, the signing time inside
// every certificate's validity, the expiry), with ValidateSignOptions's errors in its order.
// Immutable; thread-safe.
class SigningChain {
 public:
  explicit SigningChain(std::vector<crypto::Certificate> chain);

  const std::vector<crypto::Certificate>& certificates() const { return certificates_; }
  // ValidateSignOptions(options with this chain, signer). options.certificate_chain is ignored.
  Status Check(const SignOptions& options, const crypto::Signer& signer) const;

 private:
  std::vector<crypto::Certificate> certificates_;
  Status shape_;                               // the length and leaf-key checks
  std::optional<crypto::PublicKey> leaf_key_;  // set iff shape_ is OK
  bool rules_ok_ = false;                      // the chain rules without a time
  Timestamp valid_from_{};                     // the latest not_before
  Timestamp valid_until_{};                    // the earliest not_after
};

}  // namespace signet::notary
