#include "oci/referrers_index.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace signet::oci {
namespace {

using nlohmann::json;

// The index as JSON, after checking it is one (ParseManifest validates every descriptor).
Result<json> ParseIndex(std::string_view bytes) {
  SIGNET_ASSIGN_OR_RETURN(ManifestInfo info, ParseManifest(bytes));
  if (info.media_type != kOciIndexMediaType) {
    return InvalidArgumentError("the referrers tag holds a " +
                                (info.media_type.empty() ? std::string("document without mediaType")
                                                         : info.media_type) +
                                ", not an OCI image index");
  }
  json doc = json::parse(bytes);
  if (!doc.contains("manifests")) doc["manifests"] = json::array();
  return doc;
}

}  // namespace

Result<std::optional<std::string>> AddToReferrersIndex(std::optional<std::string_view> current,
                                                       const Descriptor& referrer) {
  json doc = {{"schemaVersion", 2}, {"mediaType", kOciIndexMediaType}, {"manifests", json::array()}};
  if (current) {
    SIGNET_ASSIGN_OR_RETURN(doc, ParseIndex(*current));
    for (const json& entry : doc["manifests"]) {
      if (entry.value("digest", "") == referrer.digest) return std::optional<std::string>();
    }
  }
  doc["manifests"].push_back(json::parse(SerializeDescriptor(referrer)));
  return std::optional<std::string>(doc.dump());
}

Result<std::optional<std::string>> RemoveFromReferrersIndex(std::string_view current,
                                                            std::string_view digest) {
  SIGNET_ASSIGN_OR_RETURN(json doc, ParseIndex(current));
  json& list = doc["manifests"];
  const size_t before = list.size();
  json kept = json::array();
  for (json& entry : list) {
    if (entry.value("digest", "") != digest) kept.push_back(std::move(entry));
  }
  if (kept.size() == before) return std::optional<std::string>();
  list = std::move(kept);
  return std::optional<std::string>(doc.dump());
}

std::vector<Descriptor> FilterByArtifactType(std::vector<Descriptor> descriptors,
                                             std::string_view artifact_type) {
  if (artifact_type.empty()) return descriptors;
  std::erase_if(descriptors,
                [&](const Descriptor& d) { return d.artifact_type != artifact_type; });
  return descriptors;
}

}  // namespace signet::oci
