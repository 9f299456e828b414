#include "store/code_signing_config_record.h"

namespace signet::store {

std::string_view UntrustedArtifactPolicyName(UntrustedArtifactPolicy policy) {
  return policy == UntrustedArtifactPolicy::kEnforce ? "Enforce" : "Warn";
}

}  // namespace signet::store
