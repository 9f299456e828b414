// The admission routes: HTTPS only, POST only, 400 for what is not an AdmissionReview, 404
// without a policy, and an AdmissionReview answer otherwise.
#include "api/admission_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admission/admission_fixtures.h"

namespace signet::api {
namespace {

using ::testing::HasSubstr;
using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)

class AdmissionApiTest : public ::testing::Test {
 protected:
  AdmissionApiTest() {
    Result<admission::AdmissionPolicy> policy = dir_.Parse(Json{{"unmatchedImages", "Deny"}});
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    webhook_ = std::make_unique<admission::AdmissionWebhook>(
        std::make_shared<const admission::AdmissionPolicy>(std::move(*policy)), checker_,
        SystemClock(), 1);
  }

  static HttpRequestView Post(std::string_view path, const std::string& body) {
    HttpRequestView request;
    request.method = "POST";
    request.raw_path = std::string(path);
    request.body = body;
    return request;
  }

  PolicyDir dir_;
  ScriptedImageChecker checker_;
  std::unique_ptr<admission::AdmissionWebhook> webhook_;
};

TEST_F(AdmissionApiTest, RoutesOnlyTheTwoPaths) {
  EXPECT_TRUE(IsAdmissionRequest(Post("/admission/validate", "")));
  EXPECT_TRUE(IsAdmissionRequest(Post("/admission/mutate", "")));
  EXPECT_FALSE(IsAdmissionRequest(Post("/admission/validate/", "")));
  EXPECT_FALSE(IsAdmissionRequest(Post("/admission", "")));
}

TEST_F(AdmissionApiTest, AnswersAReviewWithAReview) {
  const std::string body = PodReview(PodSpec({Container("a", "nginx")})).dump();
  ApiResponse r = HandleAdmission(Post(kAdmissionValidatePath, body), webhook_.get(), true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.operation, "AdmissionValidate");
  EXPECT_EQ(r.content_type, "application/json");
  const Json out = Json::parse(r.body);
  EXPECT_EQ(out["kind"], "AdmissionReview");
  EXPECT_EQ(out["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(out["response"]["allowed"], false);
  EXPECT_EQ(out["response"]["status"]["code"], 403);

  ApiResponse exempt = HandleAdmission(
      Post(kAdmissionMutatePath, PodReview(PodSpec({Container("a", "nginx")}), "kube-system").dump()),
      webhook_.get(), true);
  EXPECT_EQ(exempt.status, 200);
  EXPECT_EQ(exempt.operation, "AdmissionMutate");
  EXPECT_EQ(Json::parse(exempt.body)["response"]["allowed"], true);
}

TEST_F(AdmissionApiTest, RefusesWhatItCannotServe) {
  const std::string body = PodReview(PodSpec({Container("a", "nginx")})).dump();
  ApiResponse no_policy = HandleAdmission(Post(kAdmissionValidatePath, body), nullptr, true);
  EXPECT_EQ(no_policy.status, 404);
  EXPECT_THAT(no_policy.body, HasSubstr("--admission-policy"));

  ApiResponse plain = HandleAdmission(Post(kAdmissionValidatePath, body), webhook_.get(), false);
  EXPECT_EQ(plain.status, 403);
  EXPECT_THAT(plain.body, HasSubstr("HTTPS only"));

  HttpRequestView get = Post(kAdmissionValidatePath, body);
  get.method = "GET";
  EXPECT_EQ(HandleAdmission(get, webhook_.get(), true).status, 405);

  for (const std::string& bad : {std::string("not json"), std::string("{}"),
                                std::string("{\"apiVersion\":\"admission.k8s.io/v1\","
                                            "\"kind\":\"AdmissionReview\",\"request\":{}}")}) {
    ApiResponse r = HandleAdmission(Post(kAdmissionValidatePath, bad), webhook_.get(), true);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(Json::parse(r.body).contains("message"));
  }
  EXPECT_EQ(checker_.calls(), 0);
}

}  // namespace
}  // namespace signet::api
