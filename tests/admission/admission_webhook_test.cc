// Admission decisions: modes, fail-closed/open, unmatched and exempt, mutate pins, deadline,
// cache, single flight, invalidation. Verification is the ScriptedImageChecker TEST DOUBLE.
#include "admission/admission_webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "admission_fixtures.h"
#include "core/signet_metrics.h"

namespace signet::admission {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;        // NOLINT(google-build-using-namespace)

constexpr char kWeb[] = "registry.acme.io/apps/web";
constexpr char kProxy[] = "registry.acme.io/apps/proxy";

class AdmissionWebhookTest : public ::testing::Test {
 protected:
  // A webhook whose one rule covers registry.acme.io/** in `mode`.
  AdmissionWebhook& Make(Json mode = "Enforce", Json extra = Json::object()) {
    Json json = {{"rules", {PolicyDir::Rule("acme", {"registry.acme.io/**"}, std::move(mode))}}};
    json.update(extra);
    Result<AdmissionPolicy> policy = dir_.Parse(json);
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    webhook_ = std::make_unique<AdmissionWebhook>(
        std::make_shared<const AdmissionPolicy>(std::move(*policy)), checker_, clock_, 4);
    return *webhook_;
  }

  AdmissionResponse Decide(const Json& review, bool mutate = false) {
    Result<AdmissionRequest> request = DecodeAdmissionReview(review.dump());
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    return webhook_->Review(*request, mutate);
  }

  static Json WebPod() {
    return PodReview(PodSpec({Container("web", std::string(kWeb) + ":1.0"),
                              Container("proxy", std::string(kProxy) + "@" + kDigestB)},
                             {Container("init", std::string(kWeb) + ":init")},
                             {Container("debug", std::string(kProxy) + ":debug")}));
  }

