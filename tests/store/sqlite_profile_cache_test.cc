// SqliteStore's profile cache (sqlite_profile_cache.h): a hit runs no SQL, and every write made
// through the Store is seen by the next GetProfile / ListProfilePermissions on any thread.
#include "store/sqlite_profile_cache.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";
constexpr char kOther[] = "222222222222";

ProfilePermissionRecord Permission(const std::string& statement_id) {
  return ProfilePermissionRecord{
      .statement_id = statement_id, .action = "signer:SignPayload", .principal = kOther};
}

class ProfileCacheTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    profile_ = Put(MakeProfile(kAcct, "prof", "VERSION001"));
  }

  // GetProfile twice: the first fills the cache, the second must come from it without SQL.
  SigningProfileRecord Warm() {
    Result<SigningProfileRecord> first = store_->GetProfile(kAcct, "prof");
    EXPECT_TRUE(first.ok()) << first.status().ToString();
    const SqliteStoreStats before = store_->Stats();
    Result<SigningProfileRecord> second = store_->GetProfile(kAcct, "prof");
    const SqliteStoreStats after = store_->Stats();
    EXPECT_EQ(after.profile_cache_hits, before.profile_cache_hits + 1);
    EXPECT_EQ(after.read_transactions, before.read_transactions);
    EXPECT_TRUE(second.ok() && first.ok() && *second == *first);
    return second.ok() ? *second : SigningProfileRecord{};
  }

  // The next GetProfile: it must have run SQL (the write invalidated the entry).
  SigningProfileRecord ReadAfterWrite() {
    const int64_t reads = store_->Stats().read_transactions;
    Result<SigningProfileRecord> got = store_->GetProfile(kAcct, "prof");
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(store_->Stats().read_transactions, reads + 1);
    return got.ok() ? *got : SigningProfileRecord{};
  }

  ProfilePermissions Permissions() {
    Result<ProfilePermissions> got = store_->ListProfilePermissions(kAcct, "prof", {});
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : ProfilePermissions{};
  }

  SigningProfileRecord profile_;
};

TEST_F(ProfileCacheTest, AHitRunsNoSqlAndReturnsTheStoredRecord) {
  EXPECT_EQ(Warm(), profile_);
  const SqliteStoreStats before = store_->Stats();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*store_->GetProfile(kAcct, "prof"), profile_);
  ASSERT_TRUE(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Permission("s1")).ok());
  const ProfilePermissions first = Permissions();
  const int64_t reads = store_->Stats().read_transactions;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Permissions().permissions, first.permissions);
  const SqliteStoreStats after = store_->Stats();
  EXPECT_EQ(after.read_transactions, reads);
  EXPECT_EQ(after.profile_cache_hits, before.profile_cache_hits + 10);
}

TEST_F(ProfileCacheTest, CancelIsSeenByTheNextRead) {
  Warm();
  ASSERT_TRUE(store_->CancelProfile(kAcct, "prof").ok());
  EXPECT_EQ(ReadAfterWrite().status, ProfileStatus::kCanceled);
}

TEST_F(ProfileCacheTest, RevocationIsSeenByTheNextRead) {
  Warm();
  const ProfileRevocation revocation{At(10), At(20), "arn:sec", "leaked"};
  ASSERT_TRUE(store_->RevokeProfileVersion(kAcct, "prof", "VERSION001", revocation).ok());
  const SigningProfileRecord got = ReadAfterWrite();
  EXPECT_EQ(got.status, ProfileStatus::kRevoked);
  EXPECT_EQ(got.revocation, revocation);
  // Moving the effective time earlier is a change too.
  const ProfileRevocation earlier{At(5), At(20), "arn:sec", "leaked"};
  Warm();
  ASSERT_TRUE(store_->RevokeProfileVersion(kAcct, "prof", "VERSION001", earlier).ok());
  EXPECT_EQ(ReadAfterWrite().revocation, earlier);
}

TEST_F(ProfileCacheTest, ANewVersionIsSeenByTheNextRead) {
  Warm();
  SigningProfileRecord v2 = MakeProfile(kAcct, "prof", "VERSION002");
  v2.signing_parameters = {{"p", "2"}};
  Put(v2);
  EXPECT_EQ(ReadAfterWrite(), v2);
}

TEST_F(ProfileCacheTest, TagsAreSeenByTheNextRead) {
  Warm();
  ASSERT_TRUE(store_->TagResource(profile_.arn, {{"env", "prod"}}).ok());
  EXPECT_EQ(ReadAfterWrite().tags.at("env"), "prod");
  Warm();
  ASSERT_TRUE(store_->UntagResource(profile_.arn, {"env", "team"}).ok());
  EXPECT_TRUE(ReadAfterWrite().tags.empty());
}

