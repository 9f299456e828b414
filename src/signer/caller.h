// Caller: who is asking, once the API layer has authenticated the request (SigV4 access key →
// account and principal, DESIGN.md §3). Every SignerService operation takes one; authorisation
// (owner or permission statement) is decided from it.
#pragma once

#include <string>

namespace signet::signer {

struct Caller {
  std::string account;        // 12 digits
  std::string principal_arn;  // e.g. arn:aws:iam::000000000000:user/admin
};

}  // namespace signet::signer
