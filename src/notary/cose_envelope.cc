#include "notary/cose_envelope.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "core/encoding.h"
#include "crypto/chain_verifier.h"
#include "notary/cbor.h"
#include "notary/json_codec.h"

namespace signet::notary {
namespace {

constexpr uint64_t kCoseSign1Tag = 18;
constexpr uint64_t kEpochTimeTag = 1;
constexpr int64_t kLabelAlgorithm = 1;
constexpr int64_t kLabelCritical = 2;
constexpr int64_t kLabelContentType = 3;
constexpr int64_t kLabelX5Chain = 33;
constexpr std::string_view kLabelSigningScheme = "io.cncf.notary.signingScheme";
constexpr std::string_view kLabelSigningTime = "io.cncf.notary.signingTime";
constexpr std::string_view kLabelAuthenticSigningTime = "io.cncf.notary.authenticSigningTime";
constexpr std::string_view kLabelExpiry = "io.cncf.notary.expiry";
constexpr std::string_view kLabelSigningAgent = "io.cncf.notary.signingAgent";
constexpr std::string_view kLabelTimestampSignature = "io.cncf.notary.timestampSignature";

// Deeper than any Notary header needs (tag → array → map → x5chain → bstr is 5), shallow enough
// that every recursive walk over a decoded value is cheap.
constexpr CborLimits kEnvelopeCborLimits{.max_depth = 16, .max_items = 4096};
// 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z: the times RFC 3339 can write.
constexpr int64_t kMinEpochSeconds = -62135596800;
constexpr int64_t kMaxEpochSeconds = 253402300799;

Status Invalid(std::string_view what) {
  return InvalidArgumentError("COSE envelope: " + std::string(what));
}

struct AlgorithmEntry {
  int64_t cose;
  crypto::SignatureAlgorithm algorithm;
};
constexpr AlgorithmEntry kAlgorithms[] = {
    {-7, crypto::SignatureAlgorithm::kEs256},  {-35, crypto::SignatureAlgorithm::kEs384},
    {-36, crypto::SignatureAlgorithm::kEs512}, {-37, crypto::SignatureAlgorithm::kPs256},
    {-38, crypto::SignatureAlgorithm::kPs384}, {-39, crypto::SignatureAlgorithm::kPs512},
};

// A header label as an extended attribute key: text labels as they are, integers in decimal.
std::string LabelKey(const CborValue& label) {
  if (label.is_text()) return label.string();
  if (auto v = label.AsInt64()) return std::to_string(*v);
  if (label.type() == CborType::kNegative) {  // below INT64_MIN: -1 - argument
    return label.argument() == UINT64_MAX ? "-18446744073709551616"
                                          : "-" + std::to_string(label.argument() + 1);
  }
  return std::to_string(label.argument());
}

Status CheckLabels(const CborValue& header, std::string_view bucket) {
  for (const auto& [label, value] : header.entries()) {
    if (!label.is_text() && !label.is_int()) {
      return Invalid(std::string(bucket) + " header labels must be integers or text strings");
    }
  }
  return Status::Ok();
}

Result<Timestamp> ParseEpochTime(const CborValue& value, std::string_view label) {
  if (!value.is_tag() || value.argument() != kEpochTimeTag) {
    return Invalid("header \"" + std::string(label) + "\" must be a tag-1 epoch time");
  }
  const auto seconds = value.tag_content().AsInt64();
  if (!seconds || *seconds < kMinEpochSeconds || *seconds > kMaxEpochSeconds) {
    return Invalid("header \"" + std::string(label) +
                   "\" must be a tag-1 epoch time in whole seconds between years 1 and 9999");
  }
  return Timestamp(std::chrono::seconds(*seconds));
}

CborValue EpochTime(Timestamp t) {
  return CborValue::Tag(kEpochTimeTag, CborValue::Int(t.time_since_epoch().count()));
}

// An extended attribute value that is not a text string, as JSON text (Go's json.Marshal of
// what go-cose decodes it to: byte strings as base64, epoch times as RFC 3339).
Result<nlohmann::json> ToJson(const CborValue& value) {
  switch (value.type()) {
    case CborType::kUnsigned:
      return nlohmann::json(value.argument());
    case CborType::kNegative:
      if (auto v = value.AsInt64()) return nlohmann::json(*v);
      return Invalid("extended attribute integer is out of range");
    case CborType::kBytes:
      return nlohmann::json(Base64Encode(value.string()));
    case CborType::kText:
      return nlohmann::json(value.string());
    case CborType::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : value.items()) {
        SIGNET_ASSIGN_OR_RETURN(nlohmann::json element, ToJson(item));
        out.push_back(std::move(element));
      }
      return out;
    }
    case CborType::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.entries()) {
        if (!key.is_text() && !key.is_int()) {
          return Invalid("extended attribute map keys must be integers or text strings");
        }
        SIGNET_ASSIGN_OR_RETURN(nlohmann::json element, ToJson(item));
        out[LabelKey(key)] = std::move(element);
      }
      return out;
    }
    case CborType::kTag:
      if (value.argument() == kEpochTimeTag) {
        SIGNET_ASSIGN_OR_RETURN(Timestamp t, ParseEpochTime(value, "extended attribute"));
        return nlohmann::json(FormatRfc3339(t));
      }
      return ToJson(value.tag_content());
    case CborType::kSimple:
      if (value.argument() == 20 || value.argument() == 21) {
        return nlohmann::json(value.argument() == 21);
      }
      if (value.argument() == 22 || value.argument() == 23) return nlohmann::json(nullptr);
      return Invalid("extended attribute holds an unassigned CBOR simple value");
    case CborType::kFloat: {
      const double d = value.AsDouble();
      if (!std::isfinite(d)) return Invalid("extended attribute holds a non-finite number");
      return nlohmann::json(d);
    }
  }
  return Invalid("extended attribute has an unknown CBOR type");
}