TEST_F(ProfileCacheTest, PermissionChangesAreSeenByTheNextListing) {
  EXPECT_TRUE(Permissions().permissions.empty());
  Result<std::string> added =
      store_->AddProfilePermission(kAcct, "prof", std::nullopt, Permission("s1"));
  ASSERT_TRUE(added.ok());
  ProfilePermissions got = Permissions();
  EXPECT_EQ(got.revision_id, *added);
  ASSERT_EQ(got.permissions.size(), 1u);
  EXPECT_EQ(Permissions().permissions, got.permissions);  // cached
  Result<std::string> removed = store_->RemoveProfilePermission(kAcct, "prof", *added, "s1");
  ASSERT_TRUE(removed.ok());
  got = Permissions();
  EXPECT_EQ(got.revision_id, *removed);
  EXPECT_TRUE(got.permissions.empty());
}

TEST_F(ProfileCacheTest, EachPageIsItsOwnEntry) {
  for (const char* id : {"s1", "s2", "s3"}) {
    ASSERT_TRUE(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Permission(id)).ok());
  }
  Result<ProfilePermissions> one =
      store_->ListProfilePermissions(kAcct, "prof", {.max_results = 1});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->permissions.size(), 1u);
  EXPECT_EQ(Permissions().permissions.size(), 3u);
  Result<ProfilePermissions> next =
      store_->ListProfilePermissions(kAcct, "prof", {.max_results = 1, .token = one->next_token});
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->permissions.size(), 1u);
  EXPECT_EQ(next->permissions[0].statement_id, "s2");
}

TEST_F(ProfileCacheTest, AWriteInsideATransactionIsSeenOnceItReturns) {
  Warm();
  ASSERT_TRUE(store_
                  ->InTransaction([&](StoreTransaction& tx) {
                    return tx.TagResource(profile_.arn, {{"env", "staging"}});
                  })
                  .ok());
  EXPECT_EQ(ReadAfterWrite().tags.at("env"), "staging");
}

TEST_F(ProfileCacheTest, ARolledBackWriteLeavesTheProfileAsItWas) {
  Warm();
  Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
    SIGNET_RETURN_IF_ERROR(tx.CancelProfile(kAcct, "prof"));
    return FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ReadAfterWrite(), profile_);
  EXPECT_EQ(Warm(), profile_);  // and the cache serves again
}

TEST_F(ProfileCacheTest, WritesToOtherTablesKeepTheEntry) {
  Warm();
  Create(MakeJob(JobId(1), profile_));
  ASSERT_TRUE(store_->AppendUsage(MakeUsage(MakeJob(JobId(1), profile_), At(3000), 5)).ok());
  const SqliteStoreStats before = store_->Stats();
  EXPECT_EQ(*store_->GetProfile(kAcct, "prof"), profile_);
  EXPECT_EQ(store_->Stats().read_transactions, before.read_transactions);
}

TEST_F(ProfileCacheTest, AProfileCreatedAfterANotFoundIsSeen) {
  EXPECT_EQ(store_->GetProfile(kAcct, "later").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "later", {}).status().code(),
            ErrorCode::kNotFound);
  Put(MakeProfile(kAcct, "later", "VERSION001"));
  EXPECT_TRUE(store_->GetProfile(kAcct, "later").ok());
  EXPECT_TRUE(store_->ListProfilePermissions(kAcct, "later", {}).ok());
}

TEST_F(ProfileCacheTest, ACallFromInsideATransactionIsRefusedEvenWhenCached) {
  Warm();
  Permissions();
  for (bool read_only : {false, true}) {
    Status inner;
    auto fn = [&](StoreTransaction&) {
      inner = store_->GetProfile(kAcct, "prof").status();
      if (inner.code() == ErrorCode::kInternal) {
        inner = store_->ListProfilePermissions(kAcct, "prof", {}).status();
      }
      return Status::Ok();
    };
    ASSERT_TRUE((read_only ? store_->InReadTransaction(fn) : store_->InTransaction(fn)).ok());
    EXPECT_EQ(inner.code(), ErrorCode::kInternal) << inner.ToString();
  }
}

