// Fixtures of the admission tests: policy files on disk, AdmissionReview documents shaped like
// the API server's, and ScriptedImageChecker.
//
// ScriptedImageChecker is a TEST DOUBLE (DESIGN.md §9): it stands in for imagesig's verifier,
// answering from a script instead of a registry, so that the webhook's decisions, deadline,
// cache and single flight are tested on their own. Real verification is tested in imagesig.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "admission/admission_policy.h"
#include "admission/image_check.h"
#include "testing/temp_dir.h"

namespace signet::admission::testing {

using Json = nlohmann::json;

inline constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// TEST DOUBLE. Answers by "registry/repository" (the tag or digest asked for is recorded).
class ScriptedImageChecker final : public ImageChecker {
 public:
  void Set(const std::string& repository, ImageCheckResult result) {
    std::lock_guard lock(mu_);
    script_[repository] = std::move(result);
  }
  void SetVerified(const std::string& repository, const std::string& digest) {
    Set(repository, {ImageCheckResult::Verdict::kVerified, digest, "", "signature verified"});
  }
  void SetFailed(const std::string& repository, const std::string& digest,
                 const std::string& check, const std::string& message) {
    Set(repository, {ImageCheckResult::Verdict::kFailed, digest, check, message});
  }
  // Each check sleeps this long first, ignoring its deadline (a misbehaving verifier).
  void SetDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }

  ImageCheckResult Check(const oci::Reference& image, const notary::TrustPolicy&,
                         const notary::TrustStore&,
                         std::chrono::steady_clock::time_point) const override {
    ++calls_;
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    std::lock_guard lock(mu_);
    last_identifier_ = image.Identifier();
    auto it = script_.find(image.registry + "/" + image.repository);
    if (it == script_.end()) {
      return {ImageCheckResult::Verdict::kInconclusive, "", "", "registry unreachable"};
    }
    return it->second;
  }

  int calls() const { return calls_; }
  std::string last_identifier() const {
    std::lock_guard lock(mu_);
    return last_identifier_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, ImageCheckResult> script_;
  mutable std::string last_identifier_;
  mutable std::atomic<int> calls_{0};
  std::atomic<int64_t> delay_ms_{0};
};

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A policy directory: notation/trustpolicy.oci.json, notation/truststore/x509/ca/acme/.
class PolicyDir {
 public:
  PolicyDir() {
    WriteFile(dir_.path() / "notation" / "trustpolicy.oci.json",
              R"({"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
                 "signatureVerification":{"level":"strict"},"trustStores":["ca:acme"],
                 "trustedIdentities":["*"]}]})");
    std::filesystem::create_directories(dir_.path() / "notation" / "truststore" / "x509" / "ca" /
                                        "acme");
  }
  const std::filesystem::path& path() const { return dir_.path(); }

  // A rule for `images` in `mode` (a string, or {"fromEnvironment": …}).
  static Json Rule(const std::string& name, Json images, Json mode) {
    return Json{{"name", name},
                {"images", std::move(images)},
                {"trustPolicy", "notation/trustpolicy.oci.json"},
                {"trustStore", "notation/truststore"},
                {"mode", std::move(mode)}};
  }

  Result<AdmissionPolicy> Parse(const Json& policy,
                                const metering::EnvironmentPolicy* environments = nullptr) const {
    return AdmissionPolicy::Parse(policy.dump(), dir_.path(), environments, "policy.json");
  }

 private:
  test::TempDir dir_;
};

// A container list entry.
inline Json Container(const std::string& name, const std::string& image) {
  return Json{{"name", name}, {"image", image}};
}

// A pod spec with `containers`, `init` and `ephemeral` containers.
inline Json PodSpec(Json containers, Json init = Json::array(), Json ephemeral = Json::array()) {
  Json spec = {{"containers", std::move(containers)}};
  if (!init.empty()) spec["initContainers"] = std::move(init);
  if (!ephemeral.empty()) spec["ephemeralContainers"] = std::move(ephemeral);
  return spec;
}

// An AdmissionReview request as the API server sends it.
inline Json Review(const std::string& group, const std::string& version, const std::string& kind,
                   const std::string& resource, Json object, const std::string& ns = "apps",
                   const std::string& operation = "CREATE", const std::string& sub_resource = "") {
  Json request = {{"uid", "705ab4f5-6393-11e8-b7cc-42010a800002"},
                  {"kind", {{"group", group}, {"version", version}, {"kind", kind}}},
                  {"resource", {{"group", group}, {"version", version}, {"resource", resource}}},
                  {"requestKind", {{"group", group}, {"version", version}, {"kind", kind}}},
                  {"name", "web"},
                  {"namespace", ns},
                  {"operation", operation},
                  {"userInfo", {{"username", "admin"}, {"groups", {"system:authenticated"}}}},
                  {"object", std::move(object)},
                  {"oldObject", nullptr},
                  {"dryRun", false},
                  {"options", {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}};
  if (!sub_resource.empty()) request["subResource"] = sub_resource;
  return Json{{"apiVersion", "admission.k8s.io/v1"},
              {"kind", "AdmissionReview"},
              {"request", std::move(request)}};
}

inline Json PodReview(Json spec, const std::string& ns = "apps") {
  return Review("", "v1", "Pod", "pods",
                Json{{"apiVersion", "v1"}, {"kind", "Pod"},
                     {"metadata", {{"name", "web"}, {"namespace", ns}}}, {"spec", std::move(spec)}},
                ns);
}

}  // namespace signet::admission::testing
