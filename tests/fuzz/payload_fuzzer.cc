// Fuzzes notary::ParsePayload (the signed Notary payload, read from every envelope).
//
// Invariants: a parsed descriptor is valid, and serializing it gives bytes that parse back to an
// equal descriptor and serialize identically.
#include <string>

#include "fuzz_check.h"
#include "notary/payload.h"

namespace signet {
namespace {

void FuzzPayload(std::string_view input) {
  Result<notary::Descriptor> parsed = notary::ParsePayload(input);
  if (!parsed.ok()) return;
  SIGNET_FUZZ_CHECK(notary::ValidateDescriptor(*parsed).ok());
  SIGNET_FUZZ_CHECK(notary::SameContent(*parsed, *parsed));
  const std::string serialized = notary::SerializePayload(*parsed);
  Result<notary::Descriptor> again = notary::ParsePayload(serialized);
  SIGNET_FUZZ_CHECK(again.ok());
  SIGNET_FUZZ_CHECK(*again == *parsed);
  SIGNET_FUZZ_CHECK(notary::SerializePayload(*again) == serialized);
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzPayload(signet::fuzz::AsBytes(data, size));
  return 0;
}
