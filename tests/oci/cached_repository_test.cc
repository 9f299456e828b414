// CachedRepository over a real image layout wrapped to count what reaches it (LevelDB's
// EnvWrapper way): what is answered from the cache, for how long, and within which caps.
#include "oci/cached_repository.h"

#include <gtest/gtest.h>

#include "oci/digest.h"
#include "oci/image_layout.h"
#include "testing/temp_dir.h"

namespace signet::oci {
namespace {

class CountingRepository final : public Repository {
 public:
  explicit CountingRepository(Repository& base) : base_(base) {}
  Result<Descriptor> Resolve(std::string_view r) override {
    ++calls;
    return base_.Resolve(r);
  }
  Result<Manifest> FetchManifest(std::string_view r) override {
    ++calls;
    return base_.FetchManifest(r);
  }
  Result<PushedManifest> PushManifest(std::string_view m, std::string_view b,
                                      std::string_view t) override {
    return base_.PushManifest(m, b, t);
  }
  Result<Warnings> DeleteManifest(std::string_view d) override { return base_.DeleteManifest(d); }
  Result<bool> BlobExists(std::string_view d) override {
    ++calls;
    return base_.BlobExists(d);
  }
  Result<std::string> FetchBlob(const Descriptor& blob, size_t max_bytes) override {
    ++calls;
    return base_.FetchBlob(blob, max_bytes);
  }
  Status PushBlob(std::string_view d, std::string_view b) override { return base_.PushBlob(d, b); }
  Result<std::vector<Descriptor>> Referrers(std::string_view s, std::string_view t) override {
    ++calls;
    return base_.Referrers(s, t);
  }
  int calls = 0;

 private:
  Repository& base_;
};

class CachedRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    layout_ = std::move(ImageLayout::Open(dir_.path() / "layout", true)).value();
    counting_ = std::make_unique<CountingRepository>(*layout_);
  }

  // An image manifest with one layer of `layer`, tagged `tag`.
  Descriptor Push(const std::string& layer, const std::string& tag = "") {
    EXPECT_TRUE(layout_->PushBlob(Sha256Digest(layer), layer).ok());
    const std::string config = "{}";
    EXPECT_TRUE(layout_->PushBlob(Sha256Digest(config), config).ok());
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        Sha256Digest(config) + R"(","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
        Sha256Digest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
    return layout_->PushManifest(kOciManifestMediaType, manifest, tag).value().descriptor;
  }

  // A referrer of `subject` with artifactType "application/example".
  std::string Referrer(const Descriptor& subject) {
    const std::string config = "{}";
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("artifactType":"application/example","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
           Sha256Digest(config) + R"(","size":2},"layers":[],"subject":{"mediaType":")" +
           subject.media_type + R"(","digest":")" + subject.digest + R"(","size":)" +
           std::to_string(subject.size) + "}}";
  }

  RepositoryCacheOptions Options() {
    RepositoryCacheOptions options;
    options.clock = &clock_;
    return options;
  }

  test::TempDir dir_;
  FixedClock clock_{Timestamp(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<ImageLayout> layout_;
  std::unique_ptr<CountingRepository> counting_;
};

TEST_F(CachedRepositoryTest, AHitDoesNotReachTheRepository) {
  const Descriptor image = Push("layer", "v1");
  RepositoryCache cache(Options());
  CachedRepository cached(*counting_, cache, "registry.example.com/app");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cached.Resolve("v1").value().digest, image.digest);
    EXPECT_EQ(cached.FetchManifest(image.digest).value().descriptor.digest, image.digest);
    const Manifest m = cached.FetchManifest("v1").value();
    EXPECT_EQ(Sha256Digest(m.bytes), image.digest);
    Descriptor layer{"application/vnd.oci.image.layer.v1.tar", Sha256Digest("layer"), 5, "", {}};
    EXPECT_EQ(cached.FetchBlob(layer).value(), "layer");
    EXPECT_TRUE(cached.Referrers(image.digest).value().empty());
  }
  EXPECT_EQ(counting_->calls, 4);  // tag, manifest, blob, referrers: once each
  EXPECT_EQ(cache.hits(), 11u);
  EXPECT_EQ(cache.misses(), 4u);

  // Another repository's name shares nothing.
  CachedRepository other(*counting_, cache, "registry.example.com/other");
  EXPECT_TRUE(other.Resolve("v1").ok());
  EXPECT_EQ(counting_->calls, 5);
}

TEST_F(CachedRepositoryTest, AMovedTagIsReResolvedOnceItsTtlHasPassed) {
  const Descriptor first = Push("one", "v1");
  RepositoryCacheOptions options = Options();
  options.tag_ttl = std::chrono::seconds(3);
  RepositoryCache cache(options);
  CachedRepository cached(*counting_, cache, "r/app");
  EXPECT_EQ(cached.Resolve("v1").value().digest, first.digest);
  const Descriptor second = Push("two", "v1");  // re-pushed by someone else
  clock_.Set(clock_.Now() + std::chrono::seconds(2));
  EXPECT_EQ(cached.Resolve("v1").value().digest, first.digest);
  EXPECT_EQ(cached.FetchManifest("v1").value().descriptor.digest, first.digest);
  clock_.Set(clock_.Now() + std::chrono::seconds(1));
  EXPECT_EQ(cached.Resolve("v1").value().digest, second.digest);
  EXPECT_EQ(cached.FetchManifest("v1").value().descriptor.digest, second.digest);
}

