// AdmissionReview decoding and encoding.
#include "admission/admission_review.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admission_fixtures.h"
#include "core/encoding.h"

namespace signet::admission {
namespace {

using ::testing::HasSubstr;
using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)

TEST(AdmissionReviewTest, DecodesTheApiServersRequest) {
  Json review = Review("apps", "v1", "Deployment", "deployments", Json{{"spec", Json::object()}},
                       "prod", "UPDATE");
  review["request"]["dryRun"] = true;
  Result<AdmissionRequest> r = DecodeAdmissionReview(review.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r->kind.group, "apps");
  EXPECT_EQ(r->kind.kind, "Deployment");
  EXPECT_EQ(r->kind.ToString(), "apps/v1 Deployment");
  EXPECT_EQ(r->resource, "deployments");
  EXPECT_EQ(r->namespace_name, "prod");
  EXPECT_EQ(r->operation, "UPDATE");
  EXPECT_TRUE(r->dry_run);
  EXPECT_TRUE(r->object.is_object());
}

TEST(AdmissionReviewTest, DecodesTheEphemeralContainersSubresource) {
  Json review = Review("", "v1", "Pod", "pods", Json{{"spec", Json::object()}}, "apps", "UPDATE",
                       "ephemeralcontainers");
  Result<AdmissionRequest> r = DecodeAdmissionReview(review.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sub_resource, "ephemeralcontainers");
  EXPECT_EQ(r->kind.ToString(), "v1 Pod");
}

TEST(AdmissionReviewTest, RefusesWhatIsNotAV1Review) {
  const Json good = PodReview(PodSpec({Container("a", "nginx")}));
  struct Case {
    std::string body;
    std::string message;
  };
  Json v1beta1 = good;
  v1beta1["apiVersion"] = "admission.k8s.io/v1beta1";
  Json no_request = good;
  no_request.erase("request");
  Json no_uid = good;
  no_uid["request"].erase("uid");
  Json uid_number = good;
  uid_number["request"]["uid"] = 7;
  Json no_kind = good;
  no_kind["request"]["kind"] = "Pod";
  Json dry_run_string = good;
  dry_run_string["request"]["dryRun"] = "yes";
  const Case cases[] = {
      {"", "not JSON"},
      {"{\"apiVersion\":", "not JSON"},
      {"[1,2]", "not an AdmissionReview object"},
      {v1beta1.dump(), "admissionReviewVersions"},
      {no_request.dump(), "no request"},
      {no_uid.dump(), "request.uid is required"},
      {uid_number.dump(), "request.uid must be a string"},
      {no_kind.dump(), "request.kind must be an object"},
      {dry_run_string.dump(), "dryRun must be a boolean"},
      {std::string(200, '[') + std::string(200, ']'), "nests deeper"},
      {std::string(kMaxAdmissionReviewBytes + 1, ' '), "larger than"},
  };
  for (const Case& c : cases) {
    Result<AdmissionRequest> r = DecodeAdmissionReview(c.body);
    ASSERT_FALSE(r.ok()) << c.body.substr(0, 80);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message));
  }
}

TEST(AdmissionReviewTest, BracketsInsideStringsDoNotCountAsNesting) {
  Json review = PodReview(PodSpec({Container("a", std::string(500, '['))}));
  EXPECT_TRUE(DecodeAdmissionReview(review.dump()).ok());
}

TEST(AdmissionReviewTest, EncodesAnAllowWithPatchAndWarnings) {
  AdmissionResponse response;
  response.uid = "u-1";
  response.allowed = true;
  response.warnings = {"short", std::string(300, 'w')};
  response.patch = {{"/spec/containers/0/image", "nginx:1@" + std::string(kDigestA)}};
  const Json out = Json::parse(EncodeAdmissionReview(response));
  EXPECT_EQ(out["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(out["kind"], "AdmissionReview");
  const Json& r = out["response"];
  EXPECT_EQ(r["uid"], "u-1");
  EXPECT_EQ(r["allowed"], true);
  EXPECT_FALSE(r.contains("status"));
  ASSERT_EQ(r["warnings"].size(), 2u);
  EXPECT_EQ(r["warnings"][0], "short");
  EXPECT_EQ(r["warnings"][1].get<std::string>().size(), kMaxWarningLength);
  EXPECT_EQ(r["patchType"], "JSONPatch");
  Result<std::string> patch = Base64Decode(r["patch"].get<std::string>());
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(Json::parse(*patch),
            Json::parse(R"([{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1@)" +
                        std::string(kDigestA) + "\"}]"));
}

TEST(AdmissionReviewTest, EncodesADenialWithStatus) {
  AdmissionResponse response;
  response.uid = "u-2";
  response.allowed = false;
  response.status_code = 403;
  response.status_message = "denied";
  const Json r = Json::parse(EncodeAdmissionReview(response))["response"];
  EXPECT_EQ(r["allowed"], false);
  EXPECT_EQ(r["status"]["code"], 403);
  EXPECT_EQ(r["status"]["message"], "denied");
  EXPECT_FALSE(r.contains("patch"));
  EXPECT_FALSE(r.contains("patchType"));
  EXPECT_FALSE(r.contains("warnings"));
}

TEST(AdmissionReviewTest, ShortenKeepsUtf8CharactersWhole) {
  EXPECT_EQ(Shorten("abc", 3), "abc");
  EXPECT_EQ(Shorten("abcdef", 5), "ab...");
  // "é" is two bytes; a cut inside it steps back before it.
  const std::string s = "ab\xC3\xA9" "cdef";
  EXPECT_EQ(Shorten(s, 6), "ab...");
  EXPECT_EQ(Shorten(s, 7), "ab\xC3\xA9...");
}

}  // namespace
}  // namespace signet::admission
