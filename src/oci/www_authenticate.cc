#include "oci/www_authenticate.h"

#include <cctype>

namespace signet::oci {
namespace {

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~/:").find(c) != std::string_view::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void SkipSpace(std::string_view text, size_t& i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
}

}  // namespace

std::string AuthChallenge::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

Result<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgumentError("registry sent an unreadable WWW-Authenticate header (" +
                                std::string(why) + "): " + std::string(header.substr(0, 200)));
  };
  AuthChallenge out;
  size_t i = 0;
  SkipSpace(header, i);
  const size_t scheme_start = i;
  while (i < header.size() && IsTokenChar(header[i])) ++i;
  if (i == scheme_start) return bad("no scheme");
  out.scheme = Lower(header.substr(scheme_start, i - scheme_start));
  while (true) {
    SkipSpace(header, i);
    while (i < header.size() && header[i] == ',') {
      ++i;
      SkipSpace(header, i);
    }
    if (i >= header.size()) break;
    const size_t name_start = i;
    while (i < header.size() && IsTokenChar(header[i])) ++i;
    if (i == name_start) return bad("unexpected character");
    const std::string name = Lower(header.substr(name_start, i - name_start));
    SkipSpace(header, i);
    if (i >= header.size() || header[i] != '=') {
      // A token after the parameters starts the next challenge: only the first one is read.
      if (!out.params.empty()) break;
      return bad("parameter '" + name + "' without a value");
    }
    ++i;
    SkipSpace(header, i);
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        const char c = header[i++];
        if (c == '\\' && i < header.size()) {
          value += header[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return bad("unterminated quoted string");
    } else {
      const size_t value_start = i;
      while (i < header.size() && IsTokenChar(header[i])) ++i;
      value = std::string(header.substr(value_start, i - value_start));
    }
    out.params[name] = std::move(value);
  }
  return out;
}

}  // namespace signet::oci
