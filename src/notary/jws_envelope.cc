#include "notary/jws_envelope.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/encoding.h"
#include "crypto/chain_verifier.h"
#include "notary/json_codec.h"

namespace signet::notary {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kAlg = "alg";
constexpr std::string_view kCty = "cty";
constexpr std::string_view kCrit = "crit";
constexpr std::string_view kX5c = "x5c";

// Protected header names that are not extended attributes.
constexpr std::string_view kReservedHeaders[] = {kAlg,
                                                 kCty,
                                                 kCrit,
                                                 kHeaderSigningScheme,
                                                 kHeaderSigningTime,
                                                 kHeaderAuthenticSigningTime,
                                                 kHeaderExpiry};

bool IsReservedHeader(std::string_view key) {
  return std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), key) !=
         std::end(kReservedHeaders);
}

Status EnvelopeError(std::string message) {
  return InvalidArgumentError("invalid JWS envelope: " + std::move(message));
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Decodes unpadded base64url strictly. The message names the first offending byte the way Go's
// decoder does ("illegal base64 data at input byte 242"), which is what notation-go reports for
// its own tampered test envelopes.
Result<std::string> DecodeBase64Url(std::string_view text, std::string_view member) {
  Result<std::string> decoded = Base64UrlDecode(text);
  if (decoded.ok()) return decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return EnvelopeError(Quote(member) +
                           " is not unpadded base64url: illegal base64 data at input byte " +
                           std::to_string(i));
    }
  }
  return EnvelopeError(Quote(member) + " is not unpadded base64url: " + decoded.status().message());
}

std::string AsAttributeValue(const Json& value) {
  return value.is_string() ? value.get<std::string>() : MarshalJson(value);
}

Result<Timestamp> ParseHeaderTime(const Json& header, std::string_view key) {
  const Json& value = header.at(std::string(key));
  if (!value.is_string()) {
    return EnvelopeError(Quote(key) + " must be an RFC 3339 string, not " +
                         std::string(JsonTypeName(value)));
  }
  const auto& text = value.get_ref<const std::string&>();
  // RFC 3339 §5.6 separates date and time with "T" (the core parser also takes a space).
  if (text.size() > 10 && text[10] == ' ') {
    return EnvelopeError(Quote(key) + " is not RFC 3339: \"" + text + "\"");
  }
  Result<Timestamp> t = ParseRfc3339(text);
  if (!t.ok()) return EnvelopeError(Quote(key) + ": " + t.status().message());
  return t;
}