TEST_F(CachedRepositoryTest, ANewReferrerIsListedOnceTheReferrersTtlHasPassed) {
  const Descriptor image = Push("one", "v1");
  RepositoryCache cache(Options());
  CachedRepository cached(*counting_, cache, "r/app");
  EXPECT_TRUE(cached.Referrers(image.digest, "application/example").value().empty());
  ASSERT_TRUE(layout_->PushManifest(kOciManifestMediaType, Referrer(image)).ok());
  EXPECT_TRUE(cached.Referrers(image.digest, "application/example").value().empty());
  clock_.Set(clock_.Now() + cache.options().referrers_ttl);
  EXPECT_EQ(cached.Referrers(image.digest, "application/example").value().size(), 1u);
}

TEST_F(CachedRepositoryTest, WritesThroughTheCacheAreSeenAtOnce) {
  const Descriptor image = Push("one", "v1");
  RepositoryCache cache(Options());
  CachedRepository cached(*counting_, cache, "r/app");
  EXPECT_TRUE(cached.Referrers(image.digest, "application/example").value().empty());
  EXPECT_TRUE(cached.Referrers(image.digest).value().empty());
  const Descriptor referrer =
      cached.PushManifest(kOciManifestMediaType, Referrer(image)).value().descriptor;
  EXPECT_EQ(cached.Referrers(image.digest, "application/example").value().size(), 1u);
  EXPECT_EQ(cached.Referrers(image.digest).value().size(), 1u);
  ASSERT_TRUE(cached.FetchManifest(referrer.digest).ok());
  ASSERT_TRUE(cached.DeleteManifest(referrer.digest).ok());
  EXPECT_TRUE(cached.Referrers(image.digest).value().empty());
  EXPECT_FALSE(cached.FetchManifest(referrer.digest).ok());
}

TEST_F(CachedRepositoryTest, ATtlOfZeroAsksEveryTime) {
  const Descriptor image = Push("one", "v1");
  RepositoryCacheOptions options = Options();
  options.tag_ttl = options.referrers_ttl = std::chrono::seconds(0);
  RepositoryCache cache(options);
  CachedRepository cached(*counting_, cache, "r/app");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cached.Resolve("v1").ok());
    ASSERT_TRUE(cached.Referrers(image.digest).ok());
  }
  EXPECT_EQ(counting_->calls, 6);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_NE(cache.StalenessBound().find("tags read afresh every time"), std::string::npos);
}

TEST_F(CachedRepositoryTest, TheContentCapsHold) {
  std::vector<Descriptor> images;
  for (int i = 0; i < 6; ++i) images.push_back(Push("layer " + std::to_string(i)));
  RepositoryCacheOptions options = Options();
  options.max_entries = 4;
  RepositoryCache by_entries(options);
  CachedRepository cached(*counting_, by_entries, "r/app");
  for (const Descriptor& d : images) ASSERT_TRUE(cached.FetchManifest(d.digest).ok());
  EXPECT_EQ(by_entries.content_entries(), 4u);
  // The least recently used went first: the last four are hits, the first is not.
  const int calls = counting_->calls;
  ASSERT_TRUE(cached.FetchManifest(images[5].digest).ok());
  ASSERT_TRUE(cached.FetchManifest(images[2].digest).ok());
  EXPECT_EQ(counting_->calls, calls);
  ASSERT_TRUE(cached.FetchManifest(images[0].digest).ok());
  EXPECT_EQ(counting_->calls, calls + 1);

  options.max_entries = 100;
  options.max_bytes = 2 * (images[0].size + 600);
  RepositoryCache by_bytes(options);
  CachedRepository small(*counting_, by_bytes, "r/app");
  for (const Descriptor& d : images) ASSERT_TRUE(small.FetchManifest(d.digest).ok());
  EXPECT_LE(by_bytes.content_bytes(), options.max_bytes);
  EXPECT_GE(by_bytes.content_entries(), 1u);
  EXPECT_LT(by_bytes.content_entries(), 6u);

  // A blob over max_entry_bytes is read through, never kept.
  options.max_bytes = 1 << 20;
  options.max_entry_bytes = 4;
  RepositoryCache big_blobs(options);
  CachedRepository through(*counting_, big_blobs, "r/app");
  Descriptor layer{"application/vnd.oci.image.layer.v1.tar", Sha256Digest("layer 0"), 7, "", {}};
  ASSERT_TRUE(through.FetchBlob(layer).ok());
  EXPECT_EQ(big_blobs.content_entries(), 0u);
}

}  // namespace
}  // namespace signet::oci
