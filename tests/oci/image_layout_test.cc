#include "oci/image_layout.h"

#include <gtest/gtest.h>

#include <fstream>

#include "oci/digest.h"
#include "testing/temp_dir.h"

namespace signet::oci {
namespace {

namespace fs = std::filesystem;

const fs::path kNotationLayout =
    fs::path(SIGNET_TESTDATA_DIR) / "notation-vectors/notation-go/internal/testdata/oci-layout";
const std::string kNotationImage =
    "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0";
constexpr std::string_view kSignature = "application/vnd.cncf.notary.signature";

void Overwrite(const fs::path& path, const std::string& bytes) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Pushes an artifact manifest (one layer `content`) whose subject is `subject`.
Descriptor PushSignature(ImageLayout& layout, const Descriptor& subject, const std::string& content) {
  Descriptor layer{"application/jose+json", Sha256Digest(content), content.size(), "", {}};
  EXPECT_TRUE(layout.PushBlob(layer.digest, content).ok());
  EXPECT_TRUE(layout.PushBlob(EmptyConfigDescriptor().digest, kEmptyJsonBlob).ok());
  auto pushed = layout.PushManifest(kOciManifestMediaType,
                                    SerializeArtifactManifest(kSignature, {layer}, subject, {}));
  EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
  return pushed.ok() ? pushed->descriptor : Descriptor{};
}

TEST(ImageLayoutTest, ReadsTheNotationGoLayout) {
  auto layout = ImageLayout::Open(kNotationLayout);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  auto d = (*layout)->Resolve("v2");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->digest, kNotationImage);
  EXPECT_EQ(d->media_type, kOciManifestMediaType);
  EXPECT_EQ(d->size, 481u);
  auto manifest = (*layout)->FetchManifest("v2");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(Sha256Digest(manifest->bytes), kNotationImage);
  auto by_digest = (*layout)->FetchManifest(kNotationImage);
  ASSERT_TRUE(by_digest.ok());
  EXPECT_EQ(by_digest->bytes, manifest->bytes);
  auto info = ParseManifest(manifest->bytes);
  ASSERT_TRUE(info.ok());
  auto config = (*layout)->FetchBlob(*info->config);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->size(), 1035u);
  // The layer was left out of the vectors: NotFound only when it is read.
  auto layer = (*layout)->FetchBlob(info->layers[0]);
  EXPECT_EQ(layer.status().code(), ErrorCode::kNotFound);
  auto referrers = (*layout)->Referrers(kNotationImage);
  ASSERT_TRUE(referrers.ok());
  EXPECT_TRUE(referrers->empty());
  EXPECT_EQ((*layout)->Resolve("v3").status().code(), ErrorCode::kNotFound);
}

TEST(ImageLayoutTest, SignaturesAreReferrersAndDeletable) {
  test::TempDir dir;
  fs::copy(kNotationLayout, dir / "layout", fs::copy_options::recursive);
  for (auto& e : fs::recursive_directory_iterator(dir / "layout")) {
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  fs::permissions(dir / "layout", fs::perms::owner_write, fs::perm_options::add);
  auto layout = ImageLayout::Open(dir / "layout");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  auto subject = (*layout)->Resolve("v2");
  ASSERT_TRUE(subject.ok());
  const Descriptor one = PushSignature(**layout, *subject, "envelope one");
  const Descriptor two = PushSignature(**layout, *subject, "envelope two");
  EXPECT_EQ(PushSignature(**layout, *subject, "envelope two"), two);  // idempotent

  auto all = (*layout)->Referrers(subject->digest, kSignature);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].digest, one.digest);
  EXPECT_EQ((*all)[0].artifact_type, kSignature);
  EXPECT_EQ((*all)[1].digest, two.digest);
  EXPECT_TRUE((*layout)->Referrers(subject->digest, "application/other")->empty());
  EXPECT_EQ((*layout)->Resolve("v2")->digest, kNotationImage);  // the tag is untouched

  // A fresh reader sees the same (index.json is the state).
  auto reopened = ImageLayout::Open(dir / "layout");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Referrers(subject->digest)->size(), 2u);

  auto deleted = (*layout)->DeleteManifest(one.digest);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(deleted->empty());
  auto left = (*layout)->Referrers(subject->digest);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].digest, two.digest);
  EXPECT_EQ((*layout)->FetchManifest(one.digest).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*layout)->DeleteManifest(one.digest).status().code(), ErrorCode::kNotFound);
}