// The Sig_structure of RFC 9052 §4.4 for COSE_Sign1 with empty external AAD. `protected_item`
// is the protected bucket's full encoding (head included) exactly as transmitted.
std::string SigStructure(std::string_view protected_item, std::string_view payload) {
  std::string out(1, static_cast<char>(0x84));  // array(4)
  out += EncodeCbor(CborValue::Text("Signature1"));
  out += protected_item;
  out += EncodeCbor(CborValue::Bytes(""));
  out += EncodeCbor(CborValue::Bytes(std::string(payload)));
  return out;
}

Status ParseProtectedHeader(const CborValue& header, EnvelopeContent& content) {
  SIGNET_RETURN_IF_ERROR(CheckLabels(header, "protected"));
  SignedAttributes& attributes = content.signed_attributes;

  const CborValue* alg = header.Find(kLabelAlgorithm);
  if (alg == nullptr) return Invalid("protected header is missing the algorithm (1)");
  const auto alg_value = alg->AsInt64();
  const AlgorithmEntry* entry = nullptr;
  for (const auto& candidate : kAlgorithms) {
    if (alg_value == candidate.cose) entry = &candidate;
  }
  if (entry == nullptr) {
    return Invalid("signature algorithm not supported: " +
                   (alg->is_int() ? LabelKey(*alg) : std::string("non-integer value")));
  }
  content.algorithm = entry->algorithm;

  const CborValue* cty = header.Find(kLabelContentType);
  if (cty == nullptr) return Invalid("protected header is missing the content type (3)");
  if (!cty->is_text()) return Invalid("content type (3) must be a text string");
  if (cty->string() != kPayloadContentType) {
    return Invalid("payload content type \"" + cty->string() + "\" not supported (want " +
                   std::string(kPayloadContentType) + ")");
  }
  content.payload_content_type = cty->string();

  const CborValue* scheme = header.Find(kLabelSigningScheme);
  if (scheme == nullptr) {
    return Invalid("protected header is missing \"io.cncf.notary.signingScheme\"");
  }
  const auto parsed_scheme =
      scheme->is_text() ? ParseSigningScheme(scheme->string()) : std::nullopt;
  if (!parsed_scheme) {
    return Invalid(
        "unsupported signing scheme " +
        (scheme->is_text() ? "\"" + scheme->string() + "\"" : std::string("(not text)")) +
        ": require notary.x509 or notary.x509.signingAuthority");
  }
  attributes.scheme = *parsed_scheme;
  const bool authority = attributes.scheme == SigningScheme::kX509SigningAuthority;
  const std::string_view time_label = authority ? kLabelAuthenticSigningTime : kLabelSigningTime;
  const std::string_view other_time_label =
      authority ? kLabelSigningTime : kLabelAuthenticSigningTime;
  const CborValue* signing_time = header.Find(time_label);
  if (signing_time == nullptr) {
    return Invalid("protected header is missing \"" + std::string(time_label) + "\" (required by " +
                   std::string(SigningSchemeName(attributes.scheme)) + ")");
  }
  SIGNET_ASSIGN_OR_RETURN(attributes.signing_time, ParseEpochTime(*signing_time, time_label));
  if (header.Find(other_time_label) != nullptr) {
    return Invalid("\"" + std::string(other_time_label) + "\" is not allowed with signing scheme " +
                   std::string(SigningSchemeName(attributes.scheme)));
  }
  attributes.expiry.reset();
  if (const CborValue* expiry = header.Find(kLabelExpiry); expiry != nullptr) {
    SIGNET_ASSIGN_OR_RETURN(attributes.expiry, ParseEpochTime(*expiry, kLabelExpiry));
    if (*attributes.expiry <= attributes.signing_time) {
      return Invalid("expiry " + FormatRfc3339(*attributes.expiry) +
                     " is not after the signing time " + FormatRfc3339(attributes.signing_time));
    }
  }

  // crit: a non-empty array of labels, each present in this bucket (RFC 9052 §3.1); the
  // Notary-required ones must be among them.
  const CborValue* crit = header.Find(kLabelCritical);
  if (crit == nullptr) return Invalid("protected header is missing crit (2)");
  if (!crit->is_array() || crit->items().empty()) {
    return Invalid("crit (2) must be a non-empty array of labels");
  }
  for (const CborValue& label : crit->items()) {
    if (!label.is_text() && !label.is_int()) {
      return Invalid("crit (2) labels must be integers or text");
    }
    bool present = false;
    for (const auto& [key, value] : header.entries()) present = present || key == label;
    if (!present) {
      return Invalid("crit (2) names label \"" + LabelKey(label) +
                     "\" that is not in the protected header");
    }
  }
  auto is_critical = [&](const CborValue& label) {
    for (const CborValue& c : crit->items()) {
      if (c == label) return true;
    }
    return false;
  };
  std::vector<std::string> not_critical;
  if (!is_critical(CborValue::Text(std::string(kLabelSigningScheme)))) {
    not_critical.emplace_back(kLabelSigningScheme);
  }
  if (authority && !is_critical(CborValue::Text(std::string(kLabelAuthenticSigningTime)))) {
    not_critical.emplace_back(kLabelAuthenticSigningTime);
  }
  if (attributes.expiry && !is_critical(CborValue::Text(std::string(kLabelExpiry)))) {
    not_critical.emplace_back(kLabelExpiry);
  }
  if (!not_critical.empty()) {
    std::string list;
    for (const auto& name : not_critical) list += (list.empty() ? "" : " ") + name;
    return Invalid("these required headers are not marked as critical: [" + list + "]");
  }

  attributes.extended_attributes.clear();
  for (const auto& [label, value] : header.entries()) {
    if (label.AsInt64() == kLabelAlgorithm || label.AsInt64() == kLabelCritical ||
        label.AsInt64() == kLabelContentType) {
      continue;
    }
    if (label.is_text() &&
        (label.string() == kLabelSigningScheme || label.string() == kLabelSigningTime ||
         label.string() == kLabelAuthenticSigningTime || label.string() == kLabelExpiry)) {
      continue;
    }
    ExtendedAttribute attribute;
    attribute.key = LabelKey(label);
    if (attributes.Find(attribute.key) != nullptr) {
      // Integer label 4 and text label "4" would read as one attribute.
      return Invalid("protected header labels collide as extended attribute \"" + attribute.key +
                     "\"");
    }
    if (value.is_text()) {
      attribute.value = value.string();
    } else {
      SIGNET_ASSIGN_OR_RETURN(nlohmann::json json, ToJson(value));
      attribute.value = MarshalJson(json);
    }
    attribute.critical = is_critical(label);
    attributes.extended_attributes.push_back(std::move(attribute));
  }
  return Status::Ok();
}

