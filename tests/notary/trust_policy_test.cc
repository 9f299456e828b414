#include "notary/trust_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_pki.h"

namespace signet::notary {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace signet::notary::testing;  // NOLINT(google-build-using-namespace)
using Json = nlohmann::json;

// dummyOCIPolicyDocument() of notation-go verifier/helpers_test.go (vectors README §1).
const char* kNotationOciPolicy = R"({"version":"1.0","trustPolicies":[{"name":"test-statement-name",
  "registryScopes":["registry.acme-rockets.io/software/net-monitor"],
  "signatureVerification":{"level":"strict"},
  "trustStores":["ca:valid-trust-store","signingAuthority:valid-trust-store"],
  "trustedIdentities":["x509.subject:CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US"]}]})";

Json Statement(std::string name = "s", std::string scope = "registry.example.com/app") {
  return Json{{"name", name},
              {"registryScopes", {scope}},
              {"signatureVerification", {{"level", "strict"}}},
              {"trustStores", {"ca:acme"}},
              {"trustedIdentities", {"*"}}};
}

Json Document(Json statements) {
  return Json{{"version", "1.0"}, {"trustPolicies", std::move(statements)}};
}

TEST(TrustPolicyTest, ParsesNotationsOciPolicy) {
  Result<TrustPolicy> policy = TrustPolicy::ParseOci(kNotationOciPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->kind(), TrustPolicy::Kind::kOci);
  ASSERT_EQ(policy->statements().size(), 1u);
  const TrustPolicyStatement& s = policy->statements()[0];
  EXPECT_EQ(s.name, "test-statement-name");
  EXPECT_EQ(s.level.name(), "strict");
  EXPECT_EQ(s.verify_timestamp, TimestampVerification::kAlways);
  EXPECT_THAT(s.TrustStoreNames(TrustStoreType::kCa), ElementsAre("valid-trust-store"));
  EXPECT_THAT(s.TrustStoreNames(TrustStoreType::kSigningAuthority),
              ElementsAre("valid-trust-store"));
  EXPECT_TRUE(s.TrustStoreNames(TrustStoreType::kTsa).empty());
  ASSERT_EQ(s.trusted_identities.size(), 1u);
  EXPECT_TRUE(s.trusted_identities[0].is_x509_subject());
  EXPECT_EQ(s.trusted_identities[0].subject(), (DistinguishedName{{"C", "US"},
                                                                  {"CN", "Notation Test Root"},
                                                                  {"L", "Seattle"},
                                                                  {"O", "Notary"},
                                                                  {"ST", "WA"}}));
}

TEST(TrustPolicyTest, ParsesABlobPolicy) {
  Result<TrustPolicy> policy = TrustPolicy::ParseBlob(R"({"version":"1.0","trustPolicies":[
    {"name":"wabbit","signatureVerification":{"level":"strict","verifyTimestamp":"afterCertExpiry"},
     "trustStores":["ca:wabbit","tsa:tsa"],"trustedIdentities":["*"]},
    {"name":"global","globalPolicy":true,"signatureVerification":{"level":"audit"},
     "trustStores":["signingAuthority:signet"],"trustedIdentities":["*"]},
    {"name":"skipped","signatureVerification":{"level":"skip"}}]})");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->kind(), TrustPolicy::Kind::kBlob);
  EXPECT_EQ(policy->statements()[0].verify_timestamp, TimestampVerification::kAfterCertExpiry);
  EXPECT_EQ((*policy->ForBlob("wabbit"))->name, "wabbit");
  EXPECT_EQ((*policy->ForBlob(""))->name, "global");
  EXPECT_TRUE((*policy->ForBlob("skipped"))->level.skips_verification());
  EXPECT_THAT(policy->ForBlob("nope").status().message(),
              HasSubstr("no applicable blob trust policy"));
  EXPECT_EQ(policy->ForArtifact("a.io/b@sha256:00").status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST(TrustPolicyTest, BlobPolicyWithoutGlobalStatementNeedsAName) {
  Result<TrustPolicy> policy = TrustPolicy::ParseBlob(
      R"({"version":"1.0","trustPolicies":[{"name":"a","signatureVerification":{"level":"skip"}}]})");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->ForBlob("").status().code(), ErrorCode::kNotFound);
}

