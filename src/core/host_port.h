// HOST[:PORT] as URLs, registry names and listen addresses write it: HOST is a name, an IPv4
// address or a bracketed IPv6 address ("[::1]:5000").
#pragma once

#include <optional>
#include <string_view>

namespace signet {

struct HostPort {
  std::string_view host;                 // without the brackets of an IPv6 address
  std::optional<std::string_view> port;  // the text after the separating ':' (maybe empty)
  bool bracketed = false;                // host was written in brackets
};

// Splits `text` (views into it). Only the structure is checked: nullopt for an unclosed '[' or
// a ']' followed by anything but ":PORT". Callers check the host's characters and the port.
std::optional<HostPort> SplitHostPort(std::string_view text);

}  // namespace signet
