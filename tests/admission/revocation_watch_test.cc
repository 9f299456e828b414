// RevocationWatch: revocations written to the shared store reach the verification cache, targeted
// by the signatures a result rests on, within the poll interval; a failed poll drops everything.
#include "admission/revocation_watch.h"

#include <gtest/gtest.h>

#include "admission_fixtures.h"
#include "store/sqlite_store.h"
#include "store/store_test_util.h"

namespace signet::admission {
namespace {

using namespace signet::admission::testing;  // NOLINT(google-build-using-namespace)
using namespace std::chrono_literals;        // NOLINT(google-build-using-namespace)
using store::RevocationEvent;
using store::testing::At;
using store::testing::JobId;
using Verdict = ImageCheckResult::Verdict;

constexpr char kAcct[] = "111111111111";

std::string JobArn(int n) { return "arn:aws:signer:us-east-1:111111111111:/signing-jobs/" + JobId(n); }

ImageCheckResult VerifiedBy(const std::string& digest, std::vector<ImageCheckResult::SignedBy> by) {
  ImageCheckResult r;
  r.verdict = Verdict::kVerified;
  r.digest = digest;
  r.signed_by = std::move(by);
  return r;
}

TEST(RevocationAffectsTest, MatchesTheJobOrTheProfileVersionOfASignature) {
  const ImageCheckResult r = VerifiedBy(kDigestA, {{JobArn(1), "arn:v/ONE"}, {JobArn(2), "arn:v/TWO"}});
  RevocationEvent job{1, RevocationEvent::Kind::kJob, JobId(2), At(1), At(1)};
  EXPECT_TRUE(RevocationAffects(job, r));
  job.subject = JobId(3);
  EXPECT_FALSE(RevocationAffects(job, r));
  RevocationEvent version{2, RevocationEvent::Kind::kProfileVersion, "arn:v/ONE", At(1), At(1)};
  EXPECT_TRUE(RevocationAffects(version, r));
  version.subject = "arn:v/ON";
  EXPECT_FALSE(RevocationAffects(version, r));
  // A result that does not say what it rests on is affected by every revocation.
  EXPECT_TRUE(RevocationAffects(job, VerifiedBy(kDigestA, {})));
  // Job ARNs are read with the ARN parser: a signature without one is no job's; one whose ARN
  // cannot be read may be any job's.
  job.subject = JobId(2);
  EXPECT_FALSE(RevocationAffects(job, VerifiedBy(kDigestA, {{"", "arn:v/ONE"}})));
  EXPECT_TRUE(RevocationAffects(job, VerifiedBy(kDigestA, {{"not an arn", "arn:v/ONE"}})));
}

// A Store that fails every transaction while `failing` is set, else delegates to `real`.
class FlakyStore final : public store::Store {
 public:
  explicit FlakyStore(store::Store& real) : real_(real) {}
  Status InTransaction(const std::function<Status(store::StoreTransaction&)>& fn) override {
    if (failing) return UnavailableError("database is locked");
    return real_.InTransaction(fn);
  }
  Status InReadTransaction(const std::function<Status(store::StoreTransaction&)>& fn) override {
    if (failing) return UnavailableError("database is locked");
    return real_.InReadTransaction(fn);
  }
  std::atomic<bool> failing{false};

 private:
  store::Store& real_;
};

class RevocationWatchTest : public ::testing::Test {
 protected:
  RevocationWatchTest() {
    Result<AdmissionPolicy> policy =
        policy_dir_.Parse(Json{{"rules", {PolicyDir::Rule("r", {"**"}, "Enforce")}}});
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    policy_ = std::make_unique<AdmissionPolicy>(std::move(*policy));
    Result<std::unique_ptr<store::SqliteStore>> s =
        store::SqliteStore::Open(store_dir_.path() / "signet.db");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    profile_ = store::testing::MakeProfile(kAcct, "image", "VERSION0001");
    EXPECT_TRUE(store_->PutProfile(profile_).ok());
    for (int n : {1, 2}) EXPECT_TRUE(store_->CreateJob(store::testing::MakeJob(JobId(n), profile_)).ok());
    // a.io/one rests on job 1, a.io/two on job 2, a.io/unknown says nothing; one profile version.
    checker_.Set("a.io/one", VerifiedBy(kDigestA, {{JobArn(1), profile_.version_arn}}));
    checker_.Set("a.io/two", VerifiedBy(kDigestB, {{JobArn(2), profile_.version_arn}}));
  }

  void Verify(VerificationCache& cache, const std::string& image) {
    Result<oci::Reference> ref = oci::ParseReference(image);
    ASSERT_TRUE(ref.ok()) << image;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    VerificationCache::Ticket t = cache.Begin(*ref, policy_->rules()[0], "rev-1", deadline);
    EXPECT_EQ(cache.Await(t, deadline).verdict, Verdict::kVerified) << image;
  }
  // Verifies both images; returns how many the checker had to verify (cache misses).
  int VerifyBoth(VerificationCache& cache) {
    const int before = checker_.calls();
    Verify(cache, "a.io/one@" + std::string(kDigestA));
    Verify(cache, "a.io/two@" + std::string(kDigestB));
    return checker_.calls() - before;
  }
  VerificationCache::Options CacheOptions() {
    VerificationCache::Options o;
    o.workers = 2;
    return o;
  }
  static RevocationWatch::Options Manual() {
    RevocationWatch::Options o;
    o.start_thread = false;
    return o;
  }

