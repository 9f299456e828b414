#include "oci/referrers_index.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace signet::oci {
namespace {

Descriptor Signature(char fill, std::string artifact_type = "application/vnd.cncf.notary.signature") {
  return Descriptor{std::string(kOciManifestMediaType), "sha256:" + std::string(64, fill), 600,
                    std::move(artifact_type), {{"org.opencontainers.image.created", "2026-01-01T00:00:00Z"}}};
}

std::vector<Descriptor> Listed(const std::string& index) {
  auto info = ParseManifest(index);
  EXPECT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->media_type, kOciIndexMediaType);
  return info.ok() ? info->manifests : std::vector<Descriptor>{};
}

TEST(ReferrersIndexTest, FirstReferrerCreatesTheIndex) {
  auto index = AddToReferrersIndex(std::nullopt, Signature('a'));
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_TRUE(index->has_value());
  EXPECT_EQ(Listed(**index), std::vector<Descriptor>{Signature('a')});
}

TEST(ReferrersIndexTest, AppendsKeepsOthersAndIsIdempotent) {
  auto one = AddToReferrersIndex(std::nullopt, Signature('a'));
  auto two = AddToReferrersIndex(std::string_view(**one), Signature('b', "application/vnd.example.sbom"));
  ASSERT_TRUE(two.ok() && two->has_value());
  EXPECT_EQ(Listed(**two), (std::vector<Descriptor>{Signature('a'), Signature('b', "application/vnd.example.sbom")}));
  auto again = AddToReferrersIndex(std::string_view(**two), Signature('a'));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());  // already listed: nothing to push
}

TEST(ReferrersIndexTest, KeepsFieldsItDoesNotKnow) {
  const std::string foreign = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
    "annotations":{"made.by":"another tool"},
    "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
                              std::string(64, 'c') + R"(","size":9,"platform":{"os":"linux"}}]})";
  auto next = AddToReferrersIndex(std::string_view(foreign), Signature('a'));
  ASSERT_TRUE(next.ok() && next->has_value()) << next.status().ToString();
  const auto doc = nlohmann::json::parse(**next);
  EXPECT_EQ(doc["annotations"]["made.by"], "another tool");
  EXPECT_EQ(doc["manifests"][0]["platform"]["os"], "linux");
  EXPECT_EQ(doc["manifests"].size(), 2u);
}

TEST(ReferrersIndexTest, RemovesOnlyTheDeletedReferrer) {
  auto one = AddToReferrersIndex(std::nullopt, Signature('a'));
  auto two = AddToReferrersIndex(std::string_view(**one), Signature('b'));
  auto removed = RemoveFromReferrersIndex(**two, Signature('a').digest);
  ASSERT_TRUE(removed.ok() && removed->has_value());
  EXPECT_EQ(Listed(**removed), std::vector<Descriptor>{Signature('b')});
  auto absent = RemoveFromReferrersIndex(**removed, Signature('a').digest);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto empty = RemoveFromReferrersIndex(**removed, Signature('b').digest);
  ASSERT_TRUE(empty.ok() && empty->has_value());
  EXPECT_TRUE(Listed(**empty).empty());
}

TEST(ReferrersIndexTest, RefusesSomethingElseUnderTheTag) {
  const std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";
  auto add = AddToReferrersIndex(std::string_view(manifest), Signature('a'));
  ASSERT_FALSE(add.ok());
  EXPECT_NE(add.status().message().find("not an OCI image index"), std::string::npos);
  EXPECT_FALSE(RemoveFromReferrersIndex("{", Signature('a').digest).ok());
}

TEST(ReferrersIndexTest, FiltersByArtifactType) {
  std::vector<Descriptor> all = {Signature('a'), Signature('b', "application/vnd.example.sbom")};
  EXPECT_EQ(FilterByArtifactType(all, "").size(), 2u);
  auto sigs = FilterByArtifactType(all, "application/vnd.cncf.notary.signature");
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0].digest, Signature('a').digest);
  EXPECT_TRUE(FilterByArtifactType(all, "application/other").empty());
}

}  // namespace
}  // namespace signet::oci