Status ParseUnprotectedHeader(const CborValue& header, EnvelopeContent& content) {
  SIGNET_RETURN_IF_ERROR(CheckLabels(header, "unprotected"));
  const CborValue* x5chain = header.Find(kLabelX5Chain);
  if (x5chain == nullptr || !x5chain->is_array() || x5chain->items().empty()) {
    return Invalid("certificate chain is not present (x5chain (33) must be a non-empty array)");
  }
  if (x5chain->items().size() > kMaxCertificateChainLength) {
    return Invalid("certificate chain has " + std::to_string(x5chain->items().size()) +
                   " certificates, more than " + std::to_string(kMaxCertificateChainLength));
  }
  content.certificate_chain.clear();
  for (size_t i = 0; i < x5chain->items().size(); ++i) {
    const CborValue& item = x5chain->items()[i];
    if (!item.is_bytes()) return Invalid("x5chain[" + std::to_string(i) + "] is not a byte string");
    auto cert = crypto::Certificate::FromDer(item.string());
    if (!cert.ok()) {
      return Invalid("x5chain[" + std::to_string(i) +
                     "] is not a certificate: " + cert.status().message());
    }
    content.certificate_chain.push_back(std::move(cert).value());
  }
  if (const CborValue* agent = header.Find(kLabelSigningAgent); agent != nullptr) {
    if (!agent->is_text()) return Invalid("\"io.cncf.notary.signingAgent\" must be a text string");
    content.unsigned_attributes.signing_agent = agent->string();
  }
  if (const CborValue* token = header.Find(kLabelTimestampSignature); token != nullptr) {
    if (!token->is_bytes() || token->string().empty()) {
      return Invalid("\"io.cncf.notary.timestampSignature\" must be a non-empty byte string");
    }
    content.unsigned_attributes.timestamp_token = token->string();
  }
  return Status::Ok();
}

}  // namespace

