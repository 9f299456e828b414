// Fuzzes imagesig::ParseSignatureManifest (signature manifests read from any registry).
//
// Invariants: a parsed manifest names exactly one envelope of a Notary media type within the
// size limit, and building a manifest from what was parsed gives bytes that parse back to the
// same subject, envelope and thumbprints.
#include <string>

#include "fuzz_check.h"
#include "imagesig/signature_manifest.h"
#include "notary/signature_envelope.h"

namespace signet {
namespace {

void FuzzSignatureManifest(std::string_view input) {
  Result<imagesig::SignatureManifest> parsed = imagesig::ParseSignatureManifest(input);
  if (!parsed.ok()) return;
  SIGNET_FUZZ_CHECK(parsed->envelope.media_type == notary::kJwsMediaType ||
                    parsed->envelope.media_type == notary::kCoseMediaType);
  SIGNET_FUZZ_CHECK(parsed->envelope.size <= notary::kMaxEnvelopeSize);
  std::vector<std::string> thumbprints = parsed->thumbprints;
  if (thumbprints.empty()) thumbprints.push_back("00");
  const Timestamp created = parsed->created.value_or(Timestamp{});
  Result<std::string> rebuilt =
      imagesig::BuildSignatureManifest(parsed->subject, parsed->envelope, thumbprints, created);
  if (!rebuilt.ok()) return;  // e.g. a subject without a media type: readable, not writable
  Result<imagesig::SignatureManifest> again = imagesig::ParseSignatureManifest(*rebuilt);
  SIGNET_FUZZ_CHECK(again.ok());
  SIGNET_FUZZ_CHECK(again->form == imagesig::SignatureManifestForm::kArtifactType);
  SIGNET_FUZZ_CHECK(again->subject.digest == parsed->subject.digest);
  SIGNET_FUZZ_CHECK(again->subject.size == parsed->subject.size);
  SIGNET_FUZZ_CHECK(again->envelope.digest == parsed->envelope.digest);
  SIGNET_FUZZ_CHECK(again->envelope.size == parsed->envelope.size);
  SIGNET_FUZZ_CHECK(again->thumbprints == thumbprints);
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzSignatureManifest(signet::fuzz::AsBytes(data, size));
  return 0;
}
