// JSON as the Notary Project reads and writes it. Internal to notary/ (the header exposes
// nlohmann::json, which only notary/ and its tests link).
//
// Parsing is for untrusted bytes: nlohmann exceptions never escape, duplicate object keys are
// refused (two parsers that keep different duplicates must not see different documents), and
// nesting is bounded so that no later recursive walk can exhaust the stack.
//
// Marshaling reproduces Go's encoding/json.Marshal of maps, which is what notation-go signs:
// object keys in byte order, no whitespace, and Go's string escaping ("<", ">", "&", U+2028,
// U+2029 as \u escapes; invalid UTF-8 as U+FFFD). Byte-exact protected headers and payloads
// depend on it (notation-core-go's JWS conformance golden).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::notary {

// Maximum depth of nested arrays/objects accepted from untrusted JSON.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON value. `what` names the document in errors ("trust policy",
// "JWS protected header").
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what);

// ParseJson's checks without building the value (nothing is allocated per member): whether
// the value is an object, or ParseJson's error for `text`.
Result<bool> IsJsonObject(std::string_view text, std::string_view what);

// Serializes `value` as Go's json.Marshal would serialize the equivalent map[string]any.
std::string MarshalJson(const nlohmann::json& value);

// Appends `text` to `out` as a quoted JSON string, escaped exactly as MarshalJson escapes
// strings: for writers that assemble marshaled text from parts they already hold.
void AppendJsonString(std::string& out, std::string_view text);

// The name of a JSON value's type as error messages use it ("string", "number", "object", ...).
std::string_view JsonTypeName(const nlohmann::json& value);

}  // namespace signet::notary
