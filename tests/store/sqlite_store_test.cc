// SqliteStore as a whole: opening, migrations, transactions, durability, concurrency.
#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include "store/sqlite_connection.h"
#include "store/sqlite_operations.h"
#include "store/sqlite_schema.h"
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";

// Runs one SQL statement on the file with a plain SQLite connection and returns the first column
// of the first row (or "" when there is none): the tests' view from outside the Store.
std::string RawQuery(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  } else {
    ADD_FAILURE() << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// The steps of SQLite's plan for `sql`, "; "-separated.
std::string QueryPlan(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      out += "; ";
    }
  } else {
    ADD_FAILURE() << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST_F(StoreTest, OpenCreatesAVersionedWalDatabase) {
  EXPECT_EQ(RawQuery(db_path(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(db_path(), "SELECT MAX(version) FROM schema_version"),
            std::to_string(sqlite::kSchemaVersion));
  EXPECT_EQ(RawQuery(db_path(), "SELECT COUNT(*) FROM schema_version"),
            std::to_string(sqlite::kSchemaVersion));
  Reopen();  // opening a current database again changes nothing
  EXPECT_EQ(RawQuery(db_path(), "SELECT COUNT(*) FROM schema_version"),
            std::to_string(sqlite::kSchemaVersion));
}

// Everything signetd stores, written through the Store and read back after a reopen.
TEST_F(StoreTest, ReopeningKeepsEveryRecord) {
  SigningProfileRecord v1 = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  SigningProfileRecord v2 = Put(MakeProfile(kAcct, "prof", "VERSION0002"));
  Put(MakeProfile(kAcct, "gone", "VERSION0003"));
  ASSERT_TRUE(store_->CancelProfile(kAcct, "gone").ok());
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(5), At(9), "a", "r"}).ok());
  ASSERT_TRUE(store_->TagResource(v2.arn, {{"k", "v"}}).ok());
  const std::string revision = *store_->AddProfilePermission(
      kAcct, "prof", std::nullopt, {"sid", "signer:SignPayload", "222222222222", std::nullopt});
  SigningJobRecord job = MakeJob(JobId(1), v2);
  job.client_request_token = "tok";
  Create(job);
  ASSERT_TRUE(
      store_->CompleteJob(JobId(1), {.status = JobStatus::kSucceeded, .completed_at = At(3)}).ok());
  ASSERT_TRUE(store_->RevokeJob(JobId(1), {"why", At(4), "who"}).ok());
  ASSERT_TRUE(store_->AppendUsage(MakeUsage(job, At(3), 5000)).ok());

  const SigningProfileRecord before_v1 = *store_->GetProfileVersion(kAcct, "prof", "VERSION0001");
  const SigningProfileRecord before_v2 = *store_->GetProfile(kAcct, "prof");
  const SigningProfileRecord before_gone = *store_->GetProfile(kAcct, "gone");
  const SigningJobRecord before_job = *store_->GetJob(JobId(1));
  const ProfilePermissions before_perms = *store_->ListProfilePermissions(kAcct, "prof", {});
  const std::vector<UsageTotal> before_usage = *store_->SumUsage({.from = At(0), .to = At(10)});

  Reopen();
  EXPECT_EQ(*store_->GetProfileVersion(kAcct, "prof", "VERSION0001"), before_v1);
  EXPECT_EQ(*store_->GetProfile(kAcct, "prof"), before_v2);
  EXPECT_EQ(*store_->GetProfile(kAcct, "gone"), before_gone);
  EXPECT_EQ(*store_->GetJob(JobId(1)), before_job);
  EXPECT_EQ(store_->FindJobByClientRequestToken(kAcct, "tok")->job_id, JobId(1));
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->revision_id, revision);
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->permissions,
            before_perms.permissions);
  EXPECT_EQ(*store_->SumUsage({.from = At(0), .to = At(10)}), before_usage);
  EXPECT_TRUE(*store_->IsProfileVersionRevokedAt(v1.version_arn, At(5)));
  EXPECT_TRUE(*store_->IsJobRevoked(JobId(1)));
}