TEST_F(ProfileCacheTest, TheCacheCanBeTurnedOffAndIsBounded) {
  Put(MakeProfile(kAcct, "two", "VERSION001"));
  Put(MakeProfile(kAcct, "three", "VERSION001"));
  for (size_t entries : {size_t{0}, size_t{2}}) {
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> s =
        SqliteStore::Open(db_path(), {.profile_cache_entries = entries});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    for (const char* name : {"prof", "two", "three", "prof"}) {
      ASSERT_TRUE(store_->GetProfile(kAcct, name).ok());
    }
    // Off: nothing cached. Two entries: "prof" was evicted by the time it is read again.
    EXPECT_EQ(store_->Stats().profile_cache_hits, 0) << entries;
    EXPECT_EQ(store_->Stats().read_transactions, 4) << entries;
  }
}

// Readers on several threads, a writer changing the profile and its permissions step by step:
// a read begun after step i returned never sees an earlier step, and never goes back in time.
TEST_F(ProfileCacheTest, ConcurrentReadersNeverSeeAStateOlderThanACompletedWrite) {
  constexpr int kSteps = 40;
  std::atomic<int> completed{0};
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  auto step_of = [](const std::string& s) { return s.empty() ? 0 : std::stoi(s); };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int last_tag = 0;
      int last_permission = 0;
      while (!done.load()) {
        const int floor = completed.load();
        Result<SigningProfileRecord> got = store_->GetProfile(kAcct, "prof");
        Result<ProfilePermissions> perms = store_->ListProfilePermissions(kAcct, "prof", {});
        if (!got.ok() || !perms.ok() || perms->permissions.size() > 1) {
          ++failures;
          continue;
        }
        const auto tag = got->tags.find("step");
        const int tag_step = step_of(tag == got->tags.end() ? "" : tag->second);
        const int permission_step =
            perms->permissions.empty() ? 0 : step_of(perms->permissions[0].statement_id.substr(1));
        const int version_step = got->version == "VERSION001" ? 0 : step_of(got->version.substr(4));
        if (tag_step < floor || tag_step < last_tag || permission_step < floor ||
            permission_step < last_permission || version_step > tag_step ||
            version_step + 3 < floor) {
          ++failures;
        }
        last_tag = tag_step;
        last_permission = permission_step;
      }
    });
  }
  std::string revision;
  for (int i = 1; i <= kSteps; ++i) {
    const std::string step = std::to_string(i);
    Status s = store_->InTransaction([&](StoreTransaction& tx) -> Status {
      if (i % 4 == 0) {  // a new version; its tags replace the profile's
        char version[11];
        snprintf(version, sizeof(version), "VERS%06d", i);
        SigningProfileRecord next = MakeProfile(kAcct, "prof", version);
        next.tags = {{"step", step}};
        SIGNET_RETURN_IF_ERROR(tx.PutProfile(next));
      } else {
        SIGNET_RETURN_IF_ERROR(tx.TagResource(profile_.arn, {{"step", step}}));
      }
      SIGNET_ASSIGN_OR_RETURN(
          revision, tx.AddProfilePermission(kAcct, "prof", std::nullopt, Permission("s" + step)));
      if (i == 1) return Status::Ok();
      SIGNET_ASSIGN_OR_RETURN(revision, tx.RemoveProfilePermission(kAcct, "prof", revision,
                                                                   "s" + std::to_string(i - 1)));
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    completed.store(i);
    std::this_thread::sleep_for(std::chrono::microseconds(500));  // let readers hit
  }
  done.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(store_->Stats().profile_cache_hits, 0);
}

// --- The generation protocol itself, step by step ------------------------------------------------

TEST(ProfileCacheProtocolTest, AReadThatAWriteOvertookIsNotKept) {
  sqlite::ProfileCache cache(8, 1 << 20);
  const SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION001");
  const uint64_t ticket = cache.Ticket();
  cache.RowChanged();  // a write changes a row, commits and ends after the read's snapshot
  cache.WriteEnded();
  cache.PutProfile(ticket, kAcct, "prof", p);
  EXPECT_FALSE(cache.FindProfile(kAcct, "prof").has_value());
  cache.PutProfile(cache.Ticket(), kAcct, "prof", p);
  EXPECT_EQ(cache.FindProfile(kAcct, "prof"), p);
}

TEST(ProfileCacheProtocolTest, NothingIsServedOrStoredWhileAWriteIsOpen) {
  sqlite::ProfileCache cache(8, 1 << 20);
  const SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION001");
  cache.PutProfile(cache.Ticket(), kAcct, "prof", p);
  ASSERT_TRUE(cache.FindProfile(kAcct, "prof").has_value());
  cache.RowChanged();
  cache.RowChanged();  // more rows of the same transaction
  EXPECT_FALSE(cache.FindProfile(kAcct, "prof").has_value());
  const uint64_t during = cache.Ticket();
  cache.PutProfile(during, kAcct, "prof", p);  // read while the write is open: not kept
  EXPECT_FALSE(cache.FindProfile(kAcct, "prof").has_value());
  cache.WriteEnded();
  cache.PutProfile(during, kAcct, "prof", p);
  EXPECT_FALSE(cache.FindProfile(kAcct, "prof").has_value());
  cache.WriteEnded();  // a transaction that changed no profile row ends: nothing changes
  cache.PutProfile(cache.Ticket(), kAcct, "prof", p);
  EXPECT_TRUE(cache.FindProfile(kAcct, "prof").has_value());
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 3);
}

