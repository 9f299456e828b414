// The signature manifest: notation-go's bytes for the same inputs, both forms it reads, and the
// malformed manifests it refuses.
#include "imagesig/signature_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "notary/signature_envelope.h"
#include "oci/digest.h"

namespace signet::imagesig {
namespace {

using ::testing::HasSubstr;

Timestamp At(const char* text) { return ParseRfc3339(text).value(); }

// The image and envelope of notation-go's TestOciLayoutRepositoryPushAndFetch
// (tests/testdata/notation-vectors/README.md §3).
const oci::Descriptor kSubject{"application/vnd.oci.image.manifest.v1+json",
                               "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0",
                               481,
                               "",
                               {}};
const oci::Descriptor kEnvelope{"application/jose+json",
                                "sha256:586c5e0f341d7d07e835a06b7c9f21c21fff4f4a85933079e5859f99ba0ad02d",
                                2078,
                                "",
                                {}};
constexpr const char* kThumbprint = "9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d";

// The manifest notation-go pushes for them: sha256:64300ad0…73d6, 793 bytes.
constexpr const char* kNotationManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"layers":[{"mediaType":"application/jose+json","digest":"sha256:586c5e0f341d7d07e835a06b7c9f21c21fff4f4a85933079e5859f99ba0ad02d","size":2078}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0","size":481},"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[\"9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d\"]","org.opencontainers.image.created":"2023-03-14T08:10:02Z"}})";

// The same signature in the older form notation still reads: no artifactType, the config's media
// type says what it is.
std::string LegacyManifest(const std::string& layers) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.cncf.notary.signature","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
    "layers":)" + layers + R"(,
    "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0","size":481}})";
}
const std::string kOneLayer =
    R"([{"mediaType":"application/jose+json","digest":"sha256:586c5e0f341d7d07e835a06b7c9f21c21fff4f4a85933079e5859f99ba0ad02d","size":2078}])";

TEST(SignatureManifestTest, BuildsNotationGoBytes) {
  Result<std::string> built =
      BuildSignatureManifest(kSubject, kEnvelope, {kThumbprint}, At("2023-03-14T08:10:02Z"));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(*built, kNotationManifest);
  EXPECT_EQ(built->size(), 793u);
  EXPECT_EQ(oci::Sha256Digest(*built),
            "sha256:64300ad03f1dcd18136787363f3069c9598623221cbe76e3233d35266b7973d6");
}

TEST(SignatureManifestTest, RoundTrips) {
  const std::string built = BuildSignatureManifest(kSubject, kEnvelope, {kThumbprint, "ab"},
                                                   At("2026-01-02T03:04:05Z"))
                                .value();
  Result<SignatureManifest> parsed = ParseSignatureManifest(built);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->form, SignatureManifestForm::kArtifactType);
  EXPECT_EQ(parsed->subject, kSubject);
  EXPECT_EQ(parsed->envelope, kEnvelope);
  EXPECT_EQ(parsed->thumbprints, (std::vector<std::string>{kThumbprint, "ab"}));
  EXPECT_EQ(parsed->created, At("2026-01-02T03:04:05Z"));
  EXPECT_EQ(parsed->annotations.at(std::string(kThumbprintAnnotation)),
            "[\"" + std::string(kThumbprint) + "\",\"ab\"]");
}

TEST(SignatureManifestTest, ParsesNotationsManifest) {
  Result<SignatureManifest> parsed = ParseSignatureManifest(kNotationManifest);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->subject, kSubject);
  EXPECT_EQ(parsed->thumbprints, std::vector<std::string>{kThumbprint});
}

TEST(SignatureManifestTest, ParsesTheLegacyConfigForm) {
  Result<SignatureManifest> parsed = ParseSignatureManifest(LegacyManifest(kOneLayer));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->form, SignatureManifestForm::kLegacyConfig);
  EXPECT_EQ(parsed->envelope, kEnvelope);
  EXPECT_TRUE(parsed->thumbprints.empty());
  EXPECT_FALSE(parsed->created.has_value());
}

TEST(SignatureManifestTest, AcceptsACoseEnvelope) {
  oci::Descriptor cose = kEnvelope;
  cose.media_type = std::string(notary::kCoseMediaType);
  const std::string built =
      BuildSignatureManifest(kSubject, cose, {kThumbprint}, At("2026-01-02T03:04:05Z")).value();
  EXPECT_EQ(ParseSignatureManifest(built)->envelope.media_type, notary::kCoseMediaType);
}

void ExpectRefused(const std::string& manifest, const std::string& message) {
  Result<SignatureManifest> parsed = ParseSignatureManifest(manifest);
  ASSERT_FALSE(parsed.ok()) << manifest;
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr(message));
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(SignatureManifestTest, RefusesMalformedManifests) {
  ExpectRefused("not json", "not JSON");
  ExpectRefused(LegacyManifest("[]"), "exactly one signature envelope blob, got 0");
  const std::string two = Replace(kOneLayer, "]", "," + kOneLayer.substr(1));
  ExpectRefused(LegacyManifest(two), "exactly one signature envelope blob, got 2");
  ExpectRefused(Replace(kNotationManifest, R"("mediaType":"application/jose+json")",
                        R"("mediaType":"application/octet-stream")"),
                "'application/octet-stream' is not supported");
  ExpectRefused(Replace(kNotationManifest, R"("size":2078)", R"("size":33554433)"),
                "over the 32 MiB limit");
  ExpectRefused(Replace(kNotationManifest, R"("artifactType":"application/vnd.cncf.notary.signature")",
                        R"("artifactType":"application/vnd.example.sbom")"),
                "not a Notary signature manifest");
  ExpectRefused(Replace(kNotationManifest, R"("artifactType":"application/vnd.cncf.notary.signature",)", ""),
                "its artifact type is 'application/vnd.oci.empty.v1+json'");
  ExpectRefused(Replace(kNotationManifest, R"("mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType")",
                        R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json","artifactType")"),
                "must be an OCI image manifest");
  const std::string no_subject = Replace(
      kNotationManifest,
      R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0","size":481},)",
      "");
  ExpectRefused(no_subject, "has no subject");
  ExpectRefused(Replace(kNotationManifest, "sha256:586c5e0f", "sha256:586C5E0F"), "digest");
}

TEST(SignatureManifestTest, UnreadableAnnotationsAreIgnored) {
  const std::string odd = Replace(Replace(kNotationManifest, R"("[\"9f5f)", R"("{\"9f5f)"),
                                  "2023-03-14T08:10:02Z", "yesterday");
  Result<SignatureManifest> parsed = ParseSignatureManifest(odd);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->thumbprints.empty());
  EXPECT_FALSE(parsed->created.has_value());
}

TEST(SignatureManifestTest, BuildRefusesWhatNotationWouldNotRead) {
  oci::Descriptor octet = kEnvelope;
  octet.media_type = "application/octet-stream";
  EXPECT_FALSE(BuildSignatureManifest(kSubject, octet, {kThumbprint}, At("2026-01-02T03:04:05Z")).ok());
  EXPECT_FALSE(BuildSignatureManifest(kSubject, kEnvelope, {}, At("2026-01-02T03:04:05Z")).ok());
  oci::Descriptor bad = kSubject;
  bad.digest = "sha256:xyz";
  EXPECT_FALSE(BuildSignatureManifest(bad, kEnvelope, {kThumbprint}, At("2026-01-02T03:04:05Z")).ok());
}

}  // namespace
}  // namespace signet::imagesig
