#include "notary/json_codec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace signet::notary {
namespace {

// Thrown from the parse callback to abort parsing; caught in ParseJson, never escapes.
struct ParseAbort {
  std::string message;
};

void AppendUnicodeEscape(std::string& out, uint32_t code_unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code_unit >> shift) & 0xf];
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (overlong forms,
// surrogates and code points above U+10FFFF are invalid, as in Go's utf8.DecodeRuneInString).
size_t ValidUtf8Length(std::string_view s, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(i);
  size_t len;
  uint32_t cp;
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  } else if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  *code_point = cp;
  return len;
}

// A character that Go's encoder copies as it is: printable ASCII but for the quote, the
// backslash and < > & (which Go escapes for HTML).
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> plain{};
  for (int u = 0x20; u < 0x80; ++u) {
    plain[u] = u != '"' && u != '\\' && u != '<' && u != '>' && u != '&';
  }
  return plain;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

bool IsPlainAscii(char c) { return kPlain[static_cast<uint8_t>(c)]; }

void AppendGoString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    // Runs of plain characters (all of a base64 certificate) are copied in one append.
    size_t run = i;
    while (run < s.size() && IsPlainAscii(s[run])) ++run;
    if (run > i) {
      out.append(s.substr(i, run - i));
      i = run;
      continue;
    }
    const char c = s[i];
    const auto u = static_cast<uint8_t>(c);
    if (u < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '<':
        case '>':
        case '&':
          AppendUnicodeEscape(out, u);
          break;
        default:
          if (u < 0x20) {
            AppendUnicodeEscape(out, u);
          } else {
            out += c;
          }
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = ValidUtf8Length(s, i, &cp);
    if (len == 0) {
      AppendUnicodeEscape(out, 0xfffd);
      ++i;
    } else if (cp == 0x2028 || cp == 0x2029) {
      AppendUnicodeEscape(out, cp);
      i += len;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  out += '"';
}

void AppendValue(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      // nlohmann's default object_t is a std::map: keys iterate in byte order, as Go sorts.
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        AppendGoString(out, key);
        out += ':';
        AppendValue(out, member);
      }
      out += '}';
      return;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, element);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::string:
      AppendGoString(out, value.get_ref<const std::string&>());
      return;
    default:
      // null, booleans and numbers print the same in both libraries.
      out += value.dump();
      return;
  }
}

// The error of JSON that nlohmann cannot parse. nlohmann quotes the last token read, which can
// be most of the input: messages are kept short and printable, since they end up in logs and
// API errors.
Status SyntaxError(std::string_view what, std::string detail) {
  constexpr size_t kMaxDetail = 160;
  if (detail.size() > kMaxDetail) detail = detail.substr(0, kMaxDetail) + "...";
  for (char& c : detail) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return InvalidArgumentError(std::string(what) + " is not valid JSON: " + detail);
}

Status UnacceptableError(std::string_view what, const std::string& message) {
  return InvalidArgumentError(std::string(what) + " is not acceptable JSON: " + message);
}

std::string TooDeep() {
  return "nesting is deeper than " + std::to_string(kMaxJsonDepth) + " levels";
}

// IsJsonObject's SAX handler: ParseJson's callback, event for event, without a value built.
class CheckingSax {
 public:
  using Json = nlohmann::json;
  bool null() { return Value(false); }
  bool boolean(bool) { return Value(false); }
  bool number_integer(Json::number_integer_t) { return Value(false); }
  bool number_unsigned(Json::number_unsigned_t) { return Value(false); }
  bool number_float(Json::number_float_t, const Json::string_t&) { return Value(false); }
  bool string(Json::string_t&) { return Value(false); }
  bool binary(Json::binary_t&) { return Value(false); }
  bool start_object(std::size_t) {
    if (!Open(/*object=*/true)) return false;
    open_objects_.emplace_back();
    containers_.push_back(true);
    return true;
  }
  bool key(Json::string_t& key) {
    if (open_objects_.empty() || !open_objects_.back().insert(key).second) {
      abort_ = "duplicate key \"" + key + "\"";
      return false;
    }
    return true;
  }
  bool end_object() {
    open_objects_.pop_back();
    containers_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    if (!Open(/*object=*/false)) return false;
    containers_.push_back(false);
    return true;
  }
  bool end_array() {
    containers_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    syntax_error_ = e.what();
    return false;
  }

  bool is_object = false;
  std::optional<std::string> abort_;
  std::optional<std::string> syntax_error_;

 private:
  bool Value(bool object) {
    if (containers_.empty()) is_object = object;
    return true;
  }
  bool Open(bool object) {
    if (containers_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      abort_ = TooDeep();
      return false;
    }
    return Value(object);
  }
  std::vector<bool> containers_;  // open containers, innermost last: true for an object
  std::vector<std::set<std::string, std::less<>>> open_objects_;
};

}  // namespace

Result<bool> IsJsonObject(std::string_view text, std::string_view what) {
  CheckingSax sax;
  try {
    const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &sax,
                                              nlohmann::json::input_format_t::json,
                                              /*strict=*/true, /*ignore_comments=*/false);
    if (sax.abort_) return UnacceptableError(what, *sax.abort_);
    if (sax.syntax_error_) return SyntaxError(what, *sax.syntax_error_);
    if (!ok) return SyntaxError(what, "parse error");
  } catch (const nlohmann::json::exception& e) {
    return SyntaxError(what, e.what());
  }
  return sax.is_object;
}

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  std::vector<std::set<std::string, std::less<>>> open_objects;
  const nlohmann::json::parser_callback_t callback =
      [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) -> bool {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (depth >= kMaxJsonDepth) throw ParseAbort{TooDeep()};
        if (event == Event::object_start) open_objects.emplace_back();
        break;
      case Event::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (open_objects.empty() || !open_objects.back().insert(key).second) {
          throw ParseAbort{"duplicate key \"" + key + "\""};
        }
        break;
      }
      case Event::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/false);
  } catch (const ParseAbort& abort) {
    return UnacceptableError(what, abort.message);
  } catch (const nlohmann::json::exception& e) {
    return SyntaxError(what, e.what());
  }
}

std::string MarshalJson(const nlohmann::json& value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

void AppendJsonString(std::string& out, std::string_view text) { AppendGoString(out, text); }

std::string_view JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::binary:
      return "binary";
    case nlohmann::json::value_t::discarded:
      return "discarded";
  }
  return "unknown";
}

}  // namespace signet::notary
