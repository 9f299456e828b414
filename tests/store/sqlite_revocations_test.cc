// The revocation change sequence: every revocation appends one event in its own transaction,
// visible to every SqliteStore on the same file (the replicas of an installation).
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";
using Kind = RevocationEvent::Kind;

class RevocationEventsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    profile_ = Put(MakeProfile(kAcct, "image", "VERSION0001"));
    Create(MakeJob(JobId(1), profile_));
    Create(MakeJob(JobId(2), profile_));
  }
  std::vector<RevocationEvent> After(int64_t sequence, int max = kMaxRevocationEventsPerRead) {
    Result<std::vector<RevocationEvent>> r = store_->ListRevocationEvents(sequence, max);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<RevocationEvent>{};
  }
  SigningProfileRecord profile_;
};

TEST_F(RevocationEventsTest, EmptyAtFirst) {
  EXPECT_EQ(*store_->LatestRevocationSequence(), 0);
  EXPECT_TRUE(After(0).empty());
}

TEST_F(RevocationEventsTest, EveryRevocationAppendsOneEventInOrder) {
  ASSERT_TRUE(store_->RevokeJob(JobId(1), {"leaked", At(10), "arn:sec"}).ok());
  // Revoking a revoked job changes nothing, so it records nothing.
  ASSERT_TRUE(store_->RevokeJob(JobId(1), {"again", At(20), "arn:sec"}).ok());
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "image", "VERSION0001", {At(50), At(60), "me", "leak"})
          .ok());
  // Moving the effective time earlier is a new revocation of more signatures.
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "image", "VERSION0001", {At(40), At(70), "me", "leak"})
          .ok());

  std::vector<RevocationEvent> events = After(0);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, Kind::kJob);
  EXPECT_EQ(events[0].subject, JobId(1));
  EXPECT_EQ(events[0].effective_from, At(10));
  EXPECT_EQ(events[1].kind, Kind::kProfileVersion);
  EXPECT_EQ(events[1].subject, profile_.version_arn);
  EXPECT_EQ(events[1].effective_from, At(50));
  EXPECT_EQ(events[2].effective_from, At(40));
  EXPECT_LT(events[0].sequence, events[1].sequence);
  EXPECT_LT(events[1].sequence, events[2].sequence);
  EXPECT_EQ(*store_->LatestRevocationSequence(), events[2].sequence);

  // Reading on from a sequence, and in pages.
  EXPECT_EQ(After(events[0].sequence).size(), 2u);
  std::vector<RevocationEvent> one = After(0, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].sequence, events[0].sequence);
  EXPECT_TRUE(After(events[2].sequence).empty());
}

TEST_F(RevocationEventsTest, AFailedRevocationRecordsNothing) {
  EXPECT_FALSE(store_->RevokeJob(JobId(9), {"x", At(1), "y"}).ok());
  // effective_from after revoked_at is refused before anything is written.
  EXPECT_FALSE(
      store_->RevokeProfileVersion(kAcct, "image", "VERSION0001", {At(90), At(60), "me", "x"})
          .ok());
  EXPECT_TRUE(After(0).empty());
}

TEST_F(RevocationEventsTest, AnotherStoreOnTheSameFileSeesTheEvents) {
  Result<std::unique_ptr<SqliteStore>> replica = SqliteStore::Open(db_path());
  ASSERT_TRUE(replica.ok()) << replica.status().ToString();
  EXPECT_EQ(*(*replica)->LatestRevocationSequence(), 0);
  ASSERT_TRUE(store_->RevokeJob(JobId(2), {"leaked", At(10), "arn:sec"}).ok());
  Result<std::vector<RevocationEvent>> seen = (*replica)->ListRevocationEvents(0, 10);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].subject, JobId(2));
}

TEST_F(RevocationEventsTest, RefusesAnUnboundedRead) {
  EXPECT_EQ(store_->ListRevocationEvents(0, 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListRevocationEvents(0, kMaxRevocationEventsPerRead + 1).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace signet::store::testing