TEST(ImageLayoutTest, CreatesTagsAndMovesTags) {
  test::TempDir dir;
  auto layout = ImageLayout::Open(dir / "new", /*create=*/true);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  ASSERT_TRUE((*layout)->PushBlob(EmptyConfigDescriptor().digest, kEmptyJsonBlob).ok());
  const std::string a = SerializeArtifactManifest("application/vnd.example", {}, std::nullopt, {{"n", "a"}});
  const std::string b = SerializeArtifactManifest("application/vnd.example", {}, std::nullopt, {{"n", "b"}});
  ASSERT_TRUE((*layout)->PushManifest(kOciManifestMediaType, a, "v1").ok());
  EXPECT_EQ((*layout)->Resolve("v1")->digest, Sha256Digest(a));
  ASSERT_TRUE((*layout)->PushManifest(kOciManifestMediaType, b, "v1").ok());
  EXPECT_EQ((*layout)->Resolve("v1")->digest, Sha256Digest(b));
  // The old manifest stays readable by digest.
  EXPECT_TRUE((*layout)->FetchManifest(Sha256Digest(a)).ok());
  EXPECT_TRUE(fs::exists(dir / "new" / "oci-layout"));
  EXPECT_TRUE(*(*layout)->BlobExists(Sha256Digest(b)));
}

TEST(ImageLayoutTest, ManifestWithoutMediaTypeIsReadByItsFields) {
  test::TempDir dir;
  auto layout = ImageLayout::Open(dir / "l", true);
  ASSERT_TRUE(layout.ok());
  const std::string bare = R"({"schemaVersion":2,"config":)" + SerializeDescriptor(EmptyConfigDescriptor()) +
                           R"(,"layers":[]})";
  ASSERT_TRUE((*layout)->PushBlob(Sha256Digest(bare), bare).ok());
  auto m = (*layout)->FetchManifest(Sha256Digest(bare));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->descriptor.media_type, kOciManifestMediaType);
  EXPECT_EQ(m->descriptor.artifact_type, kOciEmptyMediaType);  // the config's, as for referrers
}

TEST(ImageLayoutTest, RefusesWhatIsNotALayout) {
  test::TempDir dir;
  EXPECT_EQ(ImageLayout::Open(dir / "missing").status().code(), ErrorCode::kNotFound);
  auto plain = ImageLayout::Open(dir.path());
  EXPECT_EQ(plain.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(plain.status().message().find("has no oci-layout file"), std::string::npos);
  ASSERT_TRUE(ImageLayout::Open(dir / "l", true).ok());
  Overwrite(dir / "l" / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
  EXPECT_NE(ImageLayout::Open(dir / "l").status().message().find("only 1.x"), std::string::npos);
  Overwrite(dir / "l" / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  Overwrite(dir / "l" / "index.json", R"({"schemaVersion":2,"manifests":[{"digest":"sha256:x"}]})");
  EXPECT_EQ(ImageLayout::Open(dir / "l").status().code(), ErrorCode::kInvalidArgument);
}

TEST(ImageLayoutTest, TamperedBlobsFailTheirDigest) {
  test::TempDir dir;
  auto layout = ImageLayout::Open(dir / "l", true);
  ASSERT_TRUE(layout.ok());
  const std::string content = "original";
  const std::string digest = Sha256Digest(content);
  ASSERT_TRUE((*layout)->PushBlob(digest, content).ok());
  EXPECT_EQ((*layout)->PushBlob(digest, "other bytes").code(), ErrorCode::kInvalidArgument);
  Overwrite(dir / "l" / "blobs" / "sha256" / digest.substr(7), "tampered");
  auto read = (*layout)->FetchBlob(Descriptor{"application/octet-stream", digest, 8, "", {}});
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("does not match its digest"), std::string::npos);
}

TEST(ImageLayoutTest, SizeLimits) {
  test::TempDir dir;
  auto layout = ImageLayout::Open(dir / "l", true);
  ASSERT_TRUE(layout.ok());
  // A descriptor over the limit is refused before anything is read.
  auto big = (*layout)->FetchBlob(
      Descriptor{"application/jose+json", Sha256Digest("x"), kMaxBlobBytes + 1, "", {}});
  EXPECT_EQ(big.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("over the 33554432-byte limit"), std::string::npos)
      << big.status().message();
  // A blob whose file is larger than its descriptor says (and than the limit) is not read whole.
  const std::string content(2048, 'z');
  ASSERT_TRUE((*layout)->PushBlob(Sha256Digest(content), content).ok());
  auto lying = (*layout)->FetchBlob(Descriptor{"x", Sha256Digest(content), 10, "", {}}, 100);
  EXPECT_EQ(lying.status().code(), ErrorCode::kInvalidArgument);
  // Manifests over 4 MiB are refused on push.
  const std::string huge = R"({"schemaVersion":2,"annotations":{"x":")" +
                           std::string(kMaxManifestBytes, 'a') + "\"}}";
  auto pushed = (*layout)->PushManifest(kOciManifestMediaType, huge);
  EXPECT_EQ(pushed.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(pushed.status().message().find("4 MiB"), std::string::npos);
}

}  // namespace
}  // namespace signet::oci