// A process that dies right after a commit returned (no destructor, no checkpoint) loses nothing.
TEST_F(StoreTest, CommittedWritesSurviveAnAbruptExit) {
  store_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(db_path());
    if (!s.ok()) _exit(2);
    SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
    Status st = (*s)->InTransaction([&](StoreTransaction& tx) -> Status {
      SIGNET_RETURN_IF_ERROR(tx.PutProfile(p));
      SigningJobRecord j = MakeJob(JobId(1), p);
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
      return tx.AppendUsage(MakeUsage(j, At(5), 5000));
    });
    (void)s->release();  // leak it: no close, no checkpoint
    _exit(st.ok() ? 0 : 3);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  Reopen();
  EXPECT_TRUE(store_->GetProfile(kAcct, "prof").ok());
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
  EXPECT_EQ((*store_->SumUsage({.from = At(0), .to = At(10)}))[0].total_micros, 5000);
}

TEST_F(StoreTest, TransactionCommitsAJobAndItsUsageTogether) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
    SigningJobRecord j = MakeJob(JobId(1), p);
    j.status = JobStatus::kSucceeded;
    SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
    return tx.AppendUsage(MakeUsage(j, At(5), 5000));
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
  EXPECT_EQ(store_->ListUsage({.from = At(0), .to = At(10)}, {})->items.size(), 1u);
}

TEST_F(StoreTest, AnErrorFromTheCallbackRollsEverythingBack) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
    SIGNET_RETURN_IF_ERROR(tx.PutProfile(MakeProfile(kAcct, "prof", "VERSION0002")));
    SIGNET_RETURN_IF_ERROR(tx.PutProfile(MakeProfile(kAcct, "other", "VERSION0003")));
    SigningJobRecord j = MakeJob(JobId(1), p);
    SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
    SIGNET_RETURN_IF_ERROR(tx.AppendUsage(MakeUsage(j, At(5), 5000)));
    SIGNET_RETURN_IF_ERROR(tx.TagResource(p.arn, {{"x", "y"}}));
    SIGNET_RETURN_IF_ERROR(tx.CancelProfile(kAcct, "prof"));
    // Reads inside the transaction see its own writes.
    SIGNET_ASSIGN_OR_RETURN(SigningProfileRecord newest, tx.GetProfile(kAcct, "prof"));
    if (newest.version != "VERSION0002") return InternalError("did not see own write");
    return UnavailableError("signing failed after the records were written");
  });
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(s.message(), "signing failed after the records were written");
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->version, "VERSION0001");
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->status, ProfileStatus::kActive);
  EXPECT_EQ(store_->GetProfile(kAcct, "other").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetJob(JobId(1)).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->SumUsage({.from = At(0), .to = At(10)})->empty());
  EXPECT_EQ(*store_->ListTagsForResource(p.arn), p.tags);
}

TEST_F(StoreTest, AFailedOperationInsideATransactionLeavesNothingBehind) {
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  p.tags.clear();
  for (int i = 0; i < 200; ++i) p.tags["k" + std::to_string(i)] = "v";
  Put(p);
  SigningJobRecord first = MakeJob(JobId(1), p);
  first.client_request_token = "retry-me";
  Create(first);
  Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
    // Upserts one tag, adds another, then fails on the count: all of it must be undone.
    Status tag = tx.TagResource(p.arn, {{"k0", "changed"}, {"k200", "v"}});
    if (tag.code() != ErrorCode::kInvalidArgument) return InternalError("expected the tag limit");
    // The idempotent-create pattern: on kAlreadyExists, use the first job.
    SigningJobRecord again = MakeJob(JobId(2), p);
    again.client_request_token = "retry-me";
    Result<SigningJobRecord> created = tx.CreateJob(again);
    if (created.status().code() != ErrorCode::kAlreadyExists) return InternalError("no conflict");
    SIGNET_ASSIGN_OR_RETURN(SigningJobRecord existing,
                            tx.FindJobByClientRequestToken(kAcct, "retry-me"));
    return tx.AppendUsage(MakeUsage(existing, At(5), 5000));
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  TagMap tags = *store_->ListTagsForResource(p.arn);
  EXPECT_EQ(tags.size(), 200u);
  EXPECT_EQ(tags["k0"], "v");
  EXPECT_EQ(store_->GetJob(JobId(2)).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListUsage({.from = At(0), .to = At(10)}, {})->items[0].job_id, JobId(1));
}

