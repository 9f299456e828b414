#include "notary/json_codec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace signet::notary {
namespace {

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

// ParseJson's and IsJsonObject's SAX handler: the checks on untrusted JSON (no duplicate key,
// nesting at most kMaxJsonDepth) and, given a root, the value itself.
class JsonSax {
 public:
  using Json = nlohmann::json;
  // `root` receives the value; null: check only (nothing is allocated per member).
  explicit JsonSax(Json* root) : root_(root) {}

  bool null() { return Scalar(nullptr); }
  bool boolean(bool b) { return Scalar(b); }
  bool number_integer(Json::number_integer_t n) { return Scalar(n); }
  bool number_unsigned(Json::number_unsigned_t n) { return Scalar(n); }
  bool number_float(Json::number_float_t n, const Json::string_t&) { return Scalar(n); }
  bool string(Json::string_t& s) { return Scalar(std::move(s)); }
  bool binary(Json::binary_t& b) {  // (JSON text has none)
    return root_ == nullptr ? Scalar(nullptr) : Scalar(Json::binary(std::move(b)));
  }
  bool start_object(std::size_t) {
    if (!Open(Json::value_t::object)) return false;
    open_objects_.emplace_back();
    return true;
  }
  bool key(Json::string_t& key) {
    if (open_objects_.empty() || !open_objects_.back().insert(key).second) {
      abort_ = "duplicate key \"" + key + "\"";
      return false;
    }
    if (root_ != nullptr) key_ = std::move(key);
    return true;
  }
  bool end_object() {
    open_objects_.pop_back();
    return Close();
  }
  bool start_array(std::size_t) { return Open(Json::value_t::array); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    syntax_error_ = e.what();
    return false;
  }

  bool is_object = false;  // the top-level value is an object
  std::optional<std::string> abort_;
  std::optional<std::string> syntax_error_;

 private:
  // Places a value where the parse is (the root, the open array's end, the open object's key)
  // and returns it. Requires root_.
  Json* Place(Json&& value) {
    if (containers_.empty()) {
      *root_ = std::move(value);
      return root_;
    }
    Json& parent = *containers_.back();
    if (parent.is_array()) {
      // A pointer to the element stays valid while it is open: nothing is appended to the
      // array until it closes.
      parent.get_ref<Json::array_t&>().push_back(std::move(value));
      return &parent.get_ref<Json::array_t&>().back();
    }
    auto& members = parent.get_ref<Json::object_t&>();
    return &members.emplace(std::move(key_), std::move(value)).first->second;
  }
  template <typename T>
  bool Scalar(T&& value) {
    if (containers_.empty()) is_object = false;
    if (root_ != nullptr) Place(Json(std::forward<T>(value)));
    return true;
  }
  bool Open(Json::value_t type) {
    if (containers_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      abort_ = TooDeep();
      return false;
    }
    if (containers_.empty()) is_object = type == Json::value_t::object;
    containers_.push_back(root_ == nullptr ? nullptr : Place(Json(type)));
    return true;
  }
  bool Close() {
    containers_.pop_back();
    return true;
  }

  Json* const root_;
  std::vector<Json*> containers_;  // open containers, innermost last (null when checking)
  std::string key_;                // the open object's key awaiting its value
  std::vector<std::set<std::string, std::less<>>> open_objects_;
};

// Runs `sax` over `text`: ParseJson's and IsJsonObject's errors.
Status RunSax(std::string_view text, std::string_view what, JsonSax& sax) {
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
  return Status::Ok();
}

}  // namespace

Result<bool> IsJsonObject(std::string_view text, std::string_view what) {
  JsonSax sax(nullptr);
  SIGNET_RETURN_IF_ERROR(RunSax(text, what, sax));
  return sax.is_object;
}

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  nlohmann::json value;
  JsonSax sax(&value);
  SIGNET_RETURN_IF_ERROR(RunSax(text, what, sax));
  return value;
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