  PolicyDir dir_;
  ScriptedImageChecker checker_;
  FixedClock clock_{Timestamp(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<AdmissionWebhook> webhook_;
};

TEST_F(AdmissionWebhookTest, VerifiedImagesAreAdmittedAndMutatePinsEveryTag) {
  Make();
  checker_.SetVerified(kWeb, kDigestA);
  checker_.SetVerified(kProxy, kDigestB);
  AdmissionResponse validate = Decide(WebPod());
  EXPECT_TRUE(validate.allowed) << validate.status_message;
  EXPECT_EQ(validate.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_TRUE(validate.patch.empty());
  EXPECT_TRUE(validate.warnings.empty());

  AdmissionResponse mutate = Decide(WebPod(), /*mutate=*/true);
  EXPECT_TRUE(mutate.allowed);
  ASSERT_EQ(mutate.patch.size(), 3u);  // the digest-pinned proxy container needs none
  EXPECT_EQ(mutate.patch[0].path, "/spec/containers/0/image");
  EXPECT_EQ(mutate.patch[0].value, std::string(kWeb) + ":1.0@" + kDigestA);
  EXPECT_EQ(mutate.patch[1].path, "/spec/initContainers/0/image");
  EXPECT_EQ(mutate.patch[1].value, std::string(kWeb) + ":init@" + kDigestA);
  EXPECT_EQ(mutate.patch[2].path, "/spec/ephemeralContainers/0/image");
  EXPECT_EQ(mutate.patch[2].value, std::string(kProxy) + ":debug@" + kDigestB);
}

TEST_F(AdmissionWebhookTest, EnforceDeniesNamingTheImageContainerAndCheck) {
  Make();
  checker_.SetVerified(kWeb, kDigestA);
  checker_.SetFailed(kProxy, kDigestB, "authenticity", "no trusted certificate signed it");
  AdmissionResponse r = Decide(WebPod(), /*mutate=*/true);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.status_code, 403);
  EXPECT_THAT(r.status_message,
              AllOf(HasSubstr("signet denied Pod apps/web"),
                    HasSubstr("image " + std::string(kProxy) + "@" + kDigestB +
                              " (container proxy): authenticity check failed: no trusted"),
                    HasSubstr("(container debug): authenticity check failed")));
  EXPECT_THAT(r.status_message, ::testing::Not(HasSubstr("container web")));
  EXPECT_TRUE(r.patch.empty());  // nothing is pinned in a denied object
}

TEST_F(AdmissionWebhookTest, WarnAdmitsWithShortWarnings) {
  Make("Warn");
  const std::string long_repo = "registry.acme.io/" + std::string(150, 'x');
  checker_.SetFailed(long_repo, kDigestA, "expiry", "the signature expired");
  AdmissionResponse r =
      Decide(PodReview(PodSpec({Container("a", long_repo + ":1"), Container("b", long_repo)})));
  EXPECT_TRUE(r.allowed);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_THAT(r.warnings[0], HasSubstr("signet: expiry check failed for registry.acme.io/x"));
  const Json encoded = Json::parse(EncodeAdmissionReview(r));
  for (const Json& w : encoded["response"]["warnings"]) {
    EXPECT_LE(w.get<std::string>().size(), kMaxWarningLength);
  }
}

TEST_F(AdmissionWebhookTest, AuditAdmitsSilently) {
  Make("Audit");
  checker_.SetFailed(kWeb, kDigestA, "no signature", "no signature found");
  AdmissionResponse r = Decide(PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")})));
  EXPECT_TRUE(r.allowed);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(AdmissionWebhookTest, InconclusiveIsNeverVerified) {
  // The script has no entry: the double answers "registry unreachable".
  const Json pod = PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}));
  Make();
  AdmissionResponse closed = Decide(pod, /*mutate=*/true);
  EXPECT_FALSE(closed.allowed);
  EXPECT_THAT(closed.status_message,
              HasSubstr("verification inconclusive: registry unreachable"));

  Make("Enforce", {{"failOpen", true}});
  AdmissionResponse open = Decide(pod, /*mutate=*/true);
  EXPECT_TRUE(open.allowed);
  EXPECT_TRUE(open.patch.empty());
  ASSERT_EQ(open.warnings.size(), 1u);
  EXPECT_THAT(open.warnings[0], HasSubstr("verification inconclusive"));

  Make("Audit");
  AdmissionResponse audit = Decide(pod);
  EXPECT_TRUE(audit.allowed);
  EXPECT_EQ(audit.warnings.size(), 1u);  // always reported
}

TEST_F(AdmissionWebhookTest, UnmatchedImagesDenyByDefault) {
  const Json pod = PodReview(PodSpec({Container("a", "nginx:1.25")}));
  Make();
  AdmissionResponse deny = Decide(pod);
  EXPECT_FALSE(deny.allowed);
  EXPECT_THAT(deny.status_message,
              HasSubstr("image nginx:1.25 (container a): no admission rule covers "
                        "docker.io/library/nginx"));
  Make("Enforce", {{"unmatchedImages", "Warn"}});
  AdmissionResponse warn = Decide(pod);
  EXPECT_TRUE(warn.allowed);
  EXPECT_EQ(warn.warnings.size(), 1u);
  Make("Enforce", {{"unmatchedImages", "Allow"}});
  AdmissionResponse allow = Decide(pod);
  EXPECT_TRUE(allow.allowed);
  EXPECT_TRUE(allow.warnings.empty());
  EXPECT_EQ(checker_.calls(), 0);
}

TEST_F(AdmissionWebhookTest, ExemptNamespacesAreNotChecked) {
  Make();
  AdmissionResponse r = Decide(PodReview(PodSpec({Container("a", "nginx")}), "kube-system"));
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(checker_.calls(), 0);
}

TEST_F(AdmissionWebhookTest, OnlyCreateAndUpdateAreChecked) {
  Make();
  Json review = WebPod();
  review["request"]["operation"] = "DELETE";
  EXPECT_TRUE(Decide(review).allowed);
  EXPECT_EQ(checker_.calls(), 0);
}

TEST_F(AdmissionWebhookTest, UnknownKindsPassWithAWarning) {
  Make();
  AdmissionResponse r =
      Decide(Review("example.com", "v1", "Widget", "widgets", Json{{"spec", Json::object()}}));
  EXPECT_TRUE(r.allowed);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("example.com/v1 Widget is not a kind signet inspects"));
}

TEST_F(AdmissionWebhookTest, MalformedObjectsAreDeniedWith400) {
  Make();
  Json review = PodReview(Json{{"containers", "nginx"}});
  AdmissionResponse r = Decide(review);
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.status_code, 400);
  EXPECT_THAT(r.status_message, HasSubstr("/spec/containers must be an array"));
  AdmissionResponse bad_ref = Decide(PodReview(PodSpec({Container("a", "Not A Reference")})));
  EXPECT_FALSE(bad_ref.allowed);
  EXPECT_THAT(bad_ref.status_message, HasSubstr("is not a valid image reference"));
}

TEST_F(AdmissionWebhookTest, DryRunIsDecidedTheSameWay) {
  Make();
  checker_.SetFailed(kWeb, kDigestA, "revocation", "the signing job was revoked");
  Json review = PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}));
  review["request"]["dryRun"] = true;
  AdmissionResponse r = Decide(review);
  EXPECT_FALSE(r.allowed);
  EXPECT_THAT(r.status_message, HasSubstr("revocation check failed"));
}

