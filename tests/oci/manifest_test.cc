#include "oci/manifest.h"

#include <gtest/gtest.h>

#include "oci/digest.h"

namespace signet::oci {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

TEST(DigestTest, ValidatesComputesAndVerifies) {
  EXPECT_EQ(Sha256Digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Digest("{}"), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_TRUE(ValidateDigest(kA).ok());
  EXPECT_TRUE(ValidateDigest("sha512:" + std::string(128, '0')).ok());
  EXPECT_FALSE(ValidateDigest("sha256:" + std::string(63, 'a')).ok());
  EXPECT_FALSE(ValidateDigest("sha384:" + std::string(96, 'a')).ok());
  EXPECT_FALSE(ValidateDigest("sha256" + std::string(64, 'a')).ok());
  EXPECT_TRUE(VerifyDigest(Sha256Digest("hello"), "hello", "blob").ok());
  Status mismatch = VerifyDigest(Sha256Digest("hello"), "hellO", "blob x");
  EXPECT_EQ(mismatch.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("blob x does not match its digest sha256:2cf24dba"), std::string::npos)
      << mismatch.message();
}

TEST(DigestTest, ReferrersTagSchema) {
  EXPECT_EQ(*ReferrersTag(kA), "sha256-" + std::string(64, 'a'));
  // sha512 is truncated to 64 hex digits so that the tag stays under 128 characters.
  EXPECT_EQ(*ReferrersTag("sha512:" + std::string(64, '1') + std::string(64, '2')),
            "sha512-" + std::string(64, '1'));
  EXPECT_FALSE(ReferrersTag("latest").ok());
}

TEST(ManifestTest, ParsesAnArtifactManifestItBuilt) {
  Descriptor layer{"application/jose+json", kA, 1234, "", {}};
  Descriptor subject{std::string(kOciManifestMediaType), kB, 481, "", {{"ignored", "x"}}};
  const std::string bytes = SerializeArtifactManifest(
      "application/vnd.cncf.notary.signature", {layer}, subject,
      {{"org.opencontainers.image.created", "2026-01-01T00:00:00Z"}});
  auto info = ParseManifest(bytes);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->media_type, kOciManifestMediaType);
  EXPECT_EQ(info->artifact_type, "application/vnd.cncf.notary.signature");
  ASSERT_TRUE(info->config.has_value());
  EXPECT_EQ(*info->config, EmptyConfigDescriptor());
  ASSERT_EQ(info->layers.size(), 1u);
  EXPECT_EQ(info->layers[0], layer);
  ASSERT_TRUE(info->subject.has_value());
  EXPECT_EQ(info->subject->digest, kB);
  EXPECT_TRUE(info->subject->annotations.empty());  // only mediaType, digest, size are written
  EXPECT_EQ(info->annotations.at("org.opencontainers.image.created"), "2026-01-01T00:00:00Z");

  Descriptor as_referrer = ReferrerDescriptor(*info, kOciManifestMediaType, kA, bytes.size());
  EXPECT_EQ(as_referrer.artifact_type, "application/vnd.cncf.notary.signature");
  EXPECT_EQ(as_referrer.annotations, info->annotations);
}

TEST(ManifestTest, LegacyFormTakesArtifactTypeFromConfig) {
  const std::string legacy = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.cncf.notary.signature","digest":")" + kA + R"(","size":2},
    "layers":[]})";
  auto info = ParseManifest(legacy);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(ReferrerDescriptor(*info, kOciManifestMediaType, kB, 1).artifact_type,
            "application/vnd.cncf.notary.signature");
}

TEST(ManifestTest, RejectsMalformed) {
  const std::string cases[] = {
      "not json",
      "[]",
      R"({"schemaVersion":1})",
      R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:zz","size":1}})",
      R"({"schemaVersion":2,"layers":[{"mediaType":"x","digest":")" + kA + R"(","size":-1}]})",
      R"({"schemaVersion":2,"layers":{}})",
      R"({"schemaVersion":2,"mediaType":7})",
      R"({"schemaVersion":2,"annotations":{"a":1}})",
      R"({"schemaVersion":2,"subject":{"mediaType":"x","size":1}})",
  };
  for (const std::string& bad : cases) {
    auto info = ParseManifest(bad);
    EXPECT_FALSE(info.ok()) << bad;
    if (!info.ok()) { EXPECT_EQ(info.status().code(), ErrorCode::kInvalidArgument) << bad; }
  }
}

TEST(ManifestTest, MediaTypes) {
  EXPECT_TRUE(IsManifestMediaType(kDockerManifestListMediaType));
  EXPECT_TRUE(IsIndexMediaType(kDockerManifestListMediaType));
  EXPECT_FALSE(IsIndexMediaType(kOciManifestMediaType));
  EXPECT_FALSE(IsManifestMediaType("application/json"));
}

}  // namespace
}  // namespace signet::oci