TEST_F(StoreTest, AnExceptionFromTheCallbackRollsBackAndReleasesTheStore) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  EXPECT_THROW((void)store_->InTransaction([&](StoreTransaction& tx) -> Status {
    (void)tx.CreateJob(MakeJob(JobId(1), p));
    throw std::runtime_error("bug in the caller");
  }),
               std::runtime_error);
  EXPECT_EQ(store_->GetJob(JobId(1)).status().code(), ErrorCode::kNotFound);
  Create(MakeJob(JobId(2), p));  // still usable
}

TEST_F(StoreTest, CallingTheStoreFromItsOwnCallbackIsRefusedNotDeadlocked) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Status s = store_->InTransaction(
      [&](StoreTransaction&) -> Status { return store_->GetProfile(kAcct, "prof").status(); });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_NE(s.message().find("StoreTransaction"), std::string::npos);
  EXPECT_TRUE(store_->GetProfile(kAcct, "prof").ok());
}

// Reads run on query-only connections, beside the writer: an open write transaction neither
// blocks them nor shows them its uncommitted writes; once it commits, the next read sees them.
TEST_F(StoreTest, ReadsRunBesideAnOpenWriteAndSeeOnlyCommittedState) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::promise<void> written, read_done;
  std::future<void> read_done_future = read_done.get_future();
  std::thread writer([&] {
    Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(MakeJob(JobId(1), p)).status());
      written.set_value();
      // Hold the write transaction open until the reader has finished.
      read_done_future.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  written.get_future().wait();
  EXPECT_EQ(store_->GetJob(JobId(1)).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->version, "VERSION0001");
  read_done.set_value();
  writer.join();
  EXPECT_TRUE(store_->GetJob(JobId(1)).ok());
}

TEST_F(StoreTest, AWriteInsideAReadTransactionFailsAndChangesNothing) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Status s = store_->InReadTransaction(
      [&](StoreTransaction& tx) -> Status { return tx.CreateJob(MakeJob(JobId(1), p)).status(); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(store_->GetJob(JobId(1)).status().code(), ErrorCode::kNotFound);
  // Re-entry from a read callback is refused like re-entry from a write callback.
  s = store_->InReadTransaction(
      [&](StoreTransaction&) -> Status { return store_->GetProfile(kAcct, "prof").status(); });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  s = store_->InReadTransaction([&](StoreTransaction&) -> Status {
    return store_->CreateJob(MakeJob(JobId(2), p)).status();
  });
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
  EXPECT_EQ(store_->GetJob(JobId(2)).status().code(), ErrorCode::kNotFound);
}

TEST_F(StoreTest, ManyConcurrentReadersShareTheBoundedPool) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t) {  // twice the default pool
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (t % 4 == 0) {
          Create(MakeJob(JobId(1000 + t * 100 + i), p));
        } else if (store_->GetProfile(kAcct, "prof").ok()) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12 * 25);
  EXPECT_EQ(RawQuery(db_path(), "SELECT COUNT(*) FROM signing_jobs"), "100");
}

TEST_F(StoreTest, FourConcurrentWritersLoseNothing) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * 1000 + i;
        Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
          SigningJobRecord j = MakeJob(JobId(n), p);
          j.client_request_token = "tok-" + std::to_string(n);
          SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
          return tx.AppendUsage(MakeUsage(j, At(5), 5000));
        });
        ASSERT_TRUE(s.ok()) << s.ToString();
        // Interleave reads and single-operation writes with the transactions.
        ASSERT_TRUE(store_->GetJob(JobId(n)).ok());
        if (i % 10 == 0) {
          ASSERT_TRUE(store_->TagResource(p.arn, {{"t" + std::to_string(t), "x"}}).ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> ids;
  PageRequest page;
  while (true) {
    Result<Page<SigningJobRecord>> r = store_->ListJobs({}, page);
    ASSERT_TRUE(r.ok());
    for (const auto& j : r->items) ids.insert(j.job_id);
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  Result<std::vector<UsageTotal>> sum = store_->SumUsage({.from = At(0), .to = At(10)});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0].signatures, kThreads * kPerThread);
  EXPECT_EQ((*sum)[0].total_micros, int64_t{kThreads} * kPerThread * 5000);
}

