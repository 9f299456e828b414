// Images from every place a Kubernetes object hides them, with the JSON Pointers of patches.
#include "admission/workload_images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admission_fixtures.h"

namespace signet::admission {
namespace {

using ::testing::HasSubstr;
using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)

Json FullPodSpec() {
  return PodSpec({Container("web", "nginx:1.25"), Container("sidecar", "ghcr.io/acme/proxy:2")},
                 {Container("init", "busybox")},
                 {Container("debug", "registry.acme.io/tools/debug@" + std::string(kDigestA))});
}

// The images and pointers of FullPodSpec() under `prefix`.
void ExpectFullPodSpec(const WorkloadImages& images, const std::string& prefix) {
  ASSERT_TRUE(images.known_kind);
  ASSERT_EQ(images.images.size(), 4u);
  EXPECT_EQ(images.images[0].image, "nginx:1.25");
  EXPECT_EQ(images.images[0].container, "web");
  EXPECT_EQ(images.images[0].pointer, prefix + "/containers/0/image");
  EXPECT_EQ(images.images[1].image, "ghcr.io/acme/proxy:2");
  EXPECT_EQ(images.images[1].pointer, prefix + "/containers/1/image");
  EXPECT_EQ(images.images[2].image, "busybox");
  EXPECT_EQ(images.images[2].container, "init");
  EXPECT_EQ(images.images[2].pointer, prefix + "/initContainers/0/image");
  EXPECT_EQ(images.images[3].container, "debug");
  EXPECT_EQ(images.images[3].pointer, prefix + "/ephemeralContainers/0/image");
}

TEST(WorkloadImagesTest, Pod) {
  Result<WorkloadImages> images =
      ExtractImages({"", "v1", "Pod"}, Json{{"spec", FullPodSpec()}});
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ExpectFullPodSpec(*images, "/spec");
}

TEST(WorkloadImagesTest, EveryWorkloadKindWithAPodTemplate) {
  struct Case {
    GroupVersionKind kind;
  };
  const Case cases[] = {{{"apps", "v1", "Deployment"}},  {{"apps", "v1", "ReplicaSet"}},
                        {{"apps", "v1", "StatefulSet"}}, {{"apps", "v1", "DaemonSet"}},
                        {{"batch", "v1", "Job"}},        {{"", "v1", "ReplicationController"}}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind.ToString());
    const Json object = {{"spec", {{"replicas", 2}, {"template", {{"spec", FullPodSpec()}}}}}};
    Result<WorkloadImages> images = ExtractImages(c.kind, object);
    ASSERT_TRUE(images.ok()) << images.status().ToString();
    ExpectFullPodSpec(*images, "/spec/template/spec");
  }
}

TEST(WorkloadImagesTest, CronJobReadsTheJobTemplatesPodTemplate) {
  const Json object = {
      {"spec",
       {{"schedule", "*/5 * * * *"},
        {"jobTemplate", {{"spec", {{"template", {{"spec", FullPodSpec()}}}}}}}}}};
  Result<WorkloadImages> images = ExtractImages({"batch", "v1", "CronJob"}, object);
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ExpectFullPodSpec(*images, "/spec/jobTemplate/spec/template/spec");
}

TEST(WorkloadImagesTest, UnknownKindsAreNotErrors) {
  for (const GroupVersionKind& kind :
       {GroupVersionKind{"", "v1", "ConfigMap"}, GroupVersionKind{"autoscaling", "v1", "Scale"},
        GroupVersionKind{"example.com", "v1", "Deployment"}}) {
    Result<WorkloadImages> images = ExtractImages(kind, Json{{"spec", FullPodSpec()}});
    ASSERT_TRUE(images.ok());
    EXPECT_FALSE(images->known_kind);
    EXPECT_TRUE(images->images.empty());
  }
}

TEST(WorkloadImagesTest, ASpecWithoutContainersHasNoImages) {
  Result<WorkloadImages> images = ExtractImages({"apps", "v1", "Deployment"}, Json{{"spec", {}}});
  ASSERT_TRUE(images.ok());
  EXPECT_TRUE(images->known_kind);
  EXPECT_TRUE(images->images.empty());
}

TEST(WorkloadImagesTest, MalformedObjectsNameThePointer) {
  struct Case {
    Json object;
    std::string message;
  };
  const Case cases[] = {
      {Json("a string"), "not an object"},
      {Json{{"spec", 5}}, "/spec must be an object"},
      {Json{{"spec", {{"containers", Json::object()}}}}, "/spec/containers must be an array"},
      {Json{{"spec", {{"containers", {5}}}}}, "/spec/containers/0 must be an object"},
      {Json{{"spec", {{"containers", {{{"name", "a"}}}}}}}, "/spec/containers/0/image must be"},
      {Json{{"spec", {{"initContainers", {{{"image", 7}}}}}}},
       "/spec/initContainers/0/image must be a string"},
  };
  for (const Case& c : cases) {
    Result<WorkloadImages> images = ExtractImages({"", "v1", "Pod"}, c.object);
    ASSERT_FALSE(images.ok()) << c.object.dump();
    EXPECT_EQ(images.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(images.status().message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace signet::admission
