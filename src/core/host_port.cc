#include "core/host_port.h"

namespace signet {

std::optional<HostPort> SplitHostPort(std::string_view text) {
  HostPort out;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = text.substr(1, close - 1);
    out.bracketed = true;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return std::nullopt;
      out.port = rest.substr(1);
    }
    return out;
  }
  out.host = text;
  if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    out.host = text.substr(0, colon);
    out.port = text.substr(colon + 1);
  }
  return out;
}

}  // namespace signet
