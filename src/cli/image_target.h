// ImageTarget: the image a `signet … image REF` command works on, and the registry options every
// image command shares.
//
// REF is "registry/repository[:tag][@digest]" (oci/reference.h), or, with --oci-layout DIR, a tag
// or a digest inside that layout. Registries are reached over HTTPS (system trust store, or
// --registry-ca), or over plain HTTP when named with --insecure-registry HOST[:PORT]. Credentials:
// --username with --password or --password-stdin, else the `auths` of the Docker client config
// ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), else anonymous.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "oci/repository.h"

namespace CLI {
class App;
}

namespace signet::cli {

struct RegistryFlags {
  std::vector<std::string> insecure_registries;
  std::string registry_ca;
  std::string username;
  std::string password;
  bool password_stdin = false;
  std::string oci_layout;  // non-empty: REF names an image in this layout directory
};

// Adds --insecure-registry, --registry-ca, --username, --password, --password-stdin and
// --oci-layout to `command`.
void AddRegistryOptions(CLI::App* command, RegistryFlags& flags);

struct ImageTarget {
  std::unique_ptr<oci::Repository> repository;
  // What trust policies and reports call the image: "registry/repository" ("" for a layout,
  // whose images have no registry name; "local/<dir name>" is used for scope matching).
  std::string repository_name;
  std::string identifier;  // the tag or digest REF names within the repository
  bool is_layout = false;
};

// Opens the repository REF names. `password_input` is read (one line) for --password-stdin.
// InvalidArgument for a malformed reference or inconsistent flags; errors of the oci module
// otherwise.
Result<ImageTarget> OpenImageTarget(const std::string& ref, const RegistryFlags& flags,
                                    std::istream& password_input);

// "signet: " + the message of a failure to reach an image, with a hint for the usual causes
// (a plain-HTTP registry not named insecure, a login needed).
std::string DescribeRegistryError(const Status& status);

}  // namespace signet::cli
