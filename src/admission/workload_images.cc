#include "admission/workload_images.h"

#include <array>
#include <optional>

namespace signet::admission {
namespace {

using Json = nlohmann::json;

// The path from the object to its pod spec, by kind; nullopt for a kind signet does not read.
std::optional<std::vector<std::string>> PodSpecPath(const GroupVersionKind& kind) {
  const std::string& g = kind.group;
  const std::string& k = kind.kind;
  if (g.empty() && k == "Pod") return std::vector<std::string>{"spec"};
  if ((g.empty() && k == "ReplicationController") ||
      (g == "apps" && (k == "Deployment" || k == "ReplicaSet" || k == "StatefulSet" ||
                       k == "DaemonSet")) ||
      (g == "batch" && k == "Job")) {
    return std::vector<std::string>{"spec", "template", "spec"};
  }
  if (g == "batch" && k == "CronJob") {
    return std::vector<std::string>{"spec", "jobTemplate", "spec", "template", "spec"};
  }
  return std::nullopt;
}

Status AppendContainers(const Json& pod_spec, const std::string& spec_pointer, const char* list,
                        std::vector<ContainerImage>& out) {
  auto it = pod_spec.find(list);
  if (it == pod_spec.end() || it->is_null()) return Status::Ok();
  const std::string list_pointer = spec_pointer + "/" + list;
  if (!it->is_array()) return InvalidArgumentError(list_pointer + " must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& container = (*it)[i];
    const std::string pointer = list_pointer + "/" + std::to_string(i);
    if (!container.is_object()) return InvalidArgumentError(pointer + " must be an object");
    ContainerImage entry;
    entry.pointer = pointer + "/image";
    auto image = container.find("image");
    if (image == container.end() || !image->is_string()) {
      return InvalidArgumentError(entry.pointer + " must be a string");
    }
    entry.image = image->get<std::string>();
    if (auto name = container.find("name"); name != container.end() && name->is_string()) {
      entry.container = name->get<std::string>();
    }
    out.push_back(std::move(entry));
  }
  return Status::Ok();
}

}  // namespace

Result<WorkloadImages> ExtractImages(const GroupVersionKind& kind, const Json& object) {
  WorkloadImages out;
  std::optional<std::vector<std::string>> path = PodSpecPath(kind);
  if (!path) return out;
  out.known_kind = true;
  if (!object.is_object()) return InvalidArgumentError("the " + kind.kind + " is not an object");
  const Json* node = &object;
  std::string pointer;
  for (const std::string& member : *path) {
    pointer += "/" + member;
    auto it = node->find(member);
    if (it == node->end() || it->is_null()) return out;  // nothing to run
    if (!it->is_object()) return InvalidArgumentError(pointer + " must be an object");
    node = &*it;
  }
  static constexpr std::array<const char*, 3> kLists = {"containers", "initContainers",
                                                        "ephemeralContainers"};
  for (const char* list : kLists) {
    SIGNET_RETURN_IF_ERROR(AppendContainers(*node, pointer, list, out.images));
  }
  return out;
}

}  // namespace signet::admission
