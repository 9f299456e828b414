// The Notary Project signature payload (application/vnd.cncf.notary.payload.v1+json):
//
//   {"targetArtifact":{"annotations":{...},"digest":"sha384:…","mediaType":"…","size":N}}
//
// i.e. an OCI descriptor of what was signed. Serialization is the byte form notation-go signs:
// keys sorted, no whitespace, "annotations" omitted when empty (DESIGN.md §5).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::notary {

// An OCI content descriptor: the signed artifact (an image manifest or a ZIP package).
struct Descriptor {
  std::string media_type;
  std::string digest;  // "<algorithm>:<lower-case hex>", e.g. "sha256:60043c…"
  int64_t size = 0;
  std::map<std::string, std::string> annotations;

  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

// True when `a` and `b` name the same content (media type, digest and size; annotations are
// not compared), as OCI and notation-go's content.Equal do.
bool SameContent(const Descriptor& a, const Descriptor& b);

// The payload bytes for `target`. Does not validate `target`; see ValidateDescriptor.
std::string SerializePayload(const Descriptor& target);

// Checks the fields a signer must not get wrong: a media type, a well-formed digest of a
// supported algorithm (sha256, sha384, sha512), size ≥ 0.
Status ValidateDescriptor(const Descriptor& target);

// Parses payload bytes strictly: JSON object with exactly "targetArtifact"; typed fields;
// unknown descriptor fields other than the OCI-defined optional ones (urls, platform,
// artifactType, data) refused; the descriptor must pass ValidateDescriptor.
Result<Descriptor> ParsePayload(std::string_view payload);

}  // namespace signet::notary