Result<EnvelopeContent> ParseCoseEnvelope(std::string_view bytes) {
  if (bytes.size() > kMaxEnvelopeSize) {
    return Invalid("larger than " + std::to_string(kMaxEnvelopeSize) + " bytes");
  }
  auto decoded = DecodeCbor(bytes, kEnvelopeCborLimits);
  if (!decoded.ok()) return Invalid(decoded.status().message());
  const CborValue& top = *decoded;
  if (!top.is_tag() || top.argument() != kCoseSign1Tag) {
    return Invalid("not a COSE_Sign1_Tagged object (tag 18)");
  }
  const CborValue& message = top.tag_content();
  if (!message.is_array() || message.items().size() != 4) {
    return Invalid("COSE_Sign1 must be an array of 4 elements");
  }
  const CborValue& protected_item = message.items()[0];
  const CborValue& unprotected = message.items()[1];
  const CborValue& payload = message.items()[2];
  const CborValue& signature = message.items()[3];
  if (!protected_item.is_bytes()) return Invalid("protected header must be a byte string");
  if (!unprotected.is_map()) return Invalid("unprotected header must be a map");
  if (!payload.is_bytes()) {
    return Invalid("payload must be a byte string (detached payloads are not supported)");
  }
  if (!signature.is_bytes() || signature.string().empty()) {
    return Invalid("signature missing in COSE envelope");
  }
  if (protected_item.string().empty()) return Invalid("protected header is empty");
  auto protected_header = DecodeCbor(protected_item.string(), kEnvelopeCborLimits);
  if (!protected_header.ok()) {
    return Invalid("protected header: " + protected_header.status().message());
  }
  if (!protected_header->is_map()) return Invalid("protected header must encode a map");
  for (const auto& [label, value] : protected_header->entries()) {
    for (const auto& [other, other_value] : unprotected.entries()) {
      if (label == other) {
        return Invalid("label \"" + LabelKey(label) + "\" appears in both header buckets");
      }
    }
  }

  EnvelopeContent content;
  content.media_type = std::string(kCoseMediaType);
  SIGNET_RETURN_IF_ERROR(ParseProtectedHeader(*protected_header, content));
  SIGNET_RETURN_IF_ERROR(ParseUnprotectedHeader(unprotected, content));
  content.payload = payload.string();
  content.signature = signature.string();

  // The key decides the algorithm: a header "alg" that is not the leaf key's is refused before
  // any signature check, so a verifier never takes its algorithm from untrusted input.
  auto leaf_key = content.certificate_chain.front().public_key();
  if (!leaf_key.ok()) {
    return Invalid("x5chain[0] has an unsupported public key: " + leaf_key.status().message());
  }
  if (leaf_key->algorithm() != content.algorithm) {
    return Invalid("mismatch between signature algorithm derived from signing certificate (" +
                   std::string(crypto::JwsAlgorithmName(leaf_key->algorithm())) +
                   ") and signing algorithm specified (" +
                   std::string(crypto::JwsAlgorithmName(content.algorithm)) + ")");
  }
  content.signed_bytes =
      SigStructure(bytes.substr(protected_item.encoded_offset(), protected_item.encoded_size()),
                   content.payload);
  return content;
}

