// The container images of a Kubernetes object, wherever they hide, each with the JSON Pointer of
// its "image" string (what a JSON Patch pinning it replaces).
//
//   Pod (also the pods/ephemeralcontainers subresource, whose object is the Pod):  /spec
//   Deployment, ReplicaSet, StatefulSet, DaemonSet (apps), Job (batch),
//   ReplicationController (core):                                                 /spec/template/spec
//   CronJob (batch):                                              /spec/jobTemplate/spec/template/spec
//
// and in each pod spec: containers, initContainers, ephemeralContainers, in that order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "admission/admission_review.h"
#include "core/status.h"

namespace signet::admission {

struct ContainerImage {
  std::string image;      // as written in the object
  std::string pointer;    // "/spec/template/spec/initContainers/0/image"
  std::string container;  // the container's name ("" when it has none)
};

struct WorkloadImages {
  bool known_kind = false;  // false: a kind whose pod template signet does not know
  std::vector<ContainerImage> images;
};

// The images of `object`, an object of `kind`. An unknown kind is not an error (known_kind is
// false, no images). InvalidArgument, naming the JSON Pointer, when the object is not an object,
// a container list is not an array, a container not an object, or an image not a string.
// A pod spec without containers yields no images (the API server validates the rest).
Result<WorkloadImages> ExtractImages(const GroupVersionKind& kind, const nlohmann::json& object);

}  // namespace signet::admission
