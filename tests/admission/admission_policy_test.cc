// The admission policy file: rules, patterns, modes (also from environments), defaults, errors.
#include "admission/admission_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admission_fixtures.h"

namespace signet::admission {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)

oci::Reference Ref(const std::string& text) {
  Result<oci::Reference> r = oci::ParseReference(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : oci::Reference{};
}

TEST(ImagePatternTest, SingleStarStaysInOnePathComponent) {
  EXPECT_TRUE(MatchImagePattern("registry.acme.io/apps/*", "registry.acme.io/apps/web"));
  EXPECT_FALSE(MatchImagePattern("registry.acme.io/apps/*", "registry.acme.io/apps/team/web"));
  EXPECT_FALSE(MatchImagePattern("registry.acme.io/apps/*", "registry.acme.io/apps"));
  EXPECT_TRUE(MatchImagePattern("*/library/nginx", "docker.io/library/nginx"));
  EXPECT_TRUE(MatchImagePattern("localhost:*/app", "localhost:5000/app"));
}

TEST(ImagePatternTest, DoubleStarCrossesComponents) {
  EXPECT_TRUE(MatchImagePattern("registry.acme.io/**", "registry.acme.io/apps/team/web"));
  EXPECT_TRUE(MatchImagePattern("**/web", "ghcr.io/a/b/web"));
  EXPECT_FALSE(MatchImagePattern("registry.acme.io/**", "registry.acme.io.evil.com/apps"));
  EXPECT_TRUE(MatchImagePattern("**", "anything/at/all"));
}

TEST(ImagePatternTest, QuestionMarkAndLiterals) {
  EXPECT_TRUE(MatchImagePattern("ghcr.io/acme/app?", "ghcr.io/acme/app1"));
  EXPECT_FALSE(MatchImagePattern("ghcr.io/acme/app?", "ghcr.io/acme/app"));
  EXPECT_FALSE(MatchImagePattern("ghcr.io/acme/app", "ghcr.io/acme/app2"));
  EXPECT_FALSE(MatchImagePattern("ghcr.io/acme/app", "ghcr.io/acme/ap"));
}

TEST(ImagePatternTest, PathologicalPatternsStayFast) {
  const std::string name(250, 'a');
  EXPECT_FALSE(MatchImagePattern("**a**a**a**a**a**a**a**a**a**a**b", name));
}

TEST(AdmissionPolicyTest, DefaultsWithoutRules) {
  PolicyDir dir;
  Result<AdmissionPolicy> policy = dir.Parse(Json::object());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_TRUE(policy->rules().empty());
  EXPECT_EQ(policy->unmatched_images(), UnmatchedImages::kDeny);
  EXPECT_THAT(policy->exempt_namespaces(), ElementsAre("kube-system"));
  EXPECT_TRUE(policy->IsExempt("kube-system"));
  EXPECT_FALSE(policy->IsExempt("default"));
  EXPECT_FALSE(policy->fail_open());
  EXPECT_EQ(policy->deadline(), std::chrono::milliseconds(8000));
  EXPECT_EQ(policy->cache().max_entries, 10'000u);
  EXPECT_TRUE(policy->revision().starts_with("sha256:"));
}

TEST(AdmissionPolicyTest, RulesMatchInOrderOnNormalisedReferences) {
  PolicyDir dir;
  Json json = {{"rules",
                {PolicyDir::Rule("apps", {"registry.acme.io/apps/*"}, "Enforce"),
                 PolicyDir::Rule("hub", {"docker.io/library/*"}, "Warn"),
                 PolicyDir::Rule("rest", {"registry.acme.io/**"}, "Audit")}},
               {"unmatchedImages", "Allow"},
               {"exemptNamespaces", {"kube-system", "signet"}},
               {"failOpen", true},
               {"deadlineMillis", 2500},
               {"cache",
                {{"maxEntries", 5},
                 {"tagTtlSeconds", 10},
                 {"verifiedTtlSeconds", 20},
                 {"failedTtlSeconds", 0}}}};
  Result<AdmissionPolicy> policy = dir.Parse(json);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  ASSERT_EQ(policy->rules().size(), 3u);
  EXPECT_EQ(policy->Match(Ref("registry.acme.io/apps/web:1"))->name, "apps");
  EXPECT_EQ(policy->Match(Ref("registry.acme.io/apps/web:1"))->mode, AdmissionMode::kEnforce);
  EXPECT_EQ(policy->Match(Ref("nginx"))->name, "hub");
  EXPECT_EQ(policy->Match(Ref("registry.acme.io/base/os/debian@" + std::string(kDigestA)))->name,
            "rest");
  EXPECT_EQ(policy->Match(Ref("ghcr.io/other/thing")), nullptr);
  EXPECT_EQ(policy->unmatched_images(), UnmatchedImages::kAllow);
  EXPECT_TRUE(policy->IsExempt("signet"));
  EXPECT_TRUE(policy->fail_open());
  EXPECT_EQ(policy->deadline(), std::chrono::milliseconds(2500));
  EXPECT_EQ(policy->cache().max_entries, 5u);
  EXPECT_EQ(policy->cache().tag_ttl, std::chrono::seconds(10));
  EXPECT_EQ(policy->cache().verified_ttl, std::chrono::seconds(20));
  EXPECT_EQ(policy->cache().failed_ttl, std::chrono::seconds(0));
  ASSERT_NE(policy->rules()[0].trust_policy, nullptr);
  EXPECT_EQ(policy->rules()[0].trust_policy->statements().size(), 1u);
}

TEST(AdmissionPolicyTest, ModeFromAnEnvironment) {
  PolicyDir dir;
  std::vector<metering::Environment> envs = {
      {"dev", metering::SigningMode::kSkip, metering::EnforcementMode::kOff, std::nullopt},
      {"staging", metering::SigningMode::kSign, metering::EnforcementMode::kWarn, std::nullopt},
      {"prod", metering::SigningMode::kSign, metering::EnforcementMode::kEnforce, std::nullopt}};
  Result<metering::EnvironmentPolicy> environments =
      metering::EnvironmentPolicy::Create(envs, "dev");
  ASSERT_TRUE(environments.ok());
  const std::pair<std::string, AdmissionMode> cases[] = {{"dev", AdmissionMode::kAudit},
                                                         {"staging", AdmissionMode::kWarn},
                                                         {"prod", AdmissionMode::kEnforce}};
  for (const auto& [env, mode] : cases) {
    Json json = {{"rules", {PolicyDir::Rule("r", {"**"}, Json{{"fromEnvironment", env}})}}};
    Result<AdmissionPolicy> policy = dir.Parse(json, &*environments);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    EXPECT_EQ(policy->rules()[0].mode, mode) << env;
    EXPECT_EQ(policy->rules()[0].environment, env);
  }
  Json unknown = {{"rules", {PolicyDir::Rule("r", {"**"}, Json{{"fromEnvironment", "qa"}})}}};
  Result<AdmissionPolicy> bad = dir.Parse(unknown, &*environments);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("rules[0].mode names environment \"qa\""));
  Result<AdmissionPolicy> none = dir.Parse(unknown, nullptr);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("no environments configured"));
}

