// SqliteStore group commit with announced writers (Store::ExpectWrite): concurrent writers share
// one commit, every acknowledged write is durable (also after a reopen), one member's failure
// neither loses nor falsely commits the others, and the wait for announced writers is bounded.
#include <atomic>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kAcct[] = "111111111111";

class GroupCommitTest : public StoreTest {
 protected:
  // Reopens the store with these options (the fixture's store uses the defaults).
  void OpenWith(const SqliteStoreOptions& options) {
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(db_path(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // A job and its usage record, as SignPayload writes them.
  static Status WriteJob(StoreTransaction& tx, const SigningProfileRecord& p, int n) {
    SigningJobRecord j = MakeJob(JobId(n), p);
    SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
    return tx.AppendUsage(MakeUsage(j, At(5), 5000));
  }
};

TEST_F(GroupCommitTest, AnnouncedWritersShareOneCommitAndAllSurviveARestart) {
  OpenWith({.max_batch = 64, .max_commit_wait = std::chrono::seconds(30)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  constexpr int kWriters = 8;
  std::latch announced(kWriters);
  std::vector<Status> results(kWriters);
  const SqliteStoreStats before = store_->Stats();
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Store::WriteHint hint = store_->ExpectWrite();
      announced.arrive_and_wait();  // every writer is announced before the first one writes
      std::this_thread::sleep_for(milliseconds(i));  // "signing" takes a while
      results[i] = store_->InTransaction(
          [&](StoreTransaction& tx) { return WriteJob(tx, p, i + 1); });
    });
  }
  for (auto& t : threads) t.join();
  const SqliteStoreStats after = store_->Stats();
  for (int i = 0; i < kWriters; ++i) EXPECT_TRUE(results[i].ok()) << i << results[i].ToString();
  EXPECT_EQ(after.transactions - before.transactions, kWriters);
  EXPECT_EQ(after.commits - before.commits, 1);  // the first writer waited for the other seven
  EXPECT_EQ(after.expected, 0);

  Reopen();  // every acknowledged job is on disk
  for (int i = 1; i <= kWriters; ++i) EXPECT_TRUE(store_->GetJob(JobId(i)).ok()) << i;
  EXPECT_EQ((*store_->SumUsage({.from = At(0), .to = At(10)}))[0].signatures, kWriters);
}

TEST_F(GroupCommitTest, AFailingMemberNeitherLosesNorCommitsWithTheOthers) {
  OpenWith({.max_batch = 64, .max_commit_wait = std::chrono::seconds(30)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  constexpr int kWriters = 6;
  std::latch announced(kWriters);
  std::vector<Status> results(kWriters);
  const SqliteStoreStats before = store_->Stats();
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      Store::WriteHint hint = store_->ExpectWrite();
      announced.arrive_and_wait();
      results[i] = store_->InTransaction([&](StoreTransaction& tx) -> Status {
        SIGNET_RETURN_IF_ERROR(WriteJob(tx, p, i + 1));
        // Odd writers fail after writing: as if their budget check refused.
        if (i % 2 == 1) return ResourceExhaustedError("over budget");
        return Status::Ok();
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->Stats().commits - before.commits, 1);
  Reopen();
  for (int i = 0; i < kWriters; ++i) {
    const bool ok = i % 2 == 0;
    EXPECT_EQ(results[i].ok(), ok) << i << results[i].ToString();
    EXPECT_EQ(store_->GetJob(JobId(i + 1)).ok(), ok) << i;
  }
  EXPECT_EQ((*store_->SumUsage({.from = At(0), .to = At(10)}))[0].signatures, kWriters / 2);
}

TEST_F(GroupCommitTest, AWriterThatGivesUpReleasesTheWaitingBatchAtOnce) {
  OpenWith({.max_commit_wait = std::chrono::seconds(30)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  const int64_t transactions = store_->Stats().transactions;
  std::latch announced(2);
  std::atomic<bool> committed{false};
  std::thread writer([&] {
    Store::WriteHint hint = store_->ExpectWrite();
    announced.arrive_and_wait();
    Status s = store_->InTransaction([&](StoreTransaction& tx) { return WriteJob(tx, p, 1); });
    EXPECT_TRUE(s.ok()) << s.ToString();
    committed = true;
  });
  const auto start = Clock::now();
  {
    Store::WriteHint hint = store_->ExpectWrite();
    announced.arrive_and_wait();
    // The writer's batch now waits for this announced writer, which never writes.
    while (store_->Stats().transactions == transactions) std::this_thread::yield();
    std::this_thread::sleep_for(milliseconds(20));
    EXPECT_FALSE(committed);
  }  // the hint is dropped: the batch commits without waiting out the 30 s
  writer.join();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(store_->Stats().expected, 0);
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
}

TEST_F(GroupCommitTest, TheWaitForAnnouncedWritersIsBounded) {
  OpenWith({.max_commit_wait = milliseconds(50)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::latch announced(2);
  std::latch written(1);
  std::thread slow([&] {
    Store::WriteHint hint = store_->ExpectWrite();
    announced.arrive_and_wait();
    written.wait();  // announced, but arrives only after the other write was acknowledged
    EXPECT_TRUE(store_->InTransaction([&](StoreTransaction& tx) {
                        return WriteJob(tx, p, 2);
                      }).ok());
  });
  Store::WriteHint hint = store_->ExpectWrite();
  announced.arrive_and_wait();
  const auto start = Clock::now();
  Status s = store_->InTransaction([&](StoreTransaction& tx) { return WriteJob(tx, p, 1); });
  const auto waited = Clock::now() - start;
  written.count_down();
  slow.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GE(waited, milliseconds(50));  // it did wait for the announced writer...
  EXPECT_LT(waited, std::chrono::seconds(5));  // ...but only max_commit_wait
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
  EXPECT_TRUE(store_->GetJob(JobId(2)).ok());
}

TEST_F(GroupCommitTest, AWriterAloneNeverWaitsForItself) {
  OpenWith({.max_commit_wait = std::chrono::seconds(30)});
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  const auto start = Clock::now();
  for (int i = 1; i <= 3; ++i) {
    Store::WriteHint hint = store_->ExpectWrite();
    Store::WriteHint again = store_->ExpectWrite();  // a second hint on one thread counts once
    ASSERT_TRUE(store_->InTransaction([&](StoreTransaction& tx) {
                        return WriteJob(tx, p, i);
                      }).ok());
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(store_->Stats().expected, 0);
}

}  // namespace
}  // namespace signet::store::testing
