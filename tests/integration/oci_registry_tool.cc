// oci_registry_tool: drives the oci module from the integration tests, against a real registry
// (REF = registry/repo[:tag][@digest]) or, with --oci-layout DIR, a layout (REF = tag or digest).
//   resolve REF                       prints "DIGEST MEDIATYPE SIZE"
//   fetch-manifest REF                writes the manifest bytes to stdout
//   push-referrer REF --artifact-type T --layer-file F [--layer-media-type M] [--annotation K=V]
//                                     pushes an artifact whose subject is REF; prints its digest
//                                     and then "warning: …" lines
//   referrers REF [--artifact-type T] prints the referrers' digests, one a line
//   delete REF DIGEST                 deletes the manifest DIGEST; prints "warning: …" lines
// Errors go to stderr as the Status text and exit 2. Test-only: the product's commands are
// `signet sign image` / `signet verify image`.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "oci/digest.h"
#include "oci/image_layout.h"
#include "oci/reference.h"
#include "oci/registry_repository.h"

using namespace signet;
using namespace signet::oci;

namespace {

int Fail(const Status& s) {
  std::cerr << "oci_registry_tool: " << s.ToString() << "\n";
  return 2;
}

struct Target {
  std::unique_ptr<Repository> repository;
  std::string identifier;  // tag or digest within the repository
};

Result<Target> OpenTarget(const std::string& ref, const std::string& layout,
                          RegistryOptions options) {
  Target out;
  if (!layout.empty()) {
    SIGNET_ASSIGN_OR_RETURN(out.repository, ImageLayout::Open(layout));
    out.identifier = ref;
    return out;
  }
  SIGNET_ASSIGN_OR_RETURN(Reference reference, ParseReference(ref));
  SIGNET_ASSIGN_OR_RETURN(out.repository, RegistryRepository::Open(reference, std::move(options)));
  out.identifier = reference.Identifier();
  return out;
}

void PrintWarnings(const Warnings& warnings) {
  for (const std::string& w : warnings) std::cout << "warning: " << w << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"oci module driver for the integration tests"};
  app.require_subcommand(1);
  RegistryOptions options;
  std::vector<std::string> insecure;
  std::string ca_file, username, password, docker_config, layout;
  app.add_option("--insecure-registry", insecure);
  app.add_option("--ca-file", ca_file);
  app.add_option("--username", username);
  app.add_option("--password", password);
  app.add_option("--docker-config", docker_config);
  app.add_option("--oci-layout", layout);
  std::string ref, artifact_type, layer_file, layer_media_type = "application/jose+json", digest;
  std::vector<std::string> annotations;
  CLI::App* resolve = app.add_subcommand("resolve");
  resolve->add_option("REF", ref)->required();
  CLI::App* fetch = app.add_subcommand("fetch-manifest");
  fetch->add_option("REF", ref)->required();
  CLI::App* push = app.add_subcommand("push-referrer");
  push->add_option("REF", ref)->required();
  push->add_option("--artifact-type", artifact_type)->required();
  push->add_option("--layer-file", layer_file)->required();
  push->add_option("--layer-media-type", layer_media_type);
  push->add_option("--annotation", annotations);
  CLI::App* referrers = app.add_subcommand("referrers");
  referrers->add_option("REF", ref)->required();
  referrers->add_option("--artifact-type", artifact_type);
  CLI::App* del = app.add_subcommand("delete");
  del->add_option("REF", ref)->required();
  del->add_option("DIGEST", digest)->required();
  CLI11_PARSE(app, argc, argv);

  options.insecure_registries = insecure;
  options.ca_file = ca_file;
  options.docker_config = docker_config;
  if (!username.empty()) options.credentials = RegistryCredentials{username, SecretBytes(password)};
  auto target = OpenTarget(ref, layout, options);
  if (!target.ok()) return Fail(target.status());
  Repository& repo = *target->repository;

  if (*resolve) {
    auto d = repo.Resolve(target->identifier);
    if (!d.ok()) return Fail(d.status());
    std::cout << d->digest << " " << d->media_type << " " << d->size << "\n";
  } else if (*fetch) {
    auto m = repo.FetchManifest(target->identifier);
    if (!m.ok()) return Fail(m.status());
    std::cout << m->bytes;
  } else if (*push) {
    auto subject = repo.Resolve(target->identifier);
    if (!subject.ok()) return Fail(subject.status());
    std::ifstream in(layer_file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    Descriptor layer{layer_media_type, Sha256Digest(content.str()), content.str().size(), "", {}};
    std::map<std::string, std::string> notes;
    for (const std::string& a : annotations) notes[a.substr(0, a.find('='))] = a.substr(a.find('=') + 1);
    Status s = repo.PushBlob(layer.digest, content.str());
    if (s.ok()) s = repo.PushBlob(EmptyConfigDescriptor().digest, kEmptyJsonBlob);
    if (!s.ok()) return Fail(s);
    const std::string manifest = SerializeArtifactManifest(artifact_type, {layer}, *subject, notes);
    auto pushed = repo.PushManifest(kOciManifestMediaType, manifest);
    if (!pushed.ok()) return Fail(pushed.status());
    std::cout << pushed->descriptor.digest << "\n";
    PrintWarnings(pushed->warnings);
  } else if (*referrers) {
    auto subject = repo.Resolve(target->identifier);
    if (!subject.ok()) return Fail(subject.status());
    auto list = repo.Referrers(subject->digest, artifact_type);
    if (!list.ok()) return Fail(list.status());
    for (const Descriptor& d : *list) std::cout << d.digest << "\n";
  } else if (*del) {
    auto warnings = repo.DeleteManifest(digest);
    if (!warnings.ok()) return Fail(warnings.status());
    PrintWarnings(*warnings);
  }
  return 0;
}