TEST(AdmissionPolicyTest, RevisionFollowsThePolicyAndItsTrustPolicies) {
  PolicyDir dir;
  Json json = {{"rules", {PolicyDir::Rule("r", {"**"}, "Enforce")}}};
  const std::string first = dir.Parse(json)->revision();
  EXPECT_EQ(dir.Parse(json)->revision(), first);
  json["rules"][0]["mode"] = "Warn";
  EXPECT_NE(dir.Parse(json)->revision(), first);
  json["rules"][0]["mode"] = "Enforce";
  WriteFile(dir.path() / "notation" / "trustpolicy.oci.json",
            R"({"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
               "signatureVerification":{"level":"permissive"},"trustStores":["ca:acme"],
               "trustedIdentities":["*"]}]})");
  EXPECT_NE(dir.Parse(json)->revision(), first);
}

TEST(AdmissionPolicyTest, ErrorsNameTheMember) {
  PolicyDir dir;
  Json rule = PolicyDir::Rule("r", {"**"}, "Enforce");
  struct Case {
    Json json;
    std::string message;
  };
  auto with_rule = [&](const std::string& member, Json value) {
    Json r = rule;
    if (value.is_null()) {
      r.erase(member);
    } else {
      r[member] = std::move(value);
    }
    return Json{{"rules", {r}}};
  };
  const Case cases[] = {
      {Json{{"rulez", Json::array()}}, "unknown member rulez"},
      {Json{{"rules", {rule}}, {"cache", {{"maxEntrys", 5}}}}, "unknown member cache.maxEntrys"},
      {with_rule("mode", "enforce"), "rules[0].mode must be"},
      {with_rule("mode", nullptr), "rules[0].mode is required"},
      {with_rule("images", Json::array()), "rules[0].images must be a non-empty array"},
      {with_rule("images", {"nginx"}), "a pattern is"},
      {with_rule("images", {"Registry.io/App"}), "a pattern is"},
      {with_rule("trustPolicy", "missing.json"), "cannot read"},
      {with_rule("trustStore", "nowhere"), "rules[0].trustStore"},
      {with_rule("extra", 1), "unknown member rules[0].extra"},
      {Json{{"unmatchedImages", "deny"}}, "unmatchedImages must be"},
      {Json{{"failOpen", "no"}}, "failOpen must be true or false"},
      {Json{{"deadlineMillis", 30000}}, "deadlineMillis must be between 100 and 29000"},
      {Json{{"deadlineMillis", 1.5}}, "deadlineMillis must be an integer"},
      {Json{{"exemptNamespaces", "kube-system"}}, "exemptNamespaces must be an array"},
      {Json{{"cache", {{"maxEntries", 0}}}}, "cache.maxEntries must be between 1"},
      {Json{{"registries", Json::array()}}, "registries must be an object"},
      {Json{{"registries", {{"insecur", Json::array()}}}}, "unknown member registries.insecur"},
      {Json{{"registries", {{"insecure", "127.0.0.1:5000"}}}}, "registries.insecure must be"},
      {Json{{"registries", {{"insecure", {"http://127.0.0.1:5000"}}}}},
       "registries.insecure holds \"http://127.0.0.1:5000\""},
      {Json{{"registries", {{"caFile", "missing.pem"}}}}, "registries.caFile"},
      {Json{{"registries", {{"caFile", ""}}}}, "registries.caFile must be a path"},
      {Json{{"registries", {{"dockerConfig", "missing.json"}}}}, "registries.dockerConfig"},
  };
  for (const Case& c : cases) {
    Result<AdmissionPolicy> policy = dir.Parse(c.json);
    ASSERT_FALSE(policy.ok()) << c.json.dump();
    EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr(c.message)) << c.json.dump();
  }
  WriteFile(dir.path() / "bad-trust.json", R"({"version":"1.0","trustPolicies":[]})");
  Result<AdmissionPolicy> bad_trust = dir.Parse(with_rule("trustPolicy", "bad-trust.json"));
  ASSERT_FALSE(bad_trust.ok());
  EXPECT_THAT(bad_trust.status().message(), HasSubstr("rules[0].trustPolicy"));
  Result<AdmissionPolicy> not_json =
      AdmissionPolicy::Parse("{", dir.path(), nullptr, "policy.json");
  ASSERT_FALSE(not_json.ok());
  EXPECT_THAT(not_json.status().message(), HasSubstr("policy.json: not a JSON object"));
}

