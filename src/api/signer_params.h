// Internal to api/: reading and validating the inputs of the Signer API (JSON body members and
// query parameters) against the constraints of the AWS Signer service model, before anything
// reaches SignerService.
//
// Every reader returns InvalidArgument naming the offending member, worded as AWS words its
// validation errors ("1 validation error detected: Value 'x' at 'profileName' failed to satisfy
// constraint: ..."). Absent and JSON null members are the same; unknown members are ignored, as
// AWS ignores them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "core/status.h"
#include "core/time.h"
#include "store/page.h"
#include "store/signing_profile_record.h"
#include "store/tags.h"

namespace signet::api::params {

using Json = nlohmann::json;

// A violated constraint of `member`, quoting (a prefix of) the offending value.
Status Violation(std::string_view member, std::string_view value, std::string_view constraint);
// A required member that is absent.
Status Missing(std::string_view member);

// The request body as a JSON object: an empty body is {}; anything but an object is an error.
Result<Json> ParseBody(std::string_view body);

// --- JSON members of `object` ---
// `member` may be a dotted path naming the member in messages ("source.s3.bucketName"); its last
// component is the key looked up in `object`.
Result<std::optional<std::string>> OptionalString(const Json& object, std::string_view member);
Result<std::string> RequiredString(const Json& object, std::string_view member);
Result<std::optional<int64_t>> OptionalInteger(const Json& object, std::string_view member);
// A JSON object member (absent: nullopt).
Result<std::optional<Json>> OptionalObject(const Json& object, std::string_view member);
// A map of strings to strings (absent: empty, `present` false).
Result<std::map<std::string, std::string>> StringMap(const Json& object, std::string_view member,
                                                     bool* present = nullptr);
// A rest-json body timestamp: epoch seconds, possibly fractional (truncated). An RFC 3339 string
// is accepted too.
Result<Timestamp> RequiredTimestamp(const Json& object, std::string_view member);

// --- Field constraints of the model ---
Status CheckProfileName(std::string_view value, std::string_view member = "profileName");
Status CheckProfileVersion(std::string_view value, std::string_view member = "profileVersion");
Status CheckAccountId(std::string_view value, std::string_view member);
Status CheckLength(std::string_view value, std::string_view member, size_t min, size_t max);
Status CheckEnum(std::string_view value, std::string_view member,
                 std::initializer_list<std::string_view> allowed);
// TagMap: 1..200 entries, TagKey ^(?!aws:)[a-zA-Z+-=._:/]+$ of 1..128, TagValue of 0..256.
Status CheckTags(const store::TagMap& tags, std::string_view member);
// TagKeyList: 1..200 valid keys.
Status CheckTagKeys(const std::vector<std::string>& keys, std::string_view member);

// --- Composite body shapes ---
// SignatureValidityPeriod {value, type}.
Result<store::SignatureValidityPeriod> ParseValidityPeriod(const Json& object,
                                                           std::string_view member);
// SigningPlatformOverrides {signingConfiguration {encryptionAlgorithm, hashAlgorithm},
// signingImageFormat}.
Result<store::SigningOverrides> ParseOverrides(const Json& object, std::string_view member);

// --- Query string parameters ---
// A query timestamp: RFC 3339 / ISO 8601 (fractional seconds allowed) or epoch seconds.
Result<std::optional<Timestamp>> QueryTimestamp(const ApiRequest& request, std::string_view name);
Result<std::optional<bool>> QueryBool(const ApiRequest& request, std::string_view name);
// maxResults (1..25, default 25) and nextToken.
Result<store::PageRequest> QueryPage(const ApiRequest& request);

}  // namespace signet::api::params
