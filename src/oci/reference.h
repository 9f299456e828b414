// Image references: "registry/repository[:tag][@digest]", as docker, skopeo and notation read them.
//
// Without a registry the reference is on Docker Hub ("alpine" is docker.io/library/alpine). The
// first component is a registry when it contains '.' or ':' or is "localhost". Without a tag or a
// digest the tag is "latest", as `docker pull` assumes; callers that must not sign a moving tag
// look at `digest`.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace signet::oci {

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "ghcr.io"
  std::string repository;  // "library/alpine", "team/app"
  std::string tag;         // empty when only a digest was given
  std::string digest;      // "sha256:…" or empty

  // The canonical text: registry/repository[:tag][@digest].
  std::string ToString() const;
  // What a manifest request names: the digest when there is one, else the tag.
  const std::string& Identifier() const { return digest.empty() ? tag : digest; }
};

// InvalidArgument with the rule that was broken (upper-case letters in the repository, a tag
// over 128 characters, a malformed digest, ...).
Result<Reference> ParseReference(std::string_view text);

// The host an API request goes to: Docker Hub's "docker.io" is served by registry-1.docker.io.
std::string RegistryHost(std::string_view registry);

// The grammar of distribution/reference.
bool IsValidRepository(std::string_view repository);
bool IsValidTag(std::string_view tag);

}  // namespace signet::oci
