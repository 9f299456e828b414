// Tags: the key/value labels AWS Signer attaches to a signing profile (TagResource,
// UntagResource, ListTagsForResource, and the `tags` of PutSigningProfile).
//
// Tags belong to the profile, not to a version: every version of a profile reports the same tags.
// Key and value syntax (1..128 / 0..256 characters, no "aws:" prefix) is the API layer's to
// check; the Store enforces only the per-resource count, because only it can do so atomically.
#pragma once

#include <map>
#include <string>

namespace signet::store {

using TagMap = std::map<std::string, std::string>;

// AWS's limit on tags per resource (TagMap max 200).
inline constexpr size_t kMaxTagsPerResource = 200;

}  // namespace signet::store