// Runs each of `members` on its own thread while a first transaction holds the connection, so
// that all of them queue up and then join that transaction's commit. Returns their results; an
// exception becomes kUnavailable "threw: what".
std::vector<Status> RunQueuedBehindAHolder(
    SqliteStore& store, const std::vector<std::function<Status(StoreTransaction&)>>& members) {
  std::promise<void> inside;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    Status s = store.InTransaction([&](StoreTransaction&) -> Status {
      inside.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  inside.get_future().wait();
  std::vector<Status> results(members.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < members.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = store.InTransaction(members[i]);
      } catch (const std::exception& e) {
        results[i] = UnavailableError(std::string("threw: ") + e.what());
      }
    });
  }
  // Not a sleep: wait until every member is queued behind the holder.
  while (store.Stats().waiting < static_cast<int>(members.size())) std::this_thread::yield();
  release.set_value();
  holder.join();
  for (auto& t : threads) t.join();
  return results;
}

TEST_F(StoreTest, QueuedTransactionsShareOneCommitAndFailIndependently) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::function<Status(StoreTransaction&)>> members;
  for (int i = 1; i <= 6; ++i) {
    members.push_back([&, i](StoreTransaction& tx) -> Status {
      SigningJobRecord j = MakeJob(JobId(i), p);
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
      SIGNET_RETURN_IF_ERROR(tx.AppendUsage(MakeUsage(j, At(5), 5000)));
      if (i % 2 == 0) return FailedPreconditionError("member gives up after writing");
      if (i == 5) throw std::runtime_error("member 5 has a bug");
      return Status::Ok();
    });
  }
  const SqliteStoreStats before = store_->Stats();
  std::vector<Status> results = RunQueuedBehindAHolder(*store_, members);
  const SqliteStoreStats after = store_->Stats();
  EXPECT_EQ(after.transactions - before.transactions, 7);
  EXPECT_EQ(after.commits - before.commits, 1);  // seven transactions, one fsync
  for (int i = 1; i <= 6; ++i) {
    const Status& s = results[i - 1];
    if (i % 2 == 0) {
      EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition) << i;
    } else if (i == 5) {
      EXPECT_EQ(s.message(), "threw: member 5 has a bug");
    } else {
      EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
    }
    const bool committed = i % 2 == 1 && i != 5;
    EXPECT_EQ(store_->GetJob(JobId(i)).ok(), committed) << i;
  }
  EXPECT_EQ((*store_->SumUsage({.from = At(0), .to = At(10)}))[0].total_micros, 2 * 5000);
}

TEST_F(StoreTest, ABatchIsCappedAtMaxBatch) {
  store_.reset();
  Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(db_path(), {.max_batch = 2});
  ASSERT_TRUE(s.ok());
  store_ = std::move(s).value();
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  std::vector<std::function<Status(StoreTransaction&)>> members;
  for (int i = 1; i <= 5; ++i) {
    members.push_back(
        [&, i](StoreTransaction& tx) { return tx.CreateJob(MakeJob(JobId(i), p)).status(); });
  }
  const SqliteStoreStats before = store_->Stats();
  for (const Status& r : RunQueuedBehindAHolder(*store_, members))
    EXPECT_TRUE(r.ok()) << r.ToString();
  EXPECT_EQ(store_->Stats().commits - before.commits, 3);  // 6 transactions, 2 per commit
}