TEST(TrustPolicyTest, LevelsAndOverrides) {
  Json statement = Statement();
  statement["signatureVerification"] = {
      {"level", "permissive"}, {"override", {{"revocation", "skip"}, {"expiry", "enforce"}}}};
  Result<TrustPolicy> policy = TrustPolicy::ParseOci(Document({statement}).dump());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const VerificationLevel& level = policy->statements()[0].level;
  EXPECT_EQ(level.name(), "custom");
  EXPECT_EQ(level.base_name(), "permissive");
  EXPECT_EQ(level.action(VerificationCheck::kIntegrity), VerificationAction::kEnforce);
  EXPECT_EQ(level.action(VerificationCheck::kAuthenticity), VerificationAction::kEnforce);
  EXPECT_EQ(level.action(VerificationCheck::kAuthenticTimestamp), VerificationAction::kLog);
  EXPECT_EQ(level.action(VerificationCheck::kExpiry), VerificationAction::kEnforce);
  EXPECT_EQ(level.action(VerificationCheck::kRevocation), VerificationAction::kSkip);
}

TEST(VerificationLevelTest, PredefinedTable) {
  using A = VerificationAction;
  const std::map<std::string, std::array<A, 5>> table = {
      {"strict", {A::kEnforce, A::kEnforce, A::kEnforce, A::kEnforce, A::kEnforce}},
      {"permissive", {A::kEnforce, A::kEnforce, A::kLog, A::kLog, A::kLog}},
      {"audit", {A::kEnforce, A::kLog, A::kLog, A::kLog, A::kLog}},
      {"skip", {A::kSkip, A::kSkip, A::kSkip, A::kSkip, A::kSkip}}};
  for (const auto& [name, actions] : table) {
    Result<VerificationLevel> level = VerificationLevel::Named(name);
    ASSERT_TRUE(level.ok()) << name;
    for (VerificationCheck check : kVerificationChecks) {
      EXPECT_EQ(level->action(check), actions[static_cast<size_t>(check)])
          << name << " " << VerificationCheckName(check);
    }
  }
  EXPECT_TRUE(VerificationLevel::Named("skip")->skips_verification());
  EXPECT_EQ(VerificationLevel().name(), "strict");
}

TEST(TrustPolicyLookupTest, ExactScopeBeatsWildcard) {
  Result<TrustPolicy> policy = TrustPolicy::ParseOci(
      Document({Statement("exact", "registry.example.com/app"), Statement("global", "*"),
                Statement("other", "localhost:5000/net-monitor")})
          .dump());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ((*policy->ForArtifact("registry.example.com/app@sha256:abc"))->name, "exact");
  EXPECT_EQ((*policy->ForArtifact("registry.example.com/other@sha256:abc"))->name, "global");
  EXPECT_EQ((*policy->ForArtifact("localhost:5000/net-monitor@sha256:fe7e"))->name, "other");
}

TEST(TrustPolicyLookupTest, NoApplicablePolicyAndBadReferences) {
  Result<TrustPolicy> policy = TrustPolicy::ParseOci(kNotationOciPolicy);
  ASSERT_TRUE(policy.ok());
  Result<const TrustPolicyStatement*> none =
      policy->ForArtifact("registry.acme-rockets.io/other@sha256:00");
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(none.status().message(), HasSubstr("has no applicable trust policy"));
  EXPECT_THAT(
      policy->ForArtifact("registry.acme-rockets.io/software/net-monitor:v1").status().message(),
      HasSubstr("could not be parsed"));
  EXPECT_THAT(policy->ForArtifact("https://registry.acme-rockets.io/software/net-monitor@sha256:00")
                  .status()
                  .message(),
              HasSubstr("is not valid"));
  EXPECT_EQ(policy->ForBlob("x").status().code(), ErrorCode::kFailedPrecondition);
}

TEST(RegistryScopeTest, FollowsTheDistributionGrammar) {
  for (const char* good :
       {"registry.acme-rockets.io/software/net-monitor", "localhost:5000/net-monitor",
        "local/oci-layout", "a.io/x__y/z-w/v.1", "a.io/x---y"}) {
    EXPECT_TRUE(ValidateRegistryScope(good).ok()) << good;
  }
  for (const char* bad : {"registry.acme-rockets.io", "registry.acme-rockets.io/", "/repo",
                          "a.io/Upper", "a.io/repo:tag", "-a.io/repo", "a.io:/repo", "a.io/repo/",
                          "a.io//repo", "a.io/x..y", "a.io/x___y", "a.io/_x"}) {
    EXPECT_FALSE(ValidateRegistryScope(bad).ok()) << bad;
  }
  EXPECT_THAT(ValidateRegistryScope("a.io/*").message(),
              HasSubstr("with wild card(s) is not valid"));
}

