// SqliteStore's combining group commit: queued callbacks run on the combiner's thread, each
// caller is woken with its own outcome (an exception rethrown on the caller's thread), the
// next batch is combined by its first caller, and re-entry is refused on whichever thread a
// callback runs.
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

using std::chrono::microseconds;

constexpr char kAcct[] = "111111111111";

// What a test's bug looks like: a type of its own, to see it arrive intact.
struct MemberBug : std::runtime_error {
  explicit MemberBug(int n) : std::runtime_error("member bug"), member(n) {}
  int member;
};

struct MemberRun {
  Status status;
  std::thread::id caller;     // the thread that called InTransaction
  std::thread::id ran_on;     // the thread its callback ran on
  int caught_bug = 0;         // MemberBug::member caught on the caller's thread, if any
};

class CombiningTest : public StoreTest {
 protected:
  void OpenWith(const SqliteStoreOptions& options) {
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(db_path(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // Starts a holder whose callback blocks, queues one caller per member behind it (each on its
  // own thread), releases the holder once all are queued, and returns how each went; the
  // holder's callback thread is *holder.
  std::vector<MemberRun> RunQueuedBehindAHolder(
      const std::vector<std::function<Status(StoreTransaction&)>>& members,
      std::thread::id* holder_thread) {
    std::promise<void> inside;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread holder([&] {
      Status s = store_->InTransaction([&](StoreTransaction&) -> Status {
        *holder_thread = std::this_thread::get_id();
        inside.set_value();
        released.wait();
        return Status::Ok();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
    inside.get_future().wait();
    std::vector<MemberRun> runs(members.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < members.size(); ++i) {
      threads.emplace_back([&, i] {
        MemberRun& run = runs[i];
        run.caller = std::this_thread::get_id();
        try {
          run.status = store_->InTransaction([&](StoreTransaction& tx) {
            run.ran_on = std::this_thread::get_id();
            return members[i](tx);
          });
        } catch (const MemberBug& bug) {
          run.caught_bug = bug.member;
          run.status = UnavailableError("threw");
        }
      });
    }
    while (store_->Stats().waiting < static_cast<int>(members.size())) std::this_thread::yield();
    release.set_value();
    holder.join();
    for (auto& t : threads) t.join();
    return runs;
  }

};

TEST_F(CombiningTest, QueuedCallbacksRunOnTheCombinersThreadAndShareOneCommit) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::function<Status(StoreTransaction&)>> members;
  for (int i = 1; i <= 6; ++i) {
    members.push_back(
        [&, i](StoreTransaction& tx) { return tx.CreateJob(MakeJob(JobId(i), p)).status(); });
  }
  const SqliteStoreStats before = store_->Stats();
  std::thread::id holder;
  std::vector<MemberRun> runs = RunQueuedBehindAHolder(members, &holder);
  const SqliteStoreStats after = store_->Stats();
  for (const MemberRun& run : runs) {
    EXPECT_TRUE(run.status.ok()) << run.status.ToString();
    EXPECT_EQ(run.ran_on, holder);  // not on its caller's thread
    EXPECT_NE(run.ran_on, run.caller);
  }
  EXPECT_EQ(after.transactions - before.transactions, 7);
  EXPECT_EQ(after.commits - before.commits, 1);
  EXPECT_EQ(after.waiting, 0);
  for (int i = 1; i <= 6; ++i) EXPECT_TRUE(store_->GetJob(JobId(i)).ok()) << i;
}

TEST_F(CombiningTest, TheNextBatchIsCombinedByItsFirstQueuedCaller) {
  OpenWith({.max_batch = 3});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::function<Status(StoreTransaction&)>> members;
  for (int i = 1; i <= 5; ++i) {
    members.push_back(
        [&, i](StoreTransaction& tx) { return tx.CreateJob(MakeJob(JobId(i), p)).status(); });
  }
  const SqliteStoreStats before = store_->Stats();
  std::thread::id holder;
  std::vector<MemberRun> runs = RunQueuedBehindAHolder(members, &holder);
  EXPECT_EQ(store_->Stats().commits - before.commits, 2);  // {holder, 2 queued}, {3 queued}
  std::multiset<std::thread::id> ran_on;
  std::set<std::thread::id> callers;
  for (const MemberRun& run : runs) {
    EXPECT_TRUE(run.status.ok()) << run.status.ToString();
    ran_on.insert(run.ran_on);
    callers.insert(run.caller);
  }
  EXPECT_EQ(ran_on.count(holder), 2u);
  // The other three ran together, on the thread of one of them.
  std::set<std::thread::id> second(ran_on.begin(), ran_on.end());
  second.erase(holder);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(ran_on.count(*second.begin()), 3u);
  EXPECT_EQ(callers.count(*second.begin()), 1u);
}

TEST_F(CombiningTest, AnExceptionFromACallbackRunElsewhereIsRethrownToItsCaller) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::function<Status(StoreTransaction&)>> members;
  for (int i = 1; i <= 4; ++i) {
    members.push_back([&, i](StoreTransaction& tx) -> Status {
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(MakeJob(JobId(i), p)).status());
      if (i == 3) throw MemberBug(i);
      return Status::Ok();
    });
  }
  std::thread::id holder;
  std::vector<MemberRun> runs = RunQueuedBehindAHolder(members, &holder);
  for (int i = 1; i <= 4; ++i) {
    const MemberRun& run = runs[i - 1];
    EXPECT_EQ(run.ran_on, holder) << i;
    EXPECT_EQ(run.caught_bug, i == 3 ? 3 : 0) << i;  // caught by the caller's own try
    EXPECT_EQ(run.status.ok(), i != 3) << i << run.status.ToString();
    EXPECT_EQ(store_->GetJob(JobId(i)).ok(), i != 3) << i;  // only the thrower's write undone
  }
}

TEST_F(CombiningTest, ReentryIsRefusedFromACallbackRunByTheCombiner) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<Status> reentries;
  std::vector<std::function<Status(StoreTransaction&)>> members = {
      [&](StoreTransaction& tx) -> Status {
        reentries.push_back(store_->GetJob(JobId(9)).status());
        reentries.push_back(store_->GetProfile(kAcct, "prof").status());
        reentries.push_back(store_->InTransaction([](StoreTransaction&) { return Status::Ok(); }));
        reentries.push_back(
            store_->InReadTransaction([](StoreTransaction&) { return Status::Ok(); }));
        return tx.CreateJob(MakeJob(JobId(1), p)).status();
      }};
  std::thread::id holder;
  std::vector<MemberRun> runs = RunQueuedBehindAHolder(members, &holder);
  EXPECT_EQ(runs[0].ran_on, holder);
  EXPECT_TRUE(runs[0].status.ok()) << runs[0].status.ToString();
  ASSERT_EQ(reentries.size(), 4u);
  for (const Status& s : reentries) EXPECT_EQ(s.code(), ErrorCode::kInternal) << s.ToString();
  // Outside the callbacks, the same store works again on every thread.
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
}

// Many writers, announced like SignPayload's, some failing and some throwing: every OK one is
// durable, no failed one is, commits are shared, and nothing is left queued or expected.
TEST_F(CombiningTest, ConcurrentWritersAreAllAnsweredAndShareCommits) {
  OpenWith({.max_batch = 8, .max_commit_wait = std::chrono::milliseconds(2)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 30;
  const SqliteStoreStats before = store_->Stats();
  std::atomic<int> ok{0};
  std::vector<std::vector<bool>> committed(kThreads, std::vector<bool>(kPerThread));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int k = 0; k < kPerThread; ++k) {
        const int n = t * kPerThread + k + 1;
        const int fate = static_cast<int>(rng() % 8);  // 0: fails, 1: throws, else writes
        Store::WriteHint hint = store_->ExpectWrite();
        std::this_thread::sleep_for(microseconds(rng() % 300));  // "signing"
        Status s;
        try {
          s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
            SIGNET_RETURN_IF_ERROR(tx.CreateJob(MakeJob(JobId(n), p)).status());
            if (fate == 0) return FailedPreconditionError("refused");
            if (fate == 1) throw MemberBug(n);
            return Status::Ok();
          });
        } catch (const MemberBug& bug) {
          EXPECT_EQ(bug.member, n);
          s = UnavailableError("threw");
        }
        EXPECT_EQ(s.ok(), fate > 1) << n << s.ToString();
        committed[t][k] = s.ok();
        if (s.ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  const SqliteStoreStats after = store_->Stats();
  EXPECT_EQ(after.transactions - before.transactions, kThreads * kPerThread);
  EXPECT_LT(after.commits - before.commits, kThreads * kPerThread);
  EXPECT_EQ(after.waiting, 0);
  EXPECT_EQ(after.expected, 0);
  Reopen();
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kPerThread; ++k) {
      EXPECT_EQ(store_->GetJob(JobId(t * kPerThread + k + 1)).ok(), committed[t][k]) << t << k;
    }
  }
  EXPECT_GT(ok.load(), 0);
}

}  // namespace
}  // namespace signet::store::testing