TEST_F(StoreTest, AnotherProcessHoldingTheDatabaseMakesWritersUnavailable) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Result<std::unique_ptr<SqliteStore>> other =
      SqliteStore::Open(db_path(), {.busy_timeout = std::chrono::milliseconds(0)});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::promise<void> inside;
  std::promise<void> release;
  std::future<void> released = release.get_future();
  std::thread holder([&] {
    Status s = store_->InTransaction([&](StoreTransaction&) -> Status {
      inside.set_value();
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
  });
  inside.get_future().wait();
  Status s = (*other)->CancelProfile(kAcct, "prof");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.ToString();
  release.set_value();
  holder.join();
  EXPECT_TRUE((*other)->CancelProfile(kAcct, "prof").ok());
}

// --- Schema versions -----------------------------------------------------------------------------

TEST(SqliteSchemaTest, OpeningAVersion1DatabaseMigratesItAndKeepsItsData) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v1.db";
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  {
    // What a signet that knew only schema 1 wrote.
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 1).ok());
    sqlite::SqliteOperations v1(**db);
    ASSERT_TRUE(v1.PutProfile(p).ok());
    ASSERT_TRUE(v1.CreateJob(MakeJob(JobId(1), p)).ok());
    EXPECT_EQ(*sqlite::ReadSchemaVersion(**db), 1);
  }
  EXPECT_EQ(RawQuery(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'usage_records'"), "0");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(RawQuery(path, "SELECT MAX(version) FROM schema_version"),
            std::to_string(sqlite::kSchemaVersion));
  EXPECT_EQ((*store)->GetProfile(kAcct, "prof")->key_id, p.key_id);
  SigningJobRecord job = *(*store)->GetJob(JobId(1));
  EXPECT_TRUE((*store)->AppendUsage(MakeUsage(job, At(5), 5000)).ok());
}

TEST(SqliteSchemaTest, Migration5TotalsTheUsageAlreadyRecorded) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v4.db";
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  {
    // Usage recorded by a signet that knew schema 4 (no running totals yet).
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 4).ok());
    sqlite::SqliteOperations v4(**db);
    ASSERT_TRUE(v4.PutProfile(p).ok());
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(v4.CreateJob(MakeJob(JobId(i), p)).ok());
      auto insert = (*db)->Prepare(
          "INSERT INTO usage_records (time, account, principal, profile_name, profile_version, "
          "platform_id, environment, unit_price_micros, job_id) "
          "VALUES (?1, 'a', 'p', 'prof', 'VERSION0001', 'x', ?2, 5000, ?3)");
      ASSERT_TRUE(insert.ok());
      // 2024-01-31T23:59:59Z twice in prod, 2024-02-01 once.
      insert->Bind(1, i == 3 ? int64_t{1706745600} : int64_t{1706745599})
          .Bind(2, "prod")
          .Bind(3, JobId(i));
      ASSERT_TRUE(insert->Run().ok());
    }
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->MonthlyUsageMicros("prod", "2024-01"), 10'000);
  EXPECT_EQ(*(*store)->MonthlyUsageMicros("prod", "2024-02"), 5'000);
}

