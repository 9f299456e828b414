#include "oci/manifest.h"

#include <nlohmann/json.hpp>

#include "oci/digest.h"

namespace signet::oci {
namespace {

using nlohmann::json;

Result<std::string> StringField(const json& object, const char* name, std::string_view where) {
  auto it = object.find(name);
  if (it == object.end()) return std::string();
  if (!it->is_string()) {
    return InvalidArgumentError(std::string(where) + "." + name + " must be a string");
  }
  return it->get<std::string>();
}

Result<std::map<std::string, std::string>> Annotations(const json& object, std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = object.find("annotations");
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) return InvalidArgumentError(std::string(where) + ".annotations must be an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) {
      return InvalidArgumentError(std::string(where) + ".annotations[\"" + key +
                                  "\"] must be a string");
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

Result<Descriptor> ParseDescriptor(const json& value, const std::string& where) {
  if (!value.is_object()) return InvalidArgumentError(where + " must be a descriptor object");
  Descriptor d;
  SIGNET_ASSIGN_OR_RETURN(d.media_type, StringField(value, "mediaType", where));
  SIGNET_ASSIGN_OR_RETURN(d.digest, StringField(value, "digest", where));
  SIGNET_ASSIGN_OR_RETURN(d.artifact_type, StringField(value, "artifactType", where));
  Status valid = ValidateDigest(d.digest);
  if (!valid.ok()) return valid.WithContext(where + ".digest");
  auto size = value.find("size");
  if (size == value.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    return InvalidArgumentError(where + ".size must be a non-negative integer");
  }
  d.size = size->get<uint64_t>();
  SIGNET_ASSIGN_OR_RETURN(d.annotations, Annotations(value, where));
  return d;
}

Result<std::vector<Descriptor>> DescriptorList(const json& object, const char* name) {
  std::vector<Descriptor> out;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgumentError(std::string(name) + " must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(Descriptor d,
                            ParseDescriptor((*it)[i], std::string(name) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(d));
  }
  return out;
}

json DescriptorJson(const Descriptor& d) {
  json out = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) out["artifactType"] = d.artifact_type;
  if (!d.annotations.empty()) out["annotations"] = d.annotations;
  return out;
}

}  // namespace

bool IsManifestMediaType(std::string_view media_type) {
  return media_type == kOciManifestMediaType || media_type == kOciIndexMediaType ||
         media_type == kDockerManifestMediaType || media_type == kDockerManifestListMediaType;
}

bool IsIndexMediaType(std::string_view media_type) {
  return media_type == kOciIndexMediaType || media_type == kDockerManifestListMediaType;
}

Result<ManifestInfo> ParseManifest(std::string_view bytes) {
  json doc;
  try {
    doc = json::parse(bytes);
  } catch (const json::exception& e) {
    return InvalidArgumentError(std::string("manifest is not JSON: ") + e.what());
  }
  if (!doc.is_object()) return InvalidArgumentError("manifest must be a JSON object");
  auto version = doc.find("schemaVersion");
  if (version == doc.end() || !version->is_number_integer() || version->get<int64_t>() != 2) {
    return InvalidArgumentError("manifest schemaVersion must be 2");
  }
  ManifestInfo out;
  SIGNET_ASSIGN_OR_RETURN(out.media_type, StringField(doc, "mediaType", "manifest"));
  SIGNET_ASSIGN_OR_RETURN(out.artifact_type, StringField(doc, "artifactType", "manifest"));
  if (auto config = doc.find("config"); config != doc.end()) {
    SIGNET_ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(*config, "config"));
    out.config = std::move(d);
  }
  if (auto subject = doc.find("subject"); subject != doc.end() && !subject->is_null()) {
    SIGNET_ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(*subject, "subject"));
    out.subject = std::move(d);
  }
  SIGNET_ASSIGN_OR_RETURN(out.layers, DescriptorList(doc, "layers"));
  SIGNET_ASSIGN_OR_RETURN(out.manifests, DescriptorList(doc, "manifests"));
  SIGNET_ASSIGN_OR_RETURN(out.annotations, Annotations(doc, "manifest"));
  return out;
}

Descriptor ReferrerDescriptor(const ManifestInfo& manifest, std::string_view media_type,
                              std::string_view digest, uint64_t size) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = std::string(digest);
  d.size = size;
  d.artifact_type = manifest.artifact_type;
  if (d.artifact_type.empty() && manifest.config) d.artifact_type = manifest.config->media_type;
  d.annotations = manifest.annotations;
  return d;
}

std::string SerializeIndex(const std::vector<Descriptor>& manifests) {
  json list = json::array();
  for (const Descriptor& d : manifests) list.push_back(DescriptorJson(d));
  json index = {{"schemaVersion", 2}, {"mediaType", kOciIndexMediaType}, {"manifests", list}};
  return index.dump();
}

std::string SerializeDescriptor(const Descriptor& descriptor) {
  return DescriptorJson(descriptor).dump();
}

Descriptor EmptyConfigDescriptor() {
  Descriptor d;
  d.media_type = std::string(kOciEmptyMediaType);
  d.digest = Sha256Digest(kEmptyJsonBlob);
  d.size = kEmptyJsonBlob.size();
  return d;
}

std::string SerializeArtifactManifest(std::string_view artifact_type,
                                      const std::vector<Descriptor>& layers,
                                      const std::optional<Descriptor>& subject,
                                      const std::map<std::string, std::string>& annotations) {
  json layer_list = json::array();
  for (const Descriptor& d : layers) layer_list.push_back(DescriptorJson(d));
  json doc = {{"schemaVersion", 2},
              {"mediaType", kOciManifestMediaType},
              {"artifactType", artifact_type},
              {"config", DescriptorJson(EmptyConfigDescriptor())},
              {"layers", layer_list}};
  if (subject) {
    doc["subject"] = {{"mediaType", subject->media_type},
                      {"digest", subject->digest},
                      {"size", subject->size}};
  }
  if (!annotations.empty()) doc["annotations"] = annotations;
  return doc.dump();
}

}  // namespace signet::oci