struct BadPolicy {
  std::string name;
  std::function<Json()> build;
  std::string message;
  friend void PrintTo(const BadPolicy& b, std::ostream* os) { *os << b.name; }
};

class TrustPolicyRejectsTest : public ::testing::TestWithParam<BadPolicy> {};

TEST_P(TrustPolicyRejectsTest, WithNotationsMessage) {
  Result<TrustPolicy> policy = TrustPolicy::ParseOci(MarshalJson(GetParam().build()));
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr(GetParam().message));
}

Json WithStatement(const std::function<void(Json&)>& edit) {
  Json statement = Statement();
  edit(statement);
  return Document({statement});
}

std::vector<BadPolicy> BadPolicies() {
  return {
      {"NotJson", [] { return Json("not an object"); }, "trust policy is not a JSON object"},
      {"NoVersion",
       [] {
         return Json{{"trustPolicies", {Statement()}}};
       },
       "trust policy document is missing or has empty version, it must be specified"},
      {"BadVersion",
       [] {
         return Json{{"version", "2.0"}, {"trustPolicies", {Statement()}}};
       },
       "trust policy document uses unsupported version \"2.0\""},
      {"NoStatements", [] { return Document(Json::array()); },
       "trust policy document can not have zero trust policy statements"},
      {"UnknownTopLevel",
       [] {
         Json d = Document({Statement()});
         d["trustPolicy"] = 1;
         return d;
       },
       "has unknown member \"trustPolicy\""},
      {"UnknownStatementMember",
       [] { return WithStatement([](Json& s) { s["trustStore"] = {"ca:x"}; }); },
       "has unknown member \"trustStore\""},
      {"GlobalPolicyInOci", [] { return WithStatement([](Json& s) { s["globalPolicy"] = true; }); },
       "has unknown member \"globalPolicy\""},
      {"NoName", [] { return WithStatement([](Json& s) { s.erase("name"); }); },
       "a trust policy statement is missing a name, every statement requires a name"},
      {"DuplicateName",
       [] {
         return Document({Statement("a", "a.io/x"), Statement("a", "a.io/y")});
       },
       "multiple trust policy statements use the same name \"a\", statement names must be unique"},
      {"NoLevel",
       [] { return WithStatement([](Json& s) { s["signatureVerification"] = Json::object(); }); },
       "trust policy statement \"s\" has invalid signatureVerification: signature verification "
       "level is empty or "
       "missing in the trust policy statement"},
      {"BadLevel",
       [] {
         return WithStatement([](Json& s) { s["signatureVerification"]["level"] = "paranoid"; });
       },
       "invalid signature verification level \"paranoid\""},
      {"OverrideIntegrity",
       [] {
         return WithStatement([](Json& s) {
           s["signatureVerification"]["override"] = {{"integrity", "log"}};
         });
       },
       "\"integrity\" verification can not be overridden in custom signature verification"},
      {"OverrideSkipAuthenticity",
       [] {
         return WithStatement([](Json& s) {
           s["signatureVerification"]["override"] = {{"authenticity", "skip"}};
         });
       },
       "\"authenticity\" verification can not be skipped in custom signature verification"},
      {"OverrideUnknownType",
       [] {
         return WithStatement([](Json& s) {
           s["signatureVerification"]["override"] = {{"freshness", "log"}};
         });
       },
       "verification type \"freshness\" in custom signature verification is not supported"},
      {"OverrideUnknownAction",
       [] {
         return WithStatement([](Json& s) {
           s["signatureVerification"]["override"] = {{"expiry", "warn"}};
         });
       },
       "verification action \"warn\" in custom signature verification is not supported"},
      {"OverrideSkipLevel",
       [] {
         return WithStatement([](Json& s) {
           s["signatureVerification"] = {{"level", "skip"}, {"override", {{"expiry", "log"}}}};
           s.erase("trustStores");
           s.erase("trustedIdentities");
         });
       },
       "signature verification level \"skip\" can't be used to customize signature verification"},
      {"BadVerifyTimestamp",
       [] {
         return WithStatement(
             [](Json& s) { s["signatureVerification"]["verifyTimestamp"] = "never"; });
       },
       "verifyTimestamp \"never\" is not supported"},
      {"SkipWithStores",
       [] { return WithStatement([](Json& s) { s["signatureVerification"]["level"] = "skip"; }); },
       "is set to skip signature verification but configured with trust stores and/or trusted "
       "identities"},
      {"NoStores", [] { return WithStatement([](Json& s) { s.erase("trustStores"); }); },
       "is either missing trust stores or trusted identities, both must be specified"},
      {"NoIdentities",
       [] { return WithStatement([](Json& s) { s["trustedIdentities"] = Json::array(); }); },
       "is either missing trust stores or trusted identities, both must be specified"},
      {"StoreMissingSeparator",
       [] { return WithStatement([](Json& s) { s["trustStores"] = {"tsa"}; }); },
       "invalid trust policy statement: \"s\" is missing separator in trust store value \"tsa\". "
       "The required "
       "format is <TrustStoreType>:<TrustStoreName>"},
      {"StoreUnknownType",
       [] { return WithStatement([](Json& s) { s["trustStores"] = {"x509:acme"}; }); },
       "uses an unsupported trust store type \"x509\" in trust store value \"x509:acme\""},
      {"StoreBadName", [] { return WithStatement([](Json& s) { s["trustStores"] = {"ca:a/b"}; }); },
       "uses an unsupported trust store name \"a/b\""},
      {"StoresNotStrings", [] { return WithStatement([](Json& s) { s["trustStores"] = {1}; }); },
       "member \"trustStores\" must be an array of strings"},
      {"WildcardIdentityWithOthers",
       [] {
         return WithStatement([](Json& s) {
           s["trustedIdentities"] = {"*", "x509.subject: C=US, ST=WA, O=A"};
         });
       },
       "uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction "
       "with other values"},
      {"EmptyIdentity",
       [] { return WithStatement([](Json& s) { s["trustedIdentities"] = {""}; }); },
       "has an empty trusted identity"},
      {"IdentityMissingSeparator",
       [] { return WithStatement([](Json& s) { s["trustedIdentities"] = {"C=US"}; }); },
       "has trusted identity \"C=US\" missing separator"},
      {"IdentityWithoutValue",
       [] { return WithStatement([](Json& s) { s["trustedIdentities"] = {"x509.subject:"}; }); },
       "has trusted identity \"x509.subject:\" without an identity value"},
      {"IdentityMissingMandatory",
       [] {
         return WithStatement(
             [](Json& s) { s["trustedIdentities"] = {"x509.subject: C=US, O=A"}; });
       },
       "has no mandatory RDN attribute for \"ST\""},
      {"IdentityMultiValued",
       [] {
         return WithStatement(
             [](Json& s) { s["trustedIdentities"] = {"x509.subject: C=US+ST=WA, O=A"}; });
       },
       "has multi-valued RDN attributes"},
      {"IdentityDuplicateAttribute",
       [] {
         return WithStatement(
             [](Json& s) { s["trustedIdentities"] = {"x509.subject: C=US, ST=WA, O=A, O=B"}; });
       },
       "has duplicate RDN attribute for \"O\""},
      {"IdentityHexValue",
       [] {
         return WithStatement(
             [](Json& s) { s["trustedIdentities"] = {"x509.subject: C=US, ST=WA, O=#04024869"}; });
       },
       "notation does not support x509.subject identities containing \"=#\""},
      {"OverlappingIdentities",
       [] {
         return WithStatement([](Json& s) {
           s["trustedIdentities"] = {"x509.subject: C=US, ST=WA, O=wabbit-network.io, OU=org1",
                                     "x509.subject: C=US, ST=WA, O=wabbit-network.io"};
         });
       },
       "has overlapping x509 trustedIdentities"},
      {"NoScopes",
       [] { return WithStatement([](Json& s) { s["registryScopes"] = Json::array(); }); },
       "trust policy statement \"s\" has zero registry scopes, it must specify registry scopes "
       "with at least one "
       "value"},
      {"WildcardScopeWithOthers",
       [] { return WithStatement([](Json& s) {
              s["registryScopes"] = {"*", "a.io/b"};
            }); },
       "uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with "
       "other scope values"},
      {"BadScope",
       [] { return WithStatement([](Json& s) { s["registryScopes"] = {"a.io/b:latest"}; }); },
       "registry scope \"a.io/b:latest\" is not valid"},
      {"ScopeInTwoStatements",
       [] {
         return Document({Statement("a", "a.io/x"), Statement("b", "a.io/x")});
       },
       "registry scope \"a.io/x\" is present in multiple trust policy statements"},
      {"TwoGlobalScopes",
       [] {
         return Document({Statement("a", "*"), Statement("b", "*")});
       },
       "registry scope \"*\" is present in multiple trust policy statements"},
      {"LevelNotString",
       [] { return WithStatement([](Json& s) { s["signatureVerification"]["level"] = 1; }); },
       "member \"level\" must be a string, not integer"},
  };
}