TEST_F(AdmissionWebhookTest, EveryWorkloadKindIsChecked) {
  Make();
  checker_.SetFailed(kWeb, kDigestA, "integrity", "the manifest does not match");
  const Json spec = PodSpec({Container("a", std::string(kWeb) + ":1")});
  const Json templ = {{"spec", {{"template", {{"spec", spec}}}}}};
  const Json reviews[] = {
      Review("apps", "v1", "Deployment", "deployments", templ),
      Review("apps", "v1", "ReplicaSet", "replicasets", templ),
      Review("apps", "v1", "StatefulSet", "statefulsets", templ),
      Review("apps", "v1", "DaemonSet", "daemonsets", templ),
      Review("batch", "v1", "Job", "jobs", templ),
      Review("", "v1", "ReplicationController", "replicationcontrollers", templ),
      Review("batch", "v1", "CronJob", "cronjobs",
             {{"spec", {{"jobTemplate", {{"spec", {{"template", {{"spec", spec}}}}}}}}}}),
      Review("", "v1", "Pod", "pods", {{"spec", spec}}, "apps", "UPDATE", "ephemeralcontainers"),
  };
  for (const Json& review : reviews) {
    AdmissionResponse r = Decide(review);
    EXPECT_FALSE(r.allowed) << review["request"]["kind"].dump();
    EXPECT_THAT(r.status_message, HasSubstr("integrity check failed"));
  }
}

TEST_F(AdmissionWebhookTest, EveryReviewFinishesByTheDeadline) {
  Make("Enforce", {{"deadlineMillis", 200}});
  checker_.SetVerified(kWeb, kDigestA);
  checker_.SetDelay(1500ms);  // ignores its deadline
  const auto started = std::chrono::steady_clock::now();
  AdmissionResponse r = Decide(PodReview(PodSpec({Container("a", std::string(kWeb) + ":1"),
                                                  Container("b", std::string(kWeb) + ":2")})));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 1000ms);
  EXPECT_GE(took, 200ms);
  EXPECT_FALSE(r.allowed);
  EXPECT_THAT(r.status_message, HasSubstr("did not finish before the admission deadline"));
}

TEST_F(AdmissionWebhookTest, DecisionsAndTagsAreCached) {
  Make();
  checker_.SetVerified(kWeb, kDigestA);
  const Json pod = PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}));
  const uint64_t hits_before = metrics::AdmissionCacheLookups().Value({"result", "hit"});
  EXPECT_TRUE(Decide(pod).allowed);
  EXPECT_EQ(checker_.calls(), 1);
  EXPECT_TRUE(Decide(pod).allowed);
  EXPECT_TRUE(Decide(PodReview(PodSpec({Container("a", std::string(kWeb) + "@" + kDigestA)})))
                  .allowed);
  EXPECT_EQ(checker_.calls(), 1);
  EXPECT_EQ(metrics::AdmissionCacheLookups().Value({"result", "hit"}), hits_before + 2);
}

TEST_F(AdmissionWebhookTest, CachedTagsVerifyTheirDigestWhenTheResultExpired) {
  Make("Enforce", {{"cache", {{"tagTtlSeconds", 60}, {"verifiedTtlSeconds", 10}}}});
  checker_.SetVerified(kWeb, kDigestA);
  const Json pod = PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}));
  EXPECT_TRUE(Decide(pod).allowed);
  EXPECT_EQ(checker_.last_identifier(), "1");
  clock_.Set(clock_.Now() + std::chrono::seconds(11));
  EXPECT_TRUE(Decide(pod).allowed);
  EXPECT_EQ(checker_.calls(), 2);
  EXPECT_EQ(checker_.last_identifier(), kDigestA);  // the cached resolution, not the tag
  clock_.Set(clock_.Now() + std::chrono::seconds(61));
  EXPECT_TRUE(Decide(pod).allowed);
  EXPECT_EQ(checker_.last_identifier(), "1");  // the resolution expired too
}

TEST_F(AdmissionWebhookTest, ConcurrentReviewsOfOneImageShareOneVerification) {
  Make();
  checker_.SetVerified(kWeb, kDigestA);
  checker_.SetDelay(200ms);
  const Json pod = PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}));
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (Decide(pod).allowed) ++allowed;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed, 8);
  EXPECT_EQ(checker_.calls(), 1);
}

TEST_F(AdmissionWebhookTest, MetricsCountDecisionsByResult) {
  Make();
  checker_.SetFailed(kWeb, kDigestA, "integrity", "bad");
  const uint64_t before = metrics::AdmissionDecisions().Value({"deny", "enforce"});
  EXPECT_FALSE(Decide(PodReview(PodSpec({Container("a", std::string(kWeb) + ":1")}))).allowed);
  EXPECT_EQ(metrics::AdmissionDecisions().Value({"deny", "enforce"}), before + 1);
  EXPECT_GE(metrics::AdmissionVerificationDuration().Count({"failed"}), 1u);
}

}  // namespace
}  // namespace signet::admission
