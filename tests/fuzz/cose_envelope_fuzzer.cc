// Fuzzes notary::ParseCoseEnvelope (COSE_Sign1 envelopes from OCI referrers and notation).
//
// Invariants: a parsed envelope satisfies CheckEnvelopeContent; signed_bytes is the RFC 9052
// Sig_structure ["Signature1", protected exactly as received, h'', payload]; and the same
// envelope written in deterministic CBOR parses to the same content (only the protected bucket's
// own bytes are kept as sent, so at most signed_bytes may differ).
#include <string>

#include "envelope_checks.h"
#include "notary/cbor.h"
#include "notary/cose_envelope.h"

namespace signet {
namespace {

void FuzzCoseEnvelope(std::string_view input) {
  using notary::CborValue;

  Result<notary::EnvelopeContent> content = notary::ParseCoseEnvelope(input);
  if (!content.ok()) return;
  fuzz::CheckEnvelopeContent(*content, notary::kCoseMediaType);

  Result<CborValue> envelope = notary::DecodeCbor(input);
  SIGNET_FUZZ_CHECK(envelope.ok() && envelope->is_tag() && envelope->argument() == 18);
  const CborValue& sign1 = envelope->tag_content();
  SIGNET_FUZZ_CHECK(sign1.is_array() && sign1.items().size() == 4);
  const CborValue& protected_bucket = sign1.items()[0];
  SIGNET_FUZZ_CHECK(protected_bucket.is_bytes());

  Result<CborValue> sig_structure = notary::DecodeCbor(content->signed_bytes);
  SIGNET_FUZZ_CHECK(sig_structure.ok() && sig_structure->is_array());
  const auto& parts = sig_structure->items();
  SIGNET_FUZZ_CHECK(parts.size() == 4);
  SIGNET_FUZZ_CHECK(parts[0] == CborValue::Text("Signature1"));
  SIGNET_FUZZ_CHECK(parts[1] == protected_bucket);
  SIGNET_FUZZ_CHECK(
      input.substr(protected_bucket.encoded_offset(), protected_bucket.encoded_size()) ==
      std::string_view(content->signed_bytes)
          .substr(parts[1].encoded_offset(), parts[1].encoded_size()));
  SIGNET_FUZZ_CHECK(parts[2] == CborValue::Bytes(""));
  SIGNET_FUZZ_CHECK(parts[3] == CborValue::Bytes(content->payload));

  Result<notary::EnvelopeContent> canonical =
      notary::ParseCoseEnvelope(notary::EncodeCbor(*envelope));
  SIGNET_FUZZ_CHECK(canonical.ok());
  canonical->signed_bytes = content->signed_bytes;
  SIGNET_FUZZ_CHECK(fuzz::SameEnvelopeContent(*canonical, *content));
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzCoseEnvelope(signet::fuzz::AsBytes(data, size));
  return 0;
}
