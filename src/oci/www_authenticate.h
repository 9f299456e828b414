// The WWW-Authenticate challenge of a registry's 401 (RFC 7235 §4.1, as Docker's token
// authentication uses it): `Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"`
// or `Basic realm="..."`.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::oci {

struct AuthChallenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys lower-case, values unquoted

  // The parameter, or "" when absent.
  std::string Param(const std::string& name) const;
};

// Parses the first challenge of the header. InvalidArgument for a header that is not a challenge
// (unbalanced quotes, a parameter without '=', no scheme).
Result<AuthChallenge> ParseAuthChallenge(std::string_view header);

}  // namespace signet::oci
