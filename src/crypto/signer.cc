#include "crypto/signer.h"

namespace signet::crypto {

Result<std::string> Signer::Sign(std::string_view data) const {
  return SignDigest(Hash(HashForAlgorithm(algorithm()), data));
}

}  // namespace signet::crypto