// The rules of notation-core-go's validateProtectedHeaders / validateCriticalHeaders, plus the
// refusal of a repeated "crit" entry.
Status ValidateCritical(const std::vector<std::string>& crit, const SignedAttributes& attributes,
                        const Json& header) {
  if (crit.empty()) return EnvelopeError("missing \"crit\" header");
  std::vector<std::string_view> must_be_critical = {kHeaderSigningScheme};
  if (attributes.scheme == SigningScheme::kX509SigningAuthority) {
    must_be_critical.push_back(kHeaderAuthenticSigningTime);
  }
  if (attributes.expiry) must_be_critical.push_back(kHeaderExpiry);

  for (size_t i = 0; i < crit.size(); ++i) {
    const std::string& name = crit[i];
    if (std::find(crit.begin(), crit.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        crit.begin() + static_cast<std::ptrdiff_t>(i)) {
      return EnvelopeError("\"crit\" lists " + Quote(name) + " more than once");
    }
    const auto required = std::find(must_be_critical.begin(), must_be_critical.end(), name);
    if (required != must_be_critical.end()) {
      must_be_critical.erase(required);
      continue;
    }
    // Anything else marked critical must be an extended attribute that is present.
    if (IsReservedHeader(name) || !header.contains(name)) {
      return EnvelopeError(Quote(name) + " header is marked critical but not present");
    }
  }
  if (!must_be_critical.empty()) {
    std::string names;
    for (std::string_view n : must_be_critical) {
      names += (names.empty() ? "" : " ") + std::string(n);
    }
    return EnvelopeError("these required headers are not marked as critical: [" + names + "]");
  }
  return Status::Ok();
}

Status ParseProtectedHeader(const Json& header, EnvelopeContent& content) {
  if (!header.is_object()) return EnvelopeError("the protected header is not a JSON object");

  // alg
  if (!header.contains(kAlg)) return EnvelopeError("the protected header has no \"alg\"");
  const Json& alg = header.at(std::string(kAlg));
  if (!alg.is_string()) return EnvelopeError("\"alg\" is not a string");
  const std::optional<crypto::SignatureAlgorithm> algorithm =
      crypto::ParseJwsAlgorithm(alg.get_ref<const std::string&>());
  if (!algorithm) {
    return EnvelopeError("signature algorithm " + Quote(alg.get_ref<const std::string&>()) +
                         " is not supported (ES256, ES384, ES512, PS256, PS384, PS512)");
  }
  content.algorithm = *algorithm;

  // cty
  if (!header.contains(kCty)) return EnvelopeError("the protected header has no \"cty\"");
  const Json& cty = header.at(std::string(kCty));
  if (!cty.is_string()) return EnvelopeError("\"cty\" is not a string");
  if (cty.get_ref<const std::string&>() != kPayloadContentType) {
    return EnvelopeError("payload content type " + Quote(cty.get_ref<const std::string&>()) +
                         " not supported (want " + std::string(kPayloadContentType) + ")");
  }
  content.payload_content_type = std::string(kPayloadContentType);

  // signing scheme and the signing-time header that goes with it
  if (!header.contains(kHeaderSigningScheme)) {
    return EnvelopeError("the protected header has no " + Quote(kHeaderSigningScheme));
  }
  const Json& scheme_json = header.at(std::string(kHeaderSigningScheme));
  if (!scheme_json.is_string()) {
    return EnvelopeError(Quote(kHeaderSigningScheme) + " is not a string");
  }
  const std::optional<SigningScheme> scheme =
      ParseSigningScheme(scheme_json.get_ref<const std::string&>());
  if (!scheme) {
    return EnvelopeError("unsupported signing scheme " +
                         Quote(scheme_json.get_ref<const std::string&>()));
  }
  SignedAttributes& attributes = content.signed_attributes;
  attributes.scheme = *scheme;
  const std::string_view time_header =
      *scheme == SigningScheme::kX509 ? kHeaderSigningTime : kHeaderAuthenticSigningTime;
  const std::string_view other_time_header =
      *scheme == SigningScheme::kX509 ? kHeaderAuthenticSigningTime : kHeaderSigningTime;
  if (header.contains(other_time_header)) {
    return EnvelopeError(Quote(other_time_header) + " header must not be present for " +
                         std::string(SigningSchemeName(*scheme)) + " signing scheme");
  }
  if (!header.contains(time_header)) {
    return EnvelopeError(Quote(time_header) + " header must be present for " +
                         std::string(SigningSchemeName(*scheme)) + " signing scheme");
  }
  SIGNET_ASSIGN_OR_RETURN(attributes.signing_time, ParseHeaderTime(header, time_header));
  if (header.contains(kHeaderExpiry)) {
    SIGNET_ASSIGN_OR_RETURN(Timestamp expiry, ParseHeaderTime(header, kHeaderExpiry));
    if (expiry <= attributes.signing_time) {
      return EnvelopeError("expiry " + FormatRfc3339(expiry) +
                           " cannot be equal or before the signing time " +
                           FormatRfc3339(attributes.signing_time));
    }
    attributes.expiry = expiry;
  }

  // crit
  if (!header.contains(kCrit)) return EnvelopeError("missing \"crit\" header");
  const Json& crit_json = header.at(std::string(kCrit));
  if (!crit_json.is_array()) return EnvelopeError("\"crit\" is not an array");
  std::vector<std::string> crit;
  for (const Json& entry : crit_json) {
    if (!entry.is_string()) {
      return EnvelopeError("\"crit\" holds a " + std::string(JsonTypeName(entry)) +
                           ", not a string");
    }
    crit.push_back(entry.get<std::string>());
  }
  SIGNET_RETURN_IF_ERROR(ValidateCritical(crit, attributes, header));

  // Everything else is an extended attribute, in key order.
  for (const auto& [key, value] : header.items()) {
    if (IsReservedHeader(key)) continue;
    attributes.extended_attributes.push_back(ExtendedAttribute{
        key, AsAttributeValue(value), std::find(crit.begin(), crit.end(), key) != crit.end()});
  }
  return Status::Ok();
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status ParseUnprotectedHeader(const Json& header, EnvelopeContent& content) {
  if (!header.is_object()) return EnvelopeError("\"header\" is not a JSON object");
  const Json* x5c = nullptr;
  const Json* agent = nullptr;
  const Json* timestamp = nullptr;
  for (const auto& [key, value] : header.items()) {
    // Go's encoding/json matches member names case-insensitively; notation-go's own test
    // envelopes rely on it. Each name may appear once in any spelling.
    const std::string folded = LowerAscii(key);
    const Json** slot = nullptr;
    if (folded == kX5c) slot = &x5c;
    if (folded == LowerAscii(kHeaderSigningAgent)) slot = &agent;
    if (folded == LowerAscii(kHeaderTimestampSignature)) slot = &timestamp;
    if (slot == nullptr) {
      return EnvelopeError("unprotected header member " + Quote(key) +
                           " is not allowed (only x5c, io.cncf.notary.signingAgent and "
                           "io.cncf.notary.timestampSignature)");
    }
    if (*slot != nullptr) {
      return EnvelopeError("unprotected header member " + Quote(key) + " is repeated");
    }
    *slot = &value;
  }

  if (x5c == nullptr) return EnvelopeError("certificate chain is not set (no \"x5c\")");
  if (!x5c->is_array()) return EnvelopeError("\"x5c\" is not an array");
  if (x5c->empty()) return EnvelopeError("certificate chain is not set (\"x5c\" is empty)");
  if (x5c->size() > kMaxCertificateChainLength) {
    return EnvelopeError("\"x5c\" holds " + std::to_string(x5c->size()) +
                         " certificates, more than the limit of " +
                         std::to_string(kMaxCertificateChainLength));
  }
  for (size_t i = 0; i < x5c->size(); ++i) {
    const Json& entry = (*x5c)[i];
    const std::string where = "x5c[" + std::to_string(i) + "]";
    if (!entry.is_string()) return EnvelopeError(where + " is not a string");
    Result<std::string> der = Base64Decode(entry.get_ref<const std::string&>());
    if (!der.ok()) {
      return EnvelopeError(where + " is not standard base64: " + der.status().message());
    }
    Result<crypto::Certificate> certificate = crypto::Certificate::FromDer(*der);
    if (!certificate.ok()) {
      return EnvelopeError(where +
                           " is not a valid certificate: " + certificate.status().message());
    }
    content.certificate_chain.push_back(std::move(certificate).value());
  }

  if (agent != nullptr) {
    if (!agent->is_string()) return EnvelopeError(Quote(kHeaderSigningAgent) + " is not a string");
    content.unsigned_attributes.signing_agent = agent->get<std::string>();
  }
  if (timestamp != nullptr) {
    if (!timestamp->is_string()) {
      return EnvelopeError(Quote(kHeaderTimestampSignature) + " is not a string");
    }
    Result<std::string> token = Base64Decode(timestamp->get_ref<const std::string&>());
    if (!token.ok()) {
      return EnvelopeError(Quote(kHeaderTimestampSignature) +
                           " is not standard base64: " + token.status().message());
    }
    content.unsigned_attributes.timestamp_token = std::move(token).value();
  }
  return Status::Ok();
}

Result<std::string> StringMember(const Json& root, std::string_view key) {
  if (!root.contains(key)) return EnvelopeError("no " + Quote(key) + " member");
  const Json& value = root.at(std::string(key));
  if (!value.is_string()) {
    return EnvelopeError(Quote(key) + " must be a string, not " + std::string(JsonTypeName(value)));
  }
  return value.get<std::string>();
}

// The protected header for `options` as notation-core-go builds it, marshaled: MarshalJson of
// the object (keys in byte order), written directly. Every member is a string but "crit", an
// array of strings.
Result<std::string> MarshalProtectedHeader(const JwsSignOptions& options,
                                           crypto::SignatureAlgorithm algorithm) {
  struct Member {
    std::string_view key;
    std::string_view value;  // unused for "crit"
  };
  std::vector<Member> members;
  members.reserve(options.extended_attributes.size() + 7);
  std::vector<std::string_view> crit = {kHeaderSigningScheme};
  for (const ExtendedAttribute& attribute : options.extended_attributes) {
    if (attribute.key.empty()) {
      return InvalidArgumentError("an extended attribute has an empty key");
    }
    if (IsReservedHeader(attribute.key)) {
      return InvalidArgumentError("extended attribute " + Quote(attribute.key) +
                                  " collides with a Notary Project header");
    }
    for (const Member& m : members) {
      if (m.key == attribute.key) {
        return InvalidArgumentError("extended attribute " + Quote(attribute.key) +
                                    " is repeated");
      }
    }
    members.push_back({attribute.key, attribute.value});
    if (attribute.critical) crit.push_back(attribute.key);
  }
  const std::string signing_time = FormatRfc3339(options.signing_time);
  const std::string expiry = options.expiry ? FormatRfc3339(*options.expiry) : std::string();
  members.push_back({kAlg, crypto::JwsAlgorithmName(algorithm)});
  members.push_back({kCty, kPayloadContentType});
  members.push_back({kHeaderSigningScheme, SigningSchemeName(options.scheme)});
  if (options.scheme == SigningScheme::kX509) {
    members.push_back({kHeaderSigningTime, signing_time});
  } else {
    members.push_back({kHeaderAuthenticSigningTime, signing_time});
    crit.push_back(kHeaderAuthenticSigningTime);
  }
  if (options.expiry) {
    members.push_back({kHeaderExpiry, expiry});
    crit.push_back(kHeaderExpiry);
  }
  members.push_back({kCrit, {}});
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });

  std::string out;
  out.reserve(512);
  out += '{';
  for (const Member& m : members) {
    if (out.size() > 1) out += ',';
    AppendJsonString(out, m.key);
    out += ':';
    if (m.key != kCrit) {
      AppendJsonString(out, m.value);
      continue;
    }
    out += '[';
    for (size_t i = 0; i < crit.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(out, crit[i]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace

JwsCertificateChain::JwsCertificateChain(std::vector<crypto::Certificate> chain)
    : signing_(std::move(chain)) {
  x5c_json_ = "[";
  for (const crypto::Certificate& certificate : signing_.certificates()) {
    if (x5c_json_.size() > 1) x5c_json_ += ',';
    AppendJsonString(x5c_json_, Base64Encode(certificate.der()));
  }
  x5c_json_ += ']';
}

Result<std::string> SignJwsEnvelope(const JwsSignOptions& options, const crypto::Signer& signer) {
  return SignJwsEnvelope(options, signer, JwsCertificateChain(options.certificate_chain));
}

Result<std::string> SignJwsEnvelope(const JwsSignOptions& options, const crypto::Signer& signer,
                                    const JwsCertificateChain& chain) {
  if (!options.certificate_chain.empty() && chain.certificates() != options.certificate_chain) {
    return InvalidArgumentError("cannot sign: the x5c chain is not the options' certificate chain");
  }
  SIGNET_RETURN_IF_ERROR(chain.signing().Check(options, signer));
  SIGNET_ASSIGN_OR_RETURN(const bool payload_is_object, IsJsonObject(options.payload, "payload"));
  if (!payload_is_object) {
    return InvalidArgumentError("cannot sign: the payload is not a JSON object");
  }
  SIGNET_ASSIGN_OR_RETURN(const std::string protected_json,
                          MarshalProtectedHeader(options, signer.algorithm()));

  const std::string protected_b64 = Base64UrlEncode(protected_json);
  const std::string payload_b64 = Base64UrlEncode(options.payload);
  std::string signing_input;
  signing_input.reserve(protected_b64.size() + 1 + payload_b64.size());
  signing_input.append(protected_b64).append(1, '.').append(payload_b64);
  SIGNET_ASSIGN_OR_RETURN(std::string signature, signer.Sign(signing_input));
  const std::string signature_b64 = Base64UrlEncode(signature);

  // MarshalJson of {"header":{signingAgent?,"x5c"},"payload","protected","signature"}, written
  // directly: the keys are in byte order, and base64 and base64url text need no escaping.
  std::string out;
  out.reserve(64 + options.signing_agent.size() + chain.x5c_json().size() + payload_b64.size() +
              protected_b64.size() + signature_b64.size());
  out += "{\"header\":{";
  if (!options.signing_agent.empty()) {
    AppendJsonString(out, kHeaderSigningAgent);
    out += ':';
    AppendJsonString(out, options.signing_agent);
    out += ',';
  }
  AppendJsonString(out, kX5c);
  out.append(":").append(chain.x5c_json());
  out.append("},\"payload\":\"").append(payload_b64);
  out.append("\",\"protected\":\"").append(protected_b64);
  out.append("\",\"signature\":\"").append(signature_b64).append("\"}");
  return out;
}

Result<EnvelopeContent> ParseJwsEnvelope(std::string_view envelope) {
  if (envelope.size() > kMaxEnvelopeSize) {
    return EnvelopeError("the envelope is " + std::to_string(envelope.size()) +
                         " bytes, over the limit of " + std::to_string(kMaxEnvelopeSize));
  }
  SIGNET_ASSIGN_OR_RETURN(Json root, ParseJson(envelope, "JWS envelope"));
  if (!root.is_object()) return EnvelopeError("not a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "payload" && key != "protected" && key != "header" && key != "signature") {
      return EnvelopeError(
          "unknown member " + Quote(key) +
          " (the flattened JSON serialization has header, payload, protected, signature)");
    }
  }
  SIGNET_ASSIGN_OR_RETURN(std::string protected_b64, StringMember(root, "protected"));
  SIGNET_ASSIGN_OR_RETURN(std::string payload_b64, StringMember(root, "payload"));
  SIGNET_ASSIGN_OR_RETURN(std::string signature_b64, StringMember(root, "signature"));
  if (!root.contains("header")) return EnvelopeError("no \"header\" member (x5c is required)");

  EnvelopeContent content;
  content.media_type = std::string(kJwsMediaType);

  SIGNET_ASSIGN_OR_RETURN(std::string protected_json, DecodeBase64Url(protected_b64, "protected"));
  SIGNET_ASSIGN_OR_RETURN(Json protected_header, ParseJson(protected_json, "JWS protected header"));
  SIGNET_RETURN_IF_ERROR(ParseProtectedHeader(protected_header, content));

  SIGNET_ASSIGN_OR_RETURN(content.payload, DecodeBase64Url(payload_b64, "payload"));
  if (content.payload.empty()) return EnvelopeError("the payload is empty");
  SIGNET_ASSIGN_OR_RETURN(content.signature, DecodeBase64Url(signature_b64, "signature"));
  if (content.signature.empty()) return EnvelopeError("the signature is empty");

  SIGNET_RETURN_IF_ERROR(ParseUnprotectedHeader(root.at("header"), content));

  // The key decides the algorithm: an "alg" that differs from the leaf key's is refused here,
  // before any signature check, so a verifier never picks an algorithm from untrusted input.
  Result<crypto::PublicKey> leaf_key = content.certificate_chain.front().public_key();
  if (!leaf_key.ok()) {
    return EnvelopeError("x5c[0] has an unsupported public key: " + leaf_key.status().message());
  }
  if (leaf_key->algorithm() != content.algorithm) {
    return EnvelopeError("mismatch between signature algorithm derived from signing certificate (" +
                         std::string(crypto::JwsAlgorithmName(leaf_key->algorithm())) +
                         ") and signing algorithm specified (" +
                         std::string(crypto::JwsAlgorithmName(content.algorithm)) + ")");
  }
  content.signed_bytes = protected_b64 + "." + payload_b64;
  return content;
}

}  // namespace signet::notary