INSTANTIATE_TEST_SUITE_P(Documents, TrustPolicyRejectsTest, ::testing::ValuesIn(BadPolicies()),
                         [](const ::testing::TestParamInfo<BadPolicy>& param_info) {
                           return param_info.param.name;
                         });

TEST(TrustPolicyTest, BlobDocumentRules) {
  EXPECT_THAT(TrustPolicy::ParseBlob(MarshalJson(Document({Statement()}))).status().message(),
              HasSubstr("has unknown member \"registryScopes\""));
  Json a = Statement("a");
  a.erase("registryScopes");
  a["globalPolicy"] = true;
  Json b = a;
  b["name"] = "b";
  EXPECT_THAT(TrustPolicy::ParseBlob(MarshalJson(Document({a, b}))).status().message(),
              HasSubstr("multiple trust policy statements have globalPolicy set to true"));
  a["globalPolicy"] = "yes";
  EXPECT_THAT(TrustPolicy::ParseBlob(MarshalJson(Document({a}))).status().message(),
              HasSubstr("member \"globalPolicy\" must be a boolean"));
}

TEST(TrustPolicyTest, LoadsFilesLikeNotation) {
  TempDir dir;
  EXPECT_THAT(TrustPolicy::LoadOci(dir.path()).status().message(),
              HasSubstr("trust policy is not present"));
  WriteFile(dir.path() / "trustpolicy.json", kNotationOciPolicy);  // the legacy name
  Result<TrustPolicy> legacy = TrustPolicy::LoadOci(dir.path());
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->statements()[0].name, "test-statement-name");

  Json other = Document({Statement("from-oci-json", "*")});
  WriteFile(dir.path() / "trustpolicy.oci.json", MarshalJson(other));  // takes precedence
  EXPECT_EQ(TrustPolicy::LoadOci(dir.path())->statements()[0].name, "from-oci-json");

  WriteFile(dir.path() / "trustpolicy.blob.json", "{");
  EXPECT_THAT(TrustPolicy::LoadBlob(dir.path()).status().message(),
              HasSubstr("trustpolicy.blob.json"));

  std::filesystem::remove(dir.path() / "trustpolicy.oci.json");
  std::filesystem::create_symlink(dir.path() / "trustpolicy.json",
                                  dir.path() / "trustpolicy.oci.json");
  EXPECT_THAT(TrustPolicy::LoadOci(dir.path()).status().message(),
              HasSubstr("symlinks are not supported"));
}

