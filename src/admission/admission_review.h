// AdmissionReview (admission.k8s.io/v1): what the Kubernetes API server posts to a webhook and
// what the webhook answers (Kubernetes docs, "Dynamic Admission Control").
//
//   request:  {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":…,
//              "kind":{"group","version","kind"},"resource":{…,"resource"},"subResource":…,
//              "namespace":…,"name":…,"operation":"CREATE"|…,"dryRun":bool,"object":{…}}}
//   response: {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":
//              <request uid>,"allowed":bool,"status":{"code":403,"message":…},"warnings":[…],
//              "patchType":"JSONPatch","patch":<base64 of a JSON Patch array>}}
//
// Decoding validates the envelope only (the object is read by workload_images.h); anything
// else is InvalidArgument with what was wrong. Plain values.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace signet::admission {

// Kubernetes objects are at most ~1.5 MiB in etcd; a review carries object and oldObject.
inline constexpr size_t kMaxAdmissionReviewBytes = size_t{4} << 20;
// Deepest nesting of arrays and objects accepted (Pods nest about 12 levels, CRDs more).
inline constexpr int kMaxJsonDepth = 100;
// What `kubectl` shows well; the API server itself truncates longer warnings.
inline constexpr size_t kMaxWarningLength = 120;

struct GroupVersionKind {
  std::string group;  // "" for the core group (Pod, ReplicationController)
  std::string version;
  std::string kind;
  std::string ToString() const;  // "apps/v1 Deployment", "v1 Pod"
};

struct AdmissionRequest {
  std::string uid;
  GroupVersionKind kind;
  std::string resource;      // "pods", "deployments", …
  std::string sub_resource;  // "ephemeralcontainers", or empty
  std::string name;
  std::string namespace_name;
  std::string operation;  // CREATE, UPDATE, DELETE, CONNECT
  bool dry_run = false;
  nlohmann::json object;  // null when the operation has none (DELETE)
};

// InvalidArgument for a body that is not an admission.k8s.io/v1 AdmissionReview with a request
// carrying a uid, a kind and an operation.
Result<AdmissionRequest> DecodeAdmissionReview(std::string_view body);

// One JSON Patch (RFC 6902) "replace" of a string value.
struct PatchReplace {
  std::string path;  // JSON Pointer
  std::string value;
};

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  int status_code = 0;  // 0: no status member
  std::string status_message;
  std::vector<std::string> warnings;
  std::vector<PatchReplace> patch;  // empty: no patch
};

// The response AdmissionReview. Each warning is cut to kMaxWarningLength bytes (at a UTF-8
// character boundary, ending in "..."); the patch is base64 with patchType JSONPatch.
std::string EncodeAdmissionReview(const AdmissionResponse& response);

// `text` cut to at most `max_bytes` bytes as above (exposed for tests).
std::string Shorten(std::string_view text, size_t max_bytes);

}  // namespace signet::admission
