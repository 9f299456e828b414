// The verification cache on its own: LRU bound, invalidation (revocation), TTLs, revisions.
#include "admission/verification_cache.h"

#include <gtest/gtest.h>

#include "admission_fixtures.h"

namespace signet::admission {
namespace {

using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;        // NOLINT(google-build-using-namespace)

class VerificationCacheTest : public ::testing::Test {
 protected:
  VerificationCacheTest() {
    Result<AdmissionPolicy> policy =
        dir_.Parse(Json{{"rules", {PolicyDir::Rule("r", {"**"}, "Enforce")}}});
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    policy_ = std::make_unique<AdmissionPolicy>(std::move(*policy));
  }

  VerificationCache::Options Options(size_t max_entries) {
    VerificationCache::Options options;
    options.settings.max_entries = max_entries;
    options.workers = 2;
    return options;
  }

  ImageCheckResult Verify(VerificationCache& cache, const std::string& image,
                          const std::string& revision = "rev-1") {
    Result<oci::Reference> ref = oci::ParseReference(image);
    EXPECT_TRUE(ref.ok()) << image;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    VerificationCache::Ticket t = cache.Begin(*ref, policy_->rules()[0], revision, deadline);
    return cache.Await(t, deadline);
  }

  PolicyDir dir_;
  std::unique_ptr<AdmissionPolicy> policy_;
  ScriptedImageChecker checker_;
  FixedClock clock_{Timestamp(std::chrono::seconds(1'800'000'000))};
};

TEST_F(VerificationCacheTest, LruKeepsAtMostMaxEntries) {
  VerificationCache cache(checker_, Options(2), clock_);
  for (const char* repo : {"a.io/one", "a.io/two", "a.io/three"}) {
    checker_.SetVerified(repo, kDigestA);
    EXPECT_EQ(Verify(cache, std::string(repo) + ":1").verdict, ImageCheckResult::Verdict::kVerified);
  }
  EXPECT_EQ(cache.result_entries(), 2u);
  EXPECT_EQ(cache.tag_entries(), 2u);
  EXPECT_EQ(checker_.calls(), 3);
  Verify(cache, "a.io/three:1");  // still cached
  EXPECT_EQ(checker_.calls(), 3);
  Verify(cache, "a.io/one:1");  // evicted first
  EXPECT_EQ(checker_.calls(), 4);
}

TEST_F(VerificationCacheTest, InvalidationDropsEntries) {
  VerificationCache cache(checker_, Options(100), clock_);
  checker_.SetVerified("a.io/one", kDigestA);
  checker_.SetVerified("a.io/two", kDigestB);
  Verify(cache, "a.io/one:1");
  Verify(cache, "a.io/two:1");
  // Only A's verified result goes; its tag resolution stays.
  EXPECT_EQ(cache.InvalidateVerifiedIf([](const ImageCheckResult& r) { return r.digest == kDigestA; }),
            1u);
  EXPECT_EQ(cache.tag_entries(), 2u);
  Verify(cache, "a.io/two:1");
  EXPECT_EQ(checker_.calls(), 2);
  checker_.SetFailed("a.io/one", kDigestA, "revocation", "the signing job was revoked");
  EXPECT_EQ(Verify(cache, "a.io/one:1").failed_check, "revocation");
  EXPECT_EQ(checker_.calls(), 3);
  cache.InvalidateAll();
  EXPECT_EQ(cache.result_entries(), 0u);
  EXPECT_EQ(cache.tag_entries(), 0u);
}

TEST_F(VerificationCacheTest, AVerificationRunningAtInvalidationIsNotCached) {
  VerificationCache cache(checker_, Options(100), clock_);
  checker_.SetVerified("a.io/one", kDigestA);
  checker_.SetDelay(200ms);
  Result<oci::Reference> ref = oci::ParseReference("a.io/one:1");
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  VerificationCache::Ticket t = cache.Begin(*ref, policy_->rules()[0], "rev-1", deadline);
  cache.InvalidateAll();  // e.g. a revocation while the registry is being read
  EXPECT_EQ(cache.Await(t, deadline).verdict, ImageCheckResult::Verdict::kVerified);
  EXPECT_EQ(cache.result_entries(), 0u);
}

TEST_F(VerificationCacheTest, InconclusiveIsNotCachedAndRevisionsDoNotShare) {
  VerificationCache cache(checker_, Options(100), clock_);
  EXPECT_EQ(Verify(cache, "a.io/down:1").verdict, ImageCheckResult::Verdict::kInconclusive);
  EXPECT_EQ(Verify(cache, "a.io/down:1").verdict, ImageCheckResult::Verdict::kInconclusive);
  EXPECT_EQ(checker_.calls(), 2);
  checker_.SetVerified("a.io/one", kDigestA);
  Verify(cache, "a.io/one@" + std::string(kDigestA), "rev-1");
  Verify(cache, "a.io/one@" + std::string(kDigestA), "rev-2");
  EXPECT_EQ(checker_.calls(), 4);
}

TEST_F(VerificationCacheTest, FailedResultsExpireSoonerThanVerifiedOnes) {
  VerificationCache::Options options = Options(100);
  options.settings.verified_ttl = 300s;
  options.settings.failed_ttl = 30s;
  VerificationCache cache(checker_, options, clock_);
  checker_.SetVerified("a.io/good", kDigestA);
  checker_.SetFailed("a.io/bad", kDigestB, "no signature", "no signature found");
  Verify(cache, "a.io/good@" + std::string(kDigestA));
  Verify(cache, "a.io/bad@" + std::string(kDigestB));
  clock_.Set(clock_.Now() + 31s);
  Verify(cache, "a.io/good@" + std::string(kDigestA));
  Verify(cache, "a.io/bad@" + std::string(kDigestB));
  EXPECT_EQ(checker_.calls(), 3);
}

TEST(LruMapTest, FindRefreshesAndPutEvictsTheOldest) {
  LruMap<int> map(2);
  EXPECT_EQ(map.Put("a", 1), 0u);
  EXPECT_EQ(map.Put("b", 2), 0u);
  ASSERT_NE(map.Find("a"), nullptr);  // a is now the most recent
  EXPECT_EQ(map.Put("c", 3), 1u);
  EXPECT_EQ(map.Find("b"), nullptr);
  EXPECT_EQ(*map.Find("a"), 1);
  EXPECT_EQ(map.Put("a", 10), 0u);
  EXPECT_EQ(*map.Find("a"), 10);
  EXPECT_EQ(map.EraseIf([](const std::string&, int v) { return v == 3; }), 1u);
  EXPECT_EQ(map.size(), 1u);
  EXPECT_TRUE(map.Erase("a"));
  EXPECT_FALSE(map.Erase("a"));
}

}  // namespace
}  // namespace signet::admission