TEST(DistinguishedNameTest, ParsesRfc4514) {
  Result<DistinguishedName> dn =
      ParseDistinguishedName(R"( C=US , S=WA, O=Acme\, Inc., OU=\ lead space, CN=a\2Bb\\c\=d\ )");
  ASSERT_TRUE(dn.ok()) << dn.status().ToString();
  EXPECT_EQ(*dn, (DistinguishedName{{"C", "US"},
                                    {"ST", "WA"},
                                    {"O", "Acme, Inc."},
                                    {"OU", " lead space"},
                                    {"CN", "a+b\\c=d "}}));
  Result<DistinguishedName> lower = ParseDistinguishedName("c=US,st=WA,o=Acme");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->count("ST"), 1u);
  EXPECT_FALSE(ParseDistinguishedName("C=US,ST=WA,O=Acme,").ok());
  EXPECT_FALSE(ParseDistinguishedName("C=US,ST=WA,O=A\\").ok());
  EXPECT_FALSE(ParseDistinguishedName("C=US,ST=WA,O=A\"B").ok());
  EXPECT_FALSE(ParseDistinguishedName("C=US,ST=WA,=A").ok());
}

TEST(DistinguishedNameTest, SubsetMatch) {
  const DistinguishedName leaf = {{"C", "US"}, {"ST", "WA"}, {"O", "Notary"}, {"CN", "x"}};
  EXPECT_TRUE(IsSubsetDn({{"C", "US"}, {"ST", "WA"}, {"O", "Notary"}}, leaf));
  EXPECT_TRUE(IsSubsetDn(leaf, leaf));
  EXPECT_FALSE(IsSubsetDn({{"C", "US"}, {"ST", "WA"}, {"O", "Other"}}, leaf));
  EXPECT_FALSE(IsSubsetDn({{"C", "US"}, {"ST", "WA"}, {"O", "Notary"}, {"OU", "x"}}, leaf));
}

