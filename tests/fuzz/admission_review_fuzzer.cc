// Fuzzes what the admission webhook reads from the Kubernetes API server: DecodeAdmissionReview,
// then ExtractImages of the decoded object, then the response encoding.
//
// Invariants: every extracted image pointer lies under /spec and ends in /image; the encoded
// response is JSON that echoes the uid, keeps every warning within kMaxWarningLength bytes, and
// carries a patch whose paths are the pointers given.
#include <nlohmann/json.hpp>
#include <string>

#include "admission/admission_review.h"
#include "admission/workload_images.h"
#include "core/encoding.h"
#include "fuzz_check.h"

namespace signet {
namespace {

void FuzzAdmissionReview(std::string_view body) {
  Result<admission::AdmissionRequest> request = admission::DecodeAdmissionReview(body);
  if (!request.ok()) return;
  SIGNET_FUZZ_CHECK(!request->uid.empty());
  admission::AdmissionResponse response;
  response.uid = request->uid;
  Result<admission::WorkloadImages> images =
      admission::ExtractImages(request->kind, request->object);
  if (images.ok()) {
    for (const admission::ContainerImage& image : images->images) {
      SIGNET_FUZZ_CHECK(image.pointer.starts_with("/spec/") && image.pointer.ends_with("/image"));
      response.warnings.push_back("signet: " + image.image);
      response.patch.push_back({image.pointer, image.image + "@sha256:" + std::string(64, 'a')});
    }
  } else {
    response.allowed = false;
    response.status_code = 400;
    response.status_message = images.status().message();
  }
  const nlohmann::json out =
      nlohmann::json::parse(admission::EncodeAdmissionReview(response), nullptr, false);
  SIGNET_FUZZ_CHECK(!out.is_discarded());
  const nlohmann::json& r = out["response"];
  SIGNET_FUZZ_CHECK(r["allowed"].get<bool>() == response.allowed);
  if (r.contains("warnings")) {
    for (const auto& w : r["warnings"]) {
      SIGNET_FUZZ_CHECK(w.get<std::string>().size() <= admission::kMaxWarningLength);
    }
  }
  if (!response.patch.empty()) {
    Result<std::string> patch = Base64Decode(r["patch"].get<std::string>());
    SIGNET_FUZZ_CHECK(patch.ok());
    const nlohmann::json ops = nlohmann::json::parse(*patch, nullptr, false);
    SIGNET_FUZZ_CHECK(ops.is_array() && ops.size() == response.patch.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      SIGNET_FUZZ_CHECK(ops[i]["path"] == response.patch[i].path);
    }
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzAdmissionReview(signet::fuzz::AsBytes(data, size));
  return 0;
}
