#include "cli/image_target.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <istream>

#include "oci/image_layout.h"
#include "oci/reference.h"
#include "oci/registry_repository.h"

namespace signet::cli {
namespace {

namespace fs = std::filesystem;

// The name a layout's images go by in trust policies and reports: "local/<directory name>",
// lower-cased and reduced to the repository grammar, so that a registry scope can select it.
std::string LayoutRepositoryName(const std::string& dir) {
  std::string base = fs::path(dir).lexically_normal().filename().string();
  if (base.empty() || base == "." || base == "..") {
    std::error_code ec;
    base = fs::absolute(dir, ec).lexically_normal().parent_path().filename().string();
  }
  std::string name;
  for (char c : base) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      name += static_cast<char>(std::tolower(u));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.empty() || !oci::IsValidRepository("local/" + name)) name = "layout";
  return "local/" + name;
}

}  // namespace

void AddRegistryOptions(CLI::App* command, RegistryFlags& flags) {
  command->add_option("--insecure-registry", flags.insecure_registries,
                      "Registry HOST[:PORT] to reach over plain HTTP; repeatable");
  command->add_option("--registry-ca", flags.registry_ca,
                      "PEM bundle of CA certificates to trust for registries (default: the "
                      "system trust store)");
  command->add_option("--username,-u", flags.username, "Registry user name");
  command->add_option("--password,-p", flags.password,
                      "Registry password or token (visible to other local users: prefer "
                      "--password-stdin)");
  command->add_flag("--password-stdin", flags.password_stdin,
                    "Read the registry password from the first line of stdin");
  command->add_option("--oci-layout", flags.oci_layout,
                      "OCI image layout directory: REF is then a tag or a digest in it");
}

Result<ImageTarget> OpenImageTarget(const std::string& ref, const RegistryFlags& flags,
                                    std::istream& password_input) {
  ImageTarget out;
  if (!flags.oci_layout.empty()) {
    if (!flags.username.empty() || !flags.password.empty() || flags.password_stdin) {
      return InvalidArgumentError("--oci-layout takes no registry credentials");
    }
    if (ref.empty() || ref.find('/') != std::string::npos) {
      return InvalidArgumentError("with --oci-layout, REF is a tag or a digest in the layout, not \"" +
                                  ref + "\"");
    }
    SIGNET_ASSIGN_OR_RETURN(out.repository, oci::ImageLayout::Open(flags.oci_layout));
    out.repository_name = LayoutRepositoryName(flags.oci_layout);
    out.identifier = ref;
    out.is_layout = true;
    return out;
  }
  SIGNET_ASSIGN_OR_RETURN(oci::Reference reference, oci::ParseReference(ref));
  oci::RegistryOptions options;
  options.insecure_registries = flags.insecure_registries;
  options.ca_file = flags.registry_ca;
  if (!flags.password.empty() && flags.password_stdin) {
    return InvalidArgumentError("--password and --password-stdin exclude each other");
  }
  if ((!flags.password.empty() || flags.password_stdin) && flags.username.empty()) {
    return InvalidArgumentError("a registry password needs --username");
  }
  if (!flags.username.empty()) {
    std::string password = flags.password;
    if (flags.password_stdin) {
      std::getline(password_input, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
    }
    if (password.empty()) {
      return InvalidArgumentError("--username needs a password (--password or --password-stdin)");
    }
    options.credentials = oci::RegistryCredentials{flags.username, SecretBytes(password)};
    SecureWipe(password);
  }
  SIGNET_ASSIGN_OR_RETURN(out.repository, oci::RegistryRepository::Open(reference, std::move(options)));
  out.repository_name = reference.registry + "/" + reference.repository;
  out.identifier = reference.Identifier();
  return out;
}

std::string DescribeRegistryError(const Status& status) {
  std::string text = "signet: " + status.message();
  const std::string& m = status.message();
  if (status.code() == ErrorCode::kPermissionDenied && m.find("requires a login") != std::string::npos) {
    text += "\nsignet: pass --username and --password-stdin, or log in with `docker login` / "
            "`skopeo login --authfile ~/.docker/config.json`";
  } else if (m.find("insecure registry") != std::string::npos) {
    text += "\nsignet: a registry serving plain HTTP is named with --insecure-registry HOST:PORT";
  } else if (m.find("not trusted") != std::string::npos) {
    text += "\nsignet: pass the registry's CA certificate with --registry-ca FILE";
  }
  return text;
}

}  // namespace signet::cli