TEST(AdmissionPolicyTest, LoadResolvesPathsBesideTheFile) {
  PolicyDir dir;
  WriteFile(dir.path() / "policy.json",
            Json{{"rules", {PolicyDir::Rule("r", {"**"}, "Enforce")}}}.dump());
  Result<AdmissionPolicy> policy = AdmissionPolicy::Load(dir.path() / "policy.json", nullptr);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->rules()[0].trust_policy_file,
            dir.path() / "notation" / "trustpolicy.oci.json");
}

TEST(AdmissionPolicyTest, RegistriesResolvePathsBesideTheFile) {
  PolicyDir dir;
  EXPECT_TRUE(dir.Parse(Json::object())->registries().insecure.empty());
  EXPECT_TRUE(dir.Parse(Json::object())->registries().ca_file.empty());
  WriteFile(dir.path() / "certs" / "ca.pem", "-----BEGIN CERTIFICATE-----\n");
  WriteFile(dir.path() / "docker" / "config.json", "{}");
  Result<AdmissionPolicy> policy = dir.Parse(
      Json{{"registries",
            {{"insecure", {"127.0.0.1:5000", "registry.local"}},
             {"caFile", "certs/ca.pem"},
             {"dockerConfig", "docker/config.json"}}}});
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_THAT(policy->registries().insecure, ElementsAre("127.0.0.1:5000", "registry.local"));
  EXPECT_EQ(policy->registries().ca_file, dir.path() / "certs" / "ca.pem");
  EXPECT_EQ(policy->registries().docker_config, dir.path() / "docker" / "config.json");
}

}  // namespace
}  // namespace signet::admission
