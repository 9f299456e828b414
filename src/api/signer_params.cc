#include "api/signer_params.h"

#include <cctype>
#include <cmath>
#include <limits>

#include "core/arn.h"
#include "core/encoding.h"
#include "store/page.h"

namespace signet::api::params {
namespace {

constexpr size_t kQuotedValueMax = 64;
constexpr size_t kMaxTagKeyLength = 128;
constexpr size_t kMaxTagValueLength = 256;
// Timestamps AWS accepts: years 0001..9999.
constexpr double kMinEpochSeconds = -62135596800.0;
constexpr double kMaxEpochSeconds = 253402300799.0;

std::string JsonTypeName(const Json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  return value.type_name();
}

Status WrongType(std::string_view member, const Json& value, std::string_view expected) {
  return InvalidArgumentError("1 validation error detected: Value at '" + std::string(member) +
                              "' must be " + std::string(expected) + ", not " +
                              JsonTypeName(value));
}

// `member` may be a dotted path ("source.s3.key") for messages; its last component is the key.
const Json* Member(const Json& object, std::string_view member) {
  const size_t dot = member.rfind('.');
  auto it = object.find(dot == std::string_view::npos ? member : member.substr(dot + 1));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

bool IsTagKeyCharacter(char c) {
  // [a-zA-Z+-=._:/]: "+-=" is the range '+'..'=', which takes in digits, ',', '-', '.', '/',
  // ':', ';' and '<'.
  return std::isalpha(static_cast<unsigned char>(c)) || (c >= '+' && c <= '=') || c == '.' ||
         c == '_' || c == ':' || c == '/';
}

// Epoch seconds, possibly fractional ("1704164645", "1704164645.25").
std::optional<double> ParseEpochSeconds(std::string_view text) {
  size_t i = 0;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return std::stod(std::string(text));
}

Result<Timestamp> TimestampFromEpoch(double seconds, std::string_view member,
                                     std::string_view shown) {
  if (!std::isfinite(seconds) || seconds < kMinEpochSeconds || seconds > kMaxEpochSeconds) {
    return Violation(member, shown, "Member must be a timestamp between years 0001 and 9999");
  }
  return Timestamp(std::chrono::seconds(static_cast<int64_t>(std::floor(seconds))));
}

Result<Timestamp> TimestampFromText(std::string_view text, std::string_view member) {
  if (auto epoch = ParseEpochSeconds(text)) return TimestampFromEpoch(*epoch, member, text);
  auto parsed = ParseRfc3339(text);
  if (!parsed.ok()) {
    return Violation(member, text,
                     "Member must be an ISO 8601 timestamp (2024-01-02T03:04:05Z) or epoch "
                     "seconds");
  }
  return *parsed;
}

}  // namespace

Status Violation(std::string_view member, std::string_view value, std::string_view constraint) {
  std::string shown(value.substr(0, kQuotedValueMax));
  if (value.size() > kQuotedValueMax) shown += "...";
  return InvalidArgumentError("1 validation error detected: Value '" + shown + "' at '" +
                              std::string(member) +
                              "' failed to satisfy constraint: " + std::string(constraint));
}

Status Missing(std::string_view member) {
  return InvalidArgumentError("1 validation error detected: Value null at '" + std::string(member) +
                              "' failed to satisfy constraint: Member must not be null");
}

Result<Json> ParseBody(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  Json parsed;
  try {
    parsed = Json::parse(body);
  } catch (const Json::exception& e) {
    return InvalidArgumentError(std::string("request body is not valid JSON: ") + e.what());
  }
  if (!parsed.is_object()) {
    return InvalidArgumentError("request body must be a JSON object, not " +
                                std::string(parsed.type_name()));
  }
  return parsed;
}

Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view member) {
  const Json* value = Member(object, member);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(member, *value, "a string");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::string> RequiredString(const Json& object, std::string_view member) {
  SIGNET_ASSIGN_OR_RETURN(auto value, OptionalString(object, member));
  if (!value) return Missing(member);
  return std::move(*value);
}

Result<std::optional<int64_t>> OptionalInteger(const Json& object, std::string_view member) {
  const Json* value = Member(object, member);
  if (value == nullptr) return std::optional<int64_t>();
  if (value->is_number_unsigned()) {
    if (value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return Violation(member, value->dump(), "Member must be a 32-bit integer");
    }
    return std::optional<int64_t>(value->get<int64_t>());
  }
  if (!value->is_number_integer()) return WrongType(member, *value, "an integer");
  const int64_t v = value->get<int64_t>();
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return Violation(member, value->dump(), "Member must be a 32-bit integer");
  }
  return std::optional<int64_t>(v);
}

Result<std::optional<Json>> OptionalObject(const Json& object, std::string_view member) {
  const Json* value = Member(object, member);
  if (value == nullptr) return std::optional<Json>();
  if (!value->is_object()) return WrongType(member, *value, "a structure (JSON object)");
  return std::optional<Json>(*value);
}

Result<std::map<std::string, std::string>> StringMap(const Json& object, std::string_view member,
                                                     bool* present) {
  std::map<std::string, std::string> out;
  const Json* value = Member(object, member);
  if (present != nullptr) *present = value != nullptr;
  if (value == nullptr) return out;
  if (!value->is_object()) return WrongType(member, *value, "a map (JSON object)");
  for (const auto& [key, entry] : value->items()) {
    if (!entry.is_string()) {
      return WrongType(std::string(member) + "." + key, entry, "a string");
    }
    out.emplace(key, entry.get<std::string>());
  }
  return out;
}

Result<Timestamp> RequiredTimestamp(const Json& object, std::string_view member) {
  const Json* value = Member(object, member);
  if (value == nullptr) return Missing(member);
  if (value->is_number()) return TimestampFromEpoch(value->get<double>(), member, value->dump());
  if (value->is_string()) return TimestampFromText(value->get<std::string>(), member);
  return WrongType(member, *value, "a timestamp (epoch seconds)");
}

Status CheckProfileName(std::string_view value, std::string_view member) {
  if (IsValidProfileName(value)) return Status::Ok();
  return Violation(member, value,
                   "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]{2,} and have "
                   "length between 2 and 64");
}

Status CheckProfileVersion(std::string_view value, std::string_view member) {
  if (IsValidProfileVersion(value)) return Status::Ok();
  return Violation(member, value,
                   "Member must satisfy regular expression pattern: ^[a-zA-Z0-9]{10}$");
}

Status CheckAccountId(std::string_view value, std::string_view member) {
  if (IsValidAccountId(value)) return Status::Ok();
  return Violation(member, value, "Member must satisfy regular expression pattern: ^[0-9]{12}$");
}

Status CheckLength(std::string_view value, std::string_view member, size_t min, size_t max) {
  const size_t n = Utf8Length(value);
  if (n < min) {
    return Violation(member, value,
                     "Member must have length greater than or equal to " + std::to_string(min));
  }
  if (n > max) {
    return Violation(member, value,
                     "Member must have length less than or equal to " + std::to_string(max));
  }
  return Status::Ok();
}

Status CheckEnum(std::string_view value, std::string_view member,
                 std::initializer_list<std::string_view> allowed) {
  std::string set;
  for (std::string_view a : allowed) {
    if (value == a) return Status::Ok();
    set += set.empty() ? "" : ", ";
    set += a;
  }
  return Violation(member, value, "Member must satisfy enum value set: [" + set + "]");
}

Status CheckTags(const store::TagMap& tags, std::string_view member) {
  if (tags.empty() || tags.size() > store::kMaxTagsPerResource) {
    return Violation(member, std::to_string(tags.size()) + " tags",
                     "Member must have between 1 and " +
                         std::to_string(store::kMaxTagsPerResource) + " entries");
  }
  std::vector<std::string> keys;
  keys.reserve(tags.size());
  for (const auto& [key, value] : tags) {
    keys.push_back(key);
    SIGNET_RETURN_IF_ERROR(
        CheckLength(value, std::string(member) + "." + key, 0, kMaxTagValueLength));
  }
  return CheckTagKeys(keys, member);
}

Status CheckTagKeys(const std::vector<std::string>& keys, std::string_view member) {
  if (keys.empty() || keys.size() > store::kMaxTagsPerResource) {
    return Violation(member, std::to_string(keys.size()) + " keys",
                     "Member must have between 1 and " +
                         std::to_string(store::kMaxTagsPerResource) + " entries");
  }
  for (const std::string& key : keys) {
    SIGNET_RETURN_IF_ERROR(CheckLength(key, member, 1, kMaxTagKeyLength));
    bool ok = key.rfind("aws:", 0) != 0;
    for (char c : key) ok = ok && IsTagKeyCharacter(c);
    if (!ok) {
      return Violation(member, key,
                       "Member must satisfy regular expression pattern: "
                       "^(?!aws:)[a-zA-Z+-=._:/]+$");
    }
  }
  return Status::Ok();
}

Result<store::SignatureValidityPeriod> ParseValidityPeriod(const Json& object,
                                                           std::string_view member) {
  const std::string prefix = std::string(member) + ".";
  SIGNET_ASSIGN_OR_RETURN(auto value, OptionalInteger(object, prefix + "value"));
  SIGNET_ASSIGN_OR_RETURN(auto type, OptionalString(object, prefix + "type"));
  if (!value) return Missing(prefix + "value");
  if (!type) return Missing(prefix + "type");
  SIGNET_RETURN_IF_ERROR(CheckEnum(*type, prefix + "type", {"DAYS", "MONTHS", "YEARS"}));
  if (*value < 1) {
    return Violation(prefix + "value", std::to_string(*value),
                     "Member must have value greater than or equal to 1");
  }
  SIGNET_ASSIGN_OR_RETURN(auto parsed_type, store::ParseValidityType(*type));
  return store::SignatureValidityPeriod{static_cast<int>(*value), parsed_type};
}

Result<store::SigningOverrides> ParseOverrides(const Json& object, std::string_view member) {
  const std::string prefix = std::string(member) + ".";
  store::SigningOverrides out;
  SIGNET_ASSIGN_OR_RETURN(auto config, OptionalObject(object, prefix + "signingConfiguration"));
  if (config) {
    const std::string config_prefix = prefix + "signingConfiguration.";
    SIGNET_ASSIGN_OR_RETURN(out.encryption_algorithm,
                            OptionalString(*config, config_prefix + "encryptionAlgorithm"));
    SIGNET_ASSIGN_OR_RETURN(out.hash_algorithm,
                            OptionalString(*config, config_prefix + "hashAlgorithm"));
    if (out.encryption_algorithm) {
      SIGNET_RETURN_IF_ERROR(CheckEnum(*out.encryption_algorithm,
                                       config_prefix + "encryptionAlgorithm", {"RSA", "ECDSA"}));
    }
    // The model's HashAlgorithm enum predates SHA-384, which every signet platform advertises
    // (GetSigningPlatform) and signs with; refusing it here would contradict that listing.
    if (out.hash_algorithm) {
      SIGNET_RETURN_IF_ERROR(CheckEnum(*out.hash_algorithm, config_prefix + "hashAlgorithm",
                                       {"SHA1", "SHA256", "SHA384"}));
    }
  }
  SIGNET_ASSIGN_OR_RETURN(out.signing_image_format,
                          OptionalString(object, prefix + "signingImageFormat"));
  if (out.signing_image_format) {
    SIGNET_RETURN_IF_ERROR(CheckEnum(*out.signing_image_format, prefix + "signingImageFormat",
                                     {"JSON", "JSONEmbedded", "JSONDetached"}));
  }
  return out;
}

Result<std::optional<Timestamp>> QueryTimestamp(const ApiRequest& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<Timestamp>();
  SIGNET_ASSIGN_OR_RETURN(Timestamp t, TimestampFromText(*text, name));
  return std::optional<Timestamp>(t);
}

Result<std::optional<bool>> QueryBool(const ApiRequest& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<bool>();
  std::string lower = *text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return std::optional<bool>(true);
  if (lower == "false") return std::optional<bool>(false);
  return Violation(name, *text, "Member must be a boolean (true or false)");
}

Result<store::PageRequest> QueryPage(const ApiRequest& request) {
  store::PageRequest page;
  if (auto text = request.Query("maxResults")) {
    const std::string& s = *text;
    const size_t digits_from = !s.empty() && s[0] == '-' ? 1 : 0;
    bool ok = s.size() > digits_from && s.size() - digits_from <= 9;
    for (size_t i = digits_from; i < s.size(); ++i) {
      ok = ok && std::isdigit(static_cast<unsigned char>(s[i]));
    }
    if (!ok) return Violation("maxResults", s, "Member must be an integer");
    const int value = std::stoi(s);
    if (value < 1) {
      return Violation("maxResults", s, "Member must have value greater than or equal to 1");
    }
    if (value > store::kMaxSignerPageSize) {
      return Violation("maxResults", s,
                       "Member must have value less than or equal to " +
                           std::to_string(store::kMaxSignerPageSize));
    }
    page.max_results = value;
  }
  if (auto token = request.Query("nextToken")) page.token = *token;
  return page;
}

}  // namespace signet::api::params