Result<std::string> SignCoseEnvelope(const CoseSignOptions& options, const crypto::Signer& signer) {
  SIGNET_RETURN_IF_ERROR(ValidateSignOptions(options, signer));
  const auto& chain = options.certificate_chain;

  const bool authority = options.scheme == SigningScheme::kX509SigningAuthority;
  const std::string_view time_label = authority ? kLabelAuthenticSigningTime : kLabelSigningTime;
  int64_t alg = 0;
  for (const auto& entry : kAlgorithms) {
    if (entry.algorithm == signer.algorithm()) alg = entry.cose;
  }

  // notation-core-go's crit order: scheme, authentic signing time, expiry, then the critical
  // extended attributes as given. The map order is the encoder's.
  std::vector<CborValue> crit{CborValue::Text(std::string(kLabelSigningScheme))};
  std::vector<CborValue::MapEntry> header;
  header.emplace_back(CborValue::Int(kLabelAlgorithm), CborValue::Int(alg));
  header.emplace_back(CborValue::Int(kLabelContentType),
                      CborValue::Text(std::string(kPayloadContentType)));
  header.emplace_back(CborValue::Text(std::string(kLabelSigningScheme)),
                      CborValue::Text(std::string(SigningSchemeName(options.scheme))));
  header.emplace_back(CborValue::Text(std::string(time_label)), EpochTime(options.signing_time));
  if (authority) crit.push_back(CborValue::Text(std::string(kLabelAuthenticSigningTime)));
  if (options.expiry) {
    crit.push_back(CborValue::Text(std::string(kLabelExpiry)));
    header.emplace_back(CborValue::Text(std::string(kLabelExpiry)), EpochTime(*options.expiry));
  }
  for (const ExtendedAttribute& attribute : options.extended_attributes) {
    if (attribute.key.empty()) {
      return InvalidArgumentError("cannot sign: an extended attribute has an empty key");
    }
    const CborValue key = CborValue::Text(attribute.key);
    bool exists = attribute.key == kLabelSigningTime ||
                  attribute.key == kLabelAuthenticSigningTime || attribute.key == kLabelExpiry;
    for (const auto& [existing, value] : header) exists = exists || existing == key;
    if (exists) {
      return InvalidArgumentError("cannot sign: extended attribute \"" + attribute.key +
                                  "\" already exists in the protected header");
    }
    if (attribute.critical) crit.push_back(key);
    header.emplace_back(key, CborValue::Text(attribute.value));
  }
  header.emplace_back(CborValue::Int(kLabelCritical), CborValue::Array(std::move(crit)));
  const std::string protected_bytes = EncodeCbor(CborValue::Map(std::move(header)));
  const std::string protected_item = EncodeCbor(CborValue::Bytes(protected_bytes));

  SIGNET_ASSIGN_OR_RETURN(std::string signature,
                          signer.Sign(SigStructure(protected_item, options.payload)));

  std::vector<CborValue> x5chain;
  x5chain.reserve(chain.size());
  for (const auto& cert : chain) x5chain.push_back(CborValue::Bytes(cert.der()));
  std::vector<CborValue::MapEntry> unprotected;
  unprotected.emplace_back(CborValue::Int(kLabelX5Chain), CborValue::Array(std::move(x5chain)));
  if (!options.signing_agent.empty()) {
    unprotected.emplace_back(CborValue::Text(std::string(kLabelSigningAgent)),
                             CborValue::Text(options.signing_agent));
  }
  std::vector<CborValue> message;
  message.push_back(CborValue::Bytes(protected_bytes));
  message.push_back(CborValue::Map(std::move(unprotected)));
  message.push_back(CborValue::Bytes(options.payload));
  message.push_back(CborValue::Bytes(std::move(signature)));
  return EncodeCbor(CborValue::Tag(kCoseSign1Tag, CborValue::Array(std::move(message))));
}

}  // namespace signet::notary