TEST(ProfileCacheProtocolTest, KeysDoNotRunTogether) {
  sqlite::ProfileCache cache(8, 1 << 20);
  cache.PutProfile(cache.Ticket(), "ab", "c", MakeProfile("ab", "c", "VERSION001"));
  EXPECT_FALSE(cache.FindProfile("a", "bc").has_value());
  cache.PutPermissions(cache.Ticket(), "a", "b", {.max_results = 1, .token = "2"},
                       ProfilePermissions{.revision_id = "r"});
  EXPECT_FALSE(cache.FindPermissions("a", "b", {.max_results = 12, .token = ""}).has_value());
  EXPECT_TRUE(cache.FindPermissions("a", "b", {.max_results = 1, .token = "2"}).has_value());
}

// --- What the invalidation rests on
// ---------------------------------------------------------------

// The update hook must see every change to a profile table, also a DELETE without WHERE (SQLite
// skips the hook when it truncates a table; enforced foreign keys keep it from doing so here).
TEST_F(StoreTest, TheWriteConnectionReportsEveryRowOfTheProfileTables) {
  store_.reset();
  Result<std::unique_ptr<sqlite::Connection>> db =
      sqlite::Connection::Open(db_path().string(), std::chrono::milliseconds(1000));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("PRAGMA foreign_keys = ON").ok());
  std::vector<std::string> changed;
  (*db)->OnRowChange([&](std::string_view table) { changed.emplace_back(table); });
  ASSERT_TRUE((*db)
                  ->Exec("INSERT INTO signing_profiles (id, account, name, arn) "
                         "VALUES (7, 'a', 'n', 'arn:n')")
                  .ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO signing_profile_tags VALUES (7, 'k', 'v')").ok());
  ASSERT_TRUE((*db)
                  ->Exec("INSERT INTO profile_permissions (profile_id, statement_id, action, "
                         "principal) VALUES (7, 's', 'a', 'p')")
                  .ok());
  ASSERT_TRUE((*db)->Exec("UPDATE signing_profiles SET permissions_revision = 'r'").ok());
  for (std::string_view table : sqlite::kProfileTables) {
    const std::string sql = "DELETE FROM " + std::string(table);
    if (table == "signing_profiles") continue;
    ASSERT_TRUE((*db)->Exec(sql.c_str()).ok()) << sql;
  }
  ASSERT_TRUE((*db)->Exec("DELETE FROM signing_profiles").ok());
  EXPECT_EQ(changed, (std::vector<std::string>{"signing_profiles", "signing_profile_tags",
                                               "profile_permissions", "signing_profiles",
                                               "signing_profile_tags", "profile_permissions",
                                               "signing_profiles"}));
}

// A table added to the profile's reads must join kProfileTables; by the schema's naming, such a
// table is called signing_profile* or profile_*.
TEST_F(StoreTest, EveryProfileTableOfTheSchemaIsWatched) {
  store_.reset();
  Result<std::unique_ptr<sqlite::Connection>> db =
      sqlite::Connection::Open(db_path().string(), std::chrono::milliseconds(1000));
  ASSERT_TRUE(db.ok());
  Result<sqlite::Statement> q = (*db)->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND "
      "(name LIKE 'signing\\_profile%' ESCAPE '\\' OR name LIKE 'profile\\_%' ESCAPE '\\') "
      "ORDER BY name");
  ASSERT_TRUE(q.ok());
  std::vector<std::string> tables;
  while (*q->Step()) tables.push_back(q->Text(0));
  std::vector<std::string> watched(std::begin(sqlite::kProfileTables),
                                   std::end(sqlite::kProfileTables));
  std::sort(watched.begin(), watched.end());
  EXPECT_EQ(tables, watched);
}

}  // namespace
}  // namespace signet::store::testing