// Schema 8 keys usage records by their job's seq and rebuilds signing_jobs: a database written
// at 7 answers every query as before, and its constraints still hold.
TEST(SqliteSchemaTest, Migration8KeepsEveryJobAndUsageRecordAndItsAnswers) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v7.db";
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  SigningJobRecord tokened = MakeJob(JobId(2), p, At(2002));
  tokened.client_request_token = "token-2";
  tokened.metadata = {{"k", "v"}};
  tokened.payload = std::string("\0payload\xff", 9);
  // Usage appended out of job order (a started job billed when it completes), and a job with
  // none.
  const std::vector<int> billed = {3, 1, 2};
  std::vector<SigningJobRecord> jobs_before;
  std::vector<UsageTotal> totals_before;
  {
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA foreign_keys = ON").ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 7).ok());
    sqlite::SqliteOperations v7(**db);
    ASSERT_TRUE(v7.PutProfile(p).ok());
    ASSERT_TRUE(v7.CreateJob(MakeJob(JobId(1), p, At(2001))).ok());
    ASSERT_TRUE(v7.CreateJob(tokened).ok());
    ASSERT_TRUE(v7.CreateJob(MakeJob(JobId(3), p, At(2003))).ok());
    ASSERT_TRUE(v7.CreateJob(MakeJob(JobId(4), p, At(2004))).ok());
    ASSERT_TRUE(v7.RevokeJob(JobId(3), {.reason = "r", .revoked_at = At(2100), .revoked_by = "me"})
                    .ok());
    for (int i : billed) {
      // What a schema-7 signet wrote (AppendUsage now writes schema 8).
      auto insert = (*db)->Prepare(
          "INSERT INTO usage_records (time, account, principal, profile_name, profile_version, "
          "platform_id, environment, unit_price_micros, job_id) "
          "SELECT ?1, job_invoker, requested_by, 'prof', 'VERSION0001', platform_id, 'prod', "
          "?2, job_id FROM signing_jobs WHERE job_id = ?3");
      ASSERT_TRUE(insert.ok());
      insert->Bind(1, int64_t{3000 + i}).Bind(2, int64_t{1000 * i}).Bind(3, JobId(i));
      ASSERT_TRUE(insert->Run().ok());
      ASSERT_EQ((*db)->Changes(), 1);
    }
    ASSERT_TRUE((*db)->Exec("INSERT INTO usage_month_totals VALUES ('prod', '1970-01', 3, 6000)")
                    .ok());
    auto listed = v7.ListJobs({}, {.max_results = 10});
    ASSERT_TRUE(listed.ok());
    jobs_before = listed->items;
    auto totals = v7.SumUsage({.from = At(0), .to = At(10000),
                               .group_by = {UsageDimension::kAccount, UsageDimension::kMonth}});
    ASSERT_TRUE(totals.ok());
    totals_before = *totals;
  }
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SqliteStore& store = **opened;
  EXPECT_EQ(RawQuery(path, "SELECT MAX(version) FROM schema_version"),
            std::to_string(sqlite::kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "SELECT COUNT(*) FROM pragma_foreign_key_check"), "0");
  // No index of usage records but the one by time; the token index is partial.
  EXPECT_EQ(RawQuery(path, "SELECT group_concat(name) FROM pragma_index_list('usage_records')"),
            "usage_records_by_time");
  EXPECT_EQ(RawQuery(path, "SELECT partial FROM pragma_index_list('signing_jobs') "
                           "WHERE name = 'signing_jobs_by_client_request_token'"),
            "1");

  // Jobs: every listing and lookup as before, the token still unique per invoker.
  auto listed = store.ListJobs({}, {.max_results = 10});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->items, jobs_before);
  EXPECT_EQ(*store.FindJobByClientRequestToken(kAcct, "token-2"), jobs_before[2]);
  EXPECT_EQ(*store.GetJob(JobId(2)), jobs_before[2]);
  SigningJobRecord again = MakeJob(JobId(5), p);
  again.client_request_token = "token-2";
  EXPECT_EQ(store.CreateJob(again).status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store.CreateJob(MakeJob(JobId(1), p)).status().code(), ErrorCode::kAlreadyExists);
  // The revocation trigger came back with the table.
  const int64_t events = *store.LatestRevocationSequence();
  ASSERT_TRUE(
      store.RevokeJob(JobId(1), {.reason = "r", .revoked_at = At(2200), .revoked_by = "me"}).ok());
  EXPECT_EQ(*store.LatestRevocationSequence(), events + 1);

  // Usage: the same totals and records (in job order), and the same errors.
  auto totals = store.SumUsage({.from = At(0), .to = At(10000),
                                .group_by = {UsageDimension::kAccount, UsageDimension::kMonth}});
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(*totals, totals_before);
  EXPECT_EQ(*store.MonthlyUsageMicros("prod", "1970-01"), 6000);
  auto usage = store.ListUsage({.from = At(0), .to = At(10000)}, {.max_results = 2});
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  ASSERT_EQ(usage->items.size(), 2u);
  EXPECT_EQ(usage->items[0].job_id, JobId(1));
  EXPECT_EQ(usage->items[0].time, At(3001));
  EXPECT_EQ(usage->items[0].unit_price_micros, 1000);
  EXPECT_EQ(usage->items[1].job_id, JobId(2));
  auto rest = store.ListUsage({.from = At(0), .to = At(10000)},
                              {.max_results = 2, .token = usage->next_token});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].job_id, JobId(3));
  EXPECT_TRUE(rest->next_token.empty());
  SigningJobRecord billed_job = *store.GetJob(JobId(2));
  Status twice = store.AppendUsage(MakeUsage(billed_job, At(3100), 5));
  EXPECT_EQ(twice.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(twice.message().find("already has a usage record"), std::string::npos) << twice.ToString();
  Status ghost = store.AppendUsage(MakeUsage(MakeJob(JobId(9), p), At(3100), 5));
  EXPECT_EQ(ghost.code(), ErrorCode::kNotFound);
  EXPECT_NE(ghost.message().find("does not exist"), std::string::npos) << ghost.ToString();
  EXPECT_TRUE(store.AppendUsage(MakeUsage(*store.GetJob(JobId(4)), At(3004), 4000)).ok());
  EXPECT_EQ(*store.MonthlyUsageMicros("prod", "1970-01"), 10000);
}

