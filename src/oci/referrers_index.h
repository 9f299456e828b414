// The referrers tag schema (OCI distribution spec 1.1, "Referrers Tag Schema"): for registries
// without the Referrers API, the referrers of sha256:<hex> are listed in an image index tagged
// sha256-<hex>. These functions are the pure index edits; RegistryRepository does the I/O.
//
// Edits keep every other entry and field of the index as it was (another tool's referrers, a
// platform field), and they are idempotent, so two clients that race lose at most an entry,
// which the next push of that referrer restores.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "oci/manifest.h"

namespace signet::oci {

// The index with `referrer` appended. `current` is the index now under the tag (nullopt when
// there is none). nullopt result: `referrer` is listed already, nothing to push.
// InvalidArgument when `current` is not an OCI image index.
Result<std::optional<std::string>> AddToReferrersIndex(std::optional<std::string_view> current,
                                                       const Descriptor& referrer);

// The index without the entries for `digest`; nullopt when none was listed.
Result<std::optional<std::string>> RemoveFromReferrersIndex(std::string_view current,
                                                            std::string_view digest);

// The descriptors whose artifactType is `artifact_type` (all of them when it is empty).
std::vector<Descriptor> FilterByArtifactType(std::vector<Descriptor> descriptors,
                                             std::string_view artifact_type);

}  // namespace signet::oci
