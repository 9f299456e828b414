#include "notary/payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace signet::notary {
namespace {

using ::testing::HasSubstr;

const std::string kDigest =
    "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";

Descriptor Sample() {
  return Descriptor{"application/vnd.docker.distribution.manifest.v2+json", kDigest, 528, {}};
}

TEST(PayloadTest, SerializesWithSortedKeysAndNoWhitespace) {
  EXPECT_EQ(SerializePayload(Sample()),
            "{\"targetArtifact\":{\"digest\":\"" + kDigest +
                "\",\"mediaType\":\"application/"
                "vnd.docker.distribution.manifest.v2+json\",\"size\":528}}");
}

TEST(PayloadTest, SerializesAnnotationsSortedAndOmitsThemWhenEmpty) {
  Descriptor d = Sample();
  d.annotations = {{"io.wabbit-networks.buildTime", "1672944615"},
                   {"io.wabbit-networks.buildId", "123"}};
  EXPECT_EQ(SerializePayload(d),
            "{\"targetArtifact\":{\"annotations\":{\"io.wabbit-networks.buildId\":\"123\","
            "\"io.wabbit-networks.buildTime\":\"1672944615\"},\"digest\":\"" +
                kDigest +
                "\",\"mediaType\":\"application/"
                "vnd.docker.distribution.manifest.v2+json\",\"size\":528}}");
}

// Go's encoding/json escapes HTML characters; notation signs those bytes.
TEST(PayloadTest, EscapesStringsAsGoDoes) {
  Descriptor d = Sample();
  d.annotations = {{"k", "<a&b>\u2028\n"}};
  EXPECT_THAT(SerializePayload(d), HasSubstr(R"("k":"\u003ca\u0026b\u003e\u2028\n")"));
}

TEST(PayloadTest, RoundTrips) {
  Descriptor d = Sample();
  d.annotations = {{"a", "1"}, {"b", "<2>"}};
  Result<Descriptor> parsed = ParsePayload(SerializePayload(d));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, d);
}

TEST(PayloadTest, ParsesNotationMockPayload) {
  // The key order notation-go's mock envelopes use (mediaType first).
  Result<Descriptor> parsed = ParsePayload(
      R"({"targetArtifact":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" +
      kDigest + R"(","size":528}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, Sample());
}

TEST(PayloadTest, ToleratesOptionalOciDescriptorMembers) {
  Result<Descriptor> parsed =
      ParsePayload(R"({"targetArtifact":{"mediaType":"m","digest":")" + kDigest +
                   R"(","size":1,"urls":["https://x"],"artifactType":"a"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
}

TEST(PayloadTest, SameContentIgnoresAnnotations) {
  Descriptor a = Sample();
  Descriptor b = Sample();
  b.annotations["x"] = "y";
  EXPECT_TRUE(SameContent(a, b));
  b.size = 529;
  EXPECT_FALSE(SameContent(a, b));
  b = Sample();
  b.media_type = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_FALSE(SameContent(a, b));
}

struct BadPayload {
  std::string name;
  std::string json;
  std::string message;
  friend void PrintTo(const BadPayload& p, std::ostream* os) { *os << p.name; }
};

class PayloadRejectsTest : public ::testing::TestWithParam<BadPayload> {};

TEST_P(PayloadRejectsTest, WithAMessageNamingTheProblem) {
  Result<Descriptor> parsed = ParsePayload(GetParam().json);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr(GetParam().message));
}

std::string WithTarget(const std::string& members) {
  return R"({"targetArtifact":{)" + members + "}}";
}
const std::string kGoodMembers = R"("mediaType":"m","digest":")" + kDigest + R"(")";

INSTANTIATE_TEST_SUITE_P(
    Payloads, PayloadRejectsTest,
    ::testing::Values(
        BadPayload{"NotJson", "{", "not valid JSON"},
        BadPayload{"NotObject", "[]", "not a JSON object"},
        BadPayload{"NoTarget", "{}", "no \"targetArtifact\""},
        BadPayload{"ExtraTopLevel", R"({"targetArtifact":{},"x":1})", "unknown member \"x\""},
        BadPayload{"TargetNotObject", R"({"targetArtifact":"x"})", "not an object"},
        BadPayload{"UnknownTargetMember", WithTarget(kGoodMembers + R"(,"size":1,"foo":1)"),
                   "unknown member \"foo\""},
        BadPayload{"MissingSize", WithTarget(kGoodMembers), "no \"size\""},
        BadPayload{"SizeString", WithTarget(kGoodMembers + R"(,"size":"1")"),
                   "must be an integer, not string"},
        BadPayload{"SizeFloat", WithTarget(kGoodMembers + R"(,"size":1.5)"),
                   "must be an integer, not number"},
        BadPayload{"NegativeSize", WithTarget(kGoodMembers + R"(,"size":-1)"), "size is negative"},
        BadPayload{"MediaTypeNumber", WithTarget(R"("mediaType":1,"digest":"x","size":1)"),
                   "\"mediaType\" must be a string"},
        BadPayload{"EmptyMediaType",
                   WithTarget(R"("mediaType":"","digest":")" + kDigest + R"(","size":1)"),
                   "empty mediaType"},
        BadPayload{"DigestNoColon", WithTarget(R"("mediaType":"m","digest":"abc","size":1)"),
                   "<algorithm>:<hex>"},
        BadPayload{"DigestMd5", WithTarget(R"("mediaType":"m","digest":"md5:00","size":1)"),
                   "not supported"},
        BadPayload{"DigestShort", WithTarget(R"("mediaType":"m","digest":"sha256:abcd","size":1)"),
                   "64 hex digits"},
        BadPayload{"DigestUpperHex",
                   WithTarget(R"("mediaType":"m","digest":"sha256:)" + std::string(64, 'A') +
                              R"(","size":1)"),
                   "not lower-case hex"},
        BadPayload{"AnnotationNotString",
                   WithTarget(kGoodMembers + R"(,"size":1,"annotations":{"a":1})"),
                   "annotation \"a\" must be a string"},
        BadPayload{"DuplicateKey", WithTarget(kGoodMembers + R"(,"size":1,"size":2)"),
                   "duplicate key \"size\""}),
    [](const ::testing::TestParamInfo<BadPayload>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace signet::notary