// A usage record whose job is gone (written with foreign keys off) stops the migration, which
// leaves the database as it was, instead of dropping the record or billing it to another job.
TEST(SqliteSchemaTest, Migration8RefusesAUsageRecordOfAMissingJob) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v7.db";
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  {
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 7).ok());
    sqlite::SqliteOperations v7(**db);
    ASSERT_TRUE(v7.PutProfile(p).ok());
    ASSERT_TRUE(v7.CreateJob(MakeJob(JobId(1), p)).ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO usage_records (time, account, principal, profile_name, "
                            "profile_version, platform_id, environment, unit_price_micros, "
                            "job_id) VALUES (1, 'a', 'p', 'prof', 'v', 'x', 'prod', 5, 'gone')")
                    .ok());
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition) << store.status().ToString();
  EXPECT_NE(store.status().message().find("usage_records"), std::string::npos)
      << store.status().ToString();
  EXPECT_EQ(RawQuery(path, "SELECT MAX(version) FROM schema_version"), "7");
  EXPECT_EQ(RawQuery(path, "SELECT job_id FROM usage_records"), "gone");
}

// Migration 9 drops the job indexes by owner and by invoker, which no query read: every listing
// of jobs by owner, invoker or account answers as before, newest first, across pages.
TEST(SqliteSchemaTest, Migration9DropsTheJobIndexesNoQueryReadAndListsAsBefore) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v8.db";
  const std::string other = "222222222222";
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  const std::vector<SigningJobFilter> filters = {
      {},
      {.account = kAcct},
      {.account = other},
      {.job_owner = kAcct},
      {.job_invoker = other},
      {.job_invoker = kAcct},
      {.account = other, .job_owner = kAcct, .status = JobStatus::kInProgress},
  };
  // Every page of every listing, in order.
  const auto list_all = [&](StoreTransaction& ops) {
    std::vector<std::vector<std::string>> listings;
    for (const SigningJobFilter& filter : filters) {
      std::vector<std::string> ids;
      PageRequest page{.max_results = 2};
      while (true) {
        Result<Page<SigningJobRecord>> r = ops.ListJobs(filter, page);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        if (!r.ok()) break;
        for (const SigningJobRecord& j : r->items) ids.push_back(j.job_id);
        if (r->next_token.empty()) break;
        page.token = r->next_token;
      }
      listings.push_back(ids);
    }
    return listings;
  };
  std::vector<std::vector<std::string>> before;
  {
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA foreign_keys = ON").ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 8).ok());
    sqlite::SqliteOperations v8(**db);
    ASSERT_TRUE(v8.PutProfile(p).ok());
    for (int i = 1; i <= 7; ++i) {
      SigningJobRecord j = MakeJob(JobId(i), p, At(2000 + i));
      if (i % 3 == 0) j.job_invoker = other;  // signed by another account through a permission
      ASSERT_TRUE(v8.CreateJob(j).ok());
    }
    before = list_all(v8);
  }
  ASSERT_EQ(before[0].size(), 7u);
  EXPECT_EQ(before[2], (std::vector<std::string>{JobId(6), JobId(3)}));

  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(RawQuery(path,
                     "SELECT group_concat(name) FROM pragma_index_list('signing_jobs') "
                     "WHERE origin = 'c' ORDER BY name"),
            "signing_jobs_by_client_request_token");
  std::vector<std::vector<std::string>> after;
  ASSERT_TRUE((*opened)
                  ->InReadTransaction([&](StoreTransaction& tx) {
                    after = list_all(tx);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(after, before);
}

// Migrations run with foreign keys off (migration 8 drops a table others refer to): the
// connection enforces them again afterwards.
TEST(SqliteSchemaTest, MigratingLeavesForeignKeysEnforced) {
  TempDir dir;
  auto db = sqlite::Connection::Open((dir.path() / "fk.db").string(), std::chrono::seconds(1));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("PRAGMA foreign_keys = ON").ok());
  ASSERT_TRUE(sqlite::MigrateSchema(**db).ok());
  Status orphan = (*db)->Exec(
      "INSERT INTO usage_records (job_seq, time, account, principal, profile_name, "
      "profile_version, platform_id, environment, unit_price_micros) "
      "VALUES (999, 1, 'a', 'p', 'prof', 'v', 'x', 'prod', 5)");
  EXPECT_EQ(orphan.code(), ErrorCode::kNotFound) << orphan.ToString();
}

// Lookups by client request token (CreateJob's check, FindJobByClientRequestToken) still use
// the token index now that it holds only the jobs that have a token.
TEST_F(StoreTest, TheClientRequestTokenLookupUsesItsPartialIndex) {
  for (const char* sql :
       {"SELECT job_id FROM signing_jobs WHERE job_invoker = ?1 AND client_request_token = ?2",
        "SELECT j.job_id, p.name FROM signing_jobs j "
        "JOIN signing_profile_versions v ON v.id = j.profile_version_id "
        "JOIN signing_profiles p ON p.id = v.profile_id "
        "WHERE j.job_invoker = ?1 AND j.client_request_token = ?2"}) {
    EXPECT_NE(QueryPlan(db_path(), sql).find("USING INDEX signing_jobs_by_client_request_token "
                                              "(job_invoker=? AND client_request_token=?)"),
              std::string::npos)
        << QueryPlan(db_path(), sql);
  }
}

TEST(SqliteSchemaTest, ADatabaseFromANewerSignetIsRefused) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "new.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  RawQuery(path, "INSERT INTO schema_version VALUES (" +
                     std::to_string(sqlite::kSchemaVersion + 1) + ", 'from the future', 0)");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().ToString();
  EXPECT_NE(store.status().message().find(std::to_string(sqlite::kSchemaVersion + 1)),
            std::string::npos);
}

TEST(SqliteSchemaTest, AFailedMigrationAppliesNothing) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "v1.db";
  {
    auto db = sqlite::Connection::Open(path.string(), std::chrono::milliseconds(1000));
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**db, 1).ok());
    // Something in the way of migration 2.
    ASSERT_TRUE((*db)->Exec("CREATE TABLE usage_records (unrelated TEXT)").ok());
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("migration 2"), std::string::npos)
      << store.status().ToString();
  EXPECT_EQ(RawQuery(path, "SELECT MAX(version) FROM schema_version"), "1");
  RawQuery(path, "DROP TABLE usage_records");
  EXPECT_TRUE(SqliteStore::Open(path).ok());
}

TEST(SqliteSchemaTest, AFileThatIsNotADatabaseIsRefused) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "junk.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 100; ++i) out << "this is not a SQLite database\n";
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition) << store.status().ToString();
}

TEST(SqliteSchemaTest, AMissingDirectoryIsRefused) {
  TempDir dir;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir.path() / "no" / "state.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition) << store.status().ToString();
}

}  // namespace
}  // namespace signet::store::testing
