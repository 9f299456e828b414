// Fuzzes the CBOR decoder (notary/cbor.h), the one hand-written parser of untrusted bytes under
// COSE envelopes.
//
// Invariants: a decoded item spans the whole input; its deterministic encoding decodes to an
// equal value and re-encodes to the same bytes (so the decoder never accepts something the
// encoder cannot reproduce, e.g. a map whose keys collide once written in preferred form); and
// tighter limits only ever turn a success into a refusal.
#include <string>

#include "fuzz_check.h"
#include "notary/cbor.h"

namespace signet {
namespace {

void FuzzCbor(std::string_view input) {
  using notary::CborValue;

  const notary::CborLimits tight{.max_depth = 4, .max_items = 64};
  Result<CborValue> small = notary::DecodeCbor(input, tight);
  Result<CborValue> value = notary::DecodeCbor(input);
  if (small.ok()) SIGNET_FUZZ_CHECK(value.ok() && *small == *value);
  if (!value.ok()) return;

  SIGNET_FUZZ_CHECK(value->encoded_offset() == 0 && value->encoded_size() == input.size());
  const std::string encoded = notary::EncodeCbor(*value);
  Result<CborValue> again = notary::DecodeCbor(encoded);
  SIGNET_FUZZ_CHECK(again.ok());
  SIGNET_FUZZ_CHECK(*again == *value);
  SIGNET_FUZZ_CHECK(notary::EncodeCbor(*again) == encoded);
  // The preferred encoding is never longer than the one received.
  SIGNET_FUZZ_CHECK(encoded.size() <= input.size());
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzCbor(signet::fuzz::AsBytes(data, size));
  return 0;
}
