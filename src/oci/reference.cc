#include "oci/reference.h"

#include <optional>
#include <string>

#include "core/host_port.h"
#include "oci/digest.h"

namespace signet::oci {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
bool IsValidPathComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  size_t i = 0;
  while (i < c.size()) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !IsLowerAlnum(c[j])) ++j;
    const std::string_view sep = c.substr(i, j - i);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// host[:port], where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
bool IsValidRegistry(std::string_view registry) {
  if (registry.empty() || registry.size() > 255) return false;
  const std::optional<HostPort> parts = SplitHostPort(registry);
  if (!parts) return false;
  if (const auto& port = parts->port;
      port && (port->empty() || port->size() > 5 ||
               port->find_first_not_of("0123456789") != std::string_view::npos)) {
    return false;
  }
  if (parts->bracketed) return true;
  const std::string_view host = parts->host;
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return false;
  }
  return host.front() != '-' && host.front() != '.';
}

}  // namespace

bool IsValidRepository(std::string_view repository) {
  if (repository.empty() || repository.size() > 255) return false;
  size_t start = 0;
  while (true) {
    const size_t slash = repository.find('/', start);
    if (!IsValidPathComponent(repository.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

std::string Reference::ToString() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Result<Reference> ParseReference(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  Reference ref;
  std::string_view rest = text;
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    Status valid = ValidateDigest(ref.digest);
    if (!valid.ok()) return valid.WithContext("image reference " + quoted);
    rest = rest.substr(0, at);
  }
  const size_t last_slash = rest.rfind('/');
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!IsValidTag(ref.tag)) {
      return InvalidArgumentError("image reference " + quoted + ": tag '" + ref.tag +
                                  "' must be 1-128 of [A-Za-z0-9_.-], not starting with . or -");
    }
    rest = rest.substr(0, colon);
  }
  const size_t slash = rest.find('/');
  std::string_view first = rest.substr(0, slash);
  const bool has_registry = slash != std::string_view::npos &&
                            (first.find_first_of(".:") != std::string_view::npos ||
                             first == "localhost" || first.front() == '[');
  if (has_registry) {
    if (!IsValidRegistry(first)) {
      return InvalidArgumentError("image reference " + quoted + ": '" + std::string(first) +
                                  "' is not a registry host[:port]");
    }
    ref.registry = std::string(first);
    rest = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") {
    ref.registry = "docker.io";
  }
  ref.repository = std::string(rest);
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (!IsValidRepository(ref.repository)) {
    return InvalidArgumentError(
        "image reference " + quoted + ": repository '" + ref.repository +
        "' must be lower-case letters and digits in /-separated parts joined by . _ __ or -");
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string RegistryHost(std::string_view registry) {
  if (registry == "docker.io") return "registry-1.docker.io";
  return std::string(registry);
}

}  // namespace signet::oci