TEST(TrustedIdentityTest, MatchesTheLeafSubject) {
  const TestPki pki = MakePki();  // leaf: CN=Test Signer 0,O=Notary,L=Seattle,ST=WA,C=US
  const auto identities = [](std::vector<std::string> values) {
    std::vector<TrustedIdentity> out;
    for (const std::string& v : values) out.push_back(TrustedIdentity::Parse(v, "p").value());
    return out;
  };
  EXPECT_TRUE(MatchTrustedIdentities(identities({"*"}), "p", pki.leaf).ok());
  EXPECT_TRUE(
      MatchTrustedIdentities(identities({"x509.subject: C=US, ST=WA, O=Notary"}), "p", pki.leaf)
          .ok());
  EXPECT_TRUE(
      MatchTrustedIdentities(identities({"x509.subject: C=US, ST=WA, O=Other",
                                         "x509.subject: CN=Test Signer 0, C=US, ST=WA, O=Notary"}),
                             "p", pki.leaf)
          .ok());
  Status mismatch =
      MatchTrustedIdentities(identities({"x509.subject: C=US, ST=WA, O=Other"}), "p", pki.leaf);
  EXPECT_EQ(
      mismatch.message(),
      "signing certificate from the digital signature does not match the X.509 trusted identities "
      "[map[\"C\":\"US\" \"O\":\"Other\" \"ST\":\"WA\"]] defined in the trust policy \"p\"");
  EXPECT_THAT(MatchTrustedIdentities(identities({"other.type:foo"}), "p", pki.leaf).message(),
              HasSubstr("no x509 trusted identities are configured in the trust policy \"p\""));
}

// As the AWS Signer plugin accepts them: a profile ARN trusts every version of the profile, a
// profile version ARN only itself; the signer is the envelope's signed profile version attribute.
TEST(TrustedIdentityTest, SigningProfileArnsMatchTheEnvelopesProfileVersion) {
  const TestPki pki = MakePki();
  const auto identities = [](std::vector<std::string> values) {
    std::vector<TrustedIdentity> out;
    for (const std::string& v : values) out.push_back(TrustedIdentity::Parse(v, "p").value());
    return out;
  };
  const std::string profile = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/images";
  const std::string version = profile + "/AbCdE12345";
  const std::string other_version = profile + "/ZzZzZ99999";

  EXPECT_TRUE(MatchTrustedIdentities(identities({profile}), "p", pki.leaf, version).ok());
  EXPECT_TRUE(MatchTrustedIdentities(identities({version}), "p", pki.leaf, version).ok());
  EXPECT_TRUE(MatchTrustedIdentities(identities({"x509.subject: C=US, ST=WA, O=Other", profile}),
                                     "p", pki.leaf, version)
                  .ok());
  // Another version, a profile whose name only starts the same, no attribute at all.
  Status other = MatchTrustedIdentities(identities({version}), "p", pki.leaf, other_version);
  EXPECT_EQ(other.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(other.message(), HasSubstr("is not one of the trusted identities"));
  EXPECT_THAT(other.message(), HasSubstr(other_version));
  EXPECT_FALSE(MatchTrustedIdentities(identities({profile}), "p", pki.leaf,
                                      profile + "x/AbCdE12345")
                   .ok());
  EXPECT_THAT(MatchTrustedIdentities(identities({profile}), "p", pki.leaf).message(),
              HasSubstr("the envelope names no profile"));
  // With an X.509 identity too, the message names both kinds.
  EXPECT_THAT(MatchTrustedIdentities(identities({"x509.subject: C=US, ST=WA, O=Other", profile}),
                                     "p", pki.leaf, other_version + "x")
                  .message(),
              HasSubstr("and its signing profile version is not one of"));

  // Anything else starting "arn:" is refused when the policy is read, not silently never matched.
  for (const char* bad : {"arn:aws:signer:us-east-1:000000000000:/signing-jobs/x",
                          "arn:aws:iam::000000000000:user/alice", "arn:"}) {
    Result<TrustedIdentity> parsed = TrustedIdentity::Parse(bad, "p");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(),
                HasSubstr("is not a signing profile or profile version ARN"));
  }
}

}  // namespace
}  // namespace signet::notary