  PolicyDir policy_dir_;
  test::TempDir store_dir_;
  std::unique_ptr<AdmissionPolicy> policy_;
  std::unique_ptr<store::SqliteStore> store_;
  store::SigningProfileRecord profile_;
  ScriptedImageChecker checker_;
  FixedClock clock_{Timestamp(std::chrono::seconds(1'800'000'000))};
};

TEST_F(RevocationWatchTest, ARevokedJobDropsOnlyTheResultsOfItsSignatures) {
  VerificationCache cache(checker_, CacheOptions(), clock_);
  auto watch = RevocationWatch::Start(*store_, cache, Manual());
  ASSERT_TRUE(watch.ok()) << watch.status().ToString();
  EXPECT_EQ(VerifyBoth(cache), 2);
  EXPECT_EQ(VerifyBoth(cache), 0);  // both cached

  ASSERT_TRUE(store_->RevokeJob(JobId(1), {"leaked", At(10), "arn:sec"}).ok());
  EXPECT_EQ(VerifyBoth(cache), 0);  // not polled yet
  ASSERT_TRUE((*watch)->PollNow().ok());
  EXPECT_GT((*watch)->sequence(), 0);
  EXPECT_EQ(cache.result_entries(), 1u);
  EXPECT_EQ(VerifyBoth(cache), 1);  // only a.io/one is verified again
  ASSERT_TRUE((*watch)->PollNow().ok());
  EXPECT_EQ(VerifyBoth(cache), 0);  // an event is applied once

  ASSERT_TRUE(store_->RevokeProfileVersion(kAcct, "image", "VERSION0001",
                                           {At(5), At(20), "me", "leak"})
                  .ok());
  ASSERT_TRUE((*watch)->PollNow().ok());
  EXPECT_EQ(cache.result_entries(), 0u);  // both signatures were made with that version
}

TEST_F(RevocationWatchTest, ResultsWithoutSignaturesAreDroppedByAnyRevocation) {
  checker_.Set("a.io/two", VerifiedBy(kDigestB, {}));
  VerificationCache cache(checker_, CacheOptions(), clock_);
  auto watch = RevocationWatch::Start(*store_, cache, Manual());
  ASSERT_TRUE(watch.ok());
  // A failed result stays: a revocation cannot make a failed image pass.
  checker_.Set("a.io/bad", {Verdict::kFailed, kDigestA, "authenticity", "untrusted"});
  Result<oci::Reference> bad = oci::ParseReference("a.io/bad@" + std::string(kDigestA));
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  cache.Await(cache.Begin(*bad, policy_->rules()[0], "rev-1", deadline), deadline);
  EXPECT_EQ(VerifyBoth(cache), 2);
  EXPECT_EQ(cache.result_entries(), 3u);
  ASSERT_TRUE(store_->RevokeJob(JobId(1), {"leaked", At(10), "arn:sec"}).ok());
  ASSERT_TRUE((*watch)->PollNow().ok());
  EXPECT_EQ(cache.result_entries(), 1u);  // a.io/one (its job) and a.io/two (unknown)
  EXPECT_EQ(VerifyBoth(cache), 2);
}

TEST_F(RevocationWatchTest, EventsBeforeTheStartAreNotReplayed) {
  ASSERT_TRUE(store_->RevokeJob(JobId(2), {"old", At(10), "arn:sec"}).ok());
  VerificationCache cache(checker_, CacheOptions(), clock_);
  auto watch = RevocationWatch::Start(*store_, cache, Manual());
  ASSERT_TRUE(watch.ok());
  EXPECT_EQ((*watch)->sequence(), 1);
  EXPECT_EQ(VerifyBoth(cache), 2);
  ASSERT_TRUE((*watch)->PollNow().ok());
  EXPECT_EQ(cache.result_entries(), 2u);
}

TEST_F(RevocationWatchTest, ThePollingThreadAppliesARevocationWithinTheInterval) {
  VerificationCache cache(checker_, CacheOptions(), clock_);
  RevocationWatch::Options options;
  options.interval = 20ms;
  auto watch = RevocationWatch::Start(*store_, cache, options);
  ASSERT_TRUE(watch.ok());
  EXPECT_EQ(VerifyBoth(cache), 2);
  // A revocation through another store on the same file: another replica of the installation.
  Result<std::unique_ptr<store::SqliteStore>> other =
      store::SqliteStore::Open(store_dir_.path() / "signet.db");
  ASSERT_TRUE(other.ok());
  const auto revoked = std::chrono::steady_clock::now();
  ASSERT_TRUE((*other)->RevokeJob(JobId(2), {"leaked", At(10), "arn:sec"}).ok());
  while (cache.result_entries() == 2 && std::chrono::steady_clock::now() - revoked < 2s) {
    std::this_thread::sleep_for(1ms);
  }
  const auto took = std::chrono::steady_clock::now() - revoked;
  EXPECT_EQ(cache.result_entries(), 1u);
  EXPECT_LT(took, 500ms);  // 20 ms interval; generous for a loaded machine
}

TEST_F(RevocationWatchTest, AFailedPollDropsEverything) {
  FlakyStore flaky(*store_);
  VerificationCache cache(checker_, CacheOptions(), clock_);
  auto watch = RevocationWatch::Start(flaky, cache, Manual());
  ASSERT_TRUE(watch.ok());
  EXPECT_EQ(VerifyBoth(cache), 2);
  flaky.failing = true;
  EXPECT_EQ((*watch)->PollNow().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(cache.result_entries(), 0u);
  flaky.failing = false;
  EXPECT_TRUE((*watch)->PollNow().ok());
}

TEST_F(RevocationWatchTest, RefusesAnIntervalOutOfRange) {
  VerificationCache cache(checker_, CacheOptions(), clock_);
  RevocationWatch::Options options;
  options.interval = 1ms;
  EXPECT_EQ(RevocationWatch::Start(*store_, cache, options).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace signet::admission
