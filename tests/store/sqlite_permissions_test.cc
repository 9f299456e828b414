// Cross-account permissions with revision-id optimistic concurrency.
#include <atomic>
#include <set>
#include <thread>

#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";

ProfilePermissionRecord Perm(const std::string& sid, std::optional<std::string> version = {}) {
  return {.statement_id = sid,
          .action = "signer:StartSigningJob",
          .principal = "222222222222",
          .profile_version = std::move(version)};
}

class PermissionsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  }
  std::string Revision() { return store_->ListProfilePermissions(kAcct, "prof", {})->revision_id; }
};

TEST_F(PermissionsTest, EveryChangeIssuesANewRevision) {
  EXPECT_EQ(Revision(), "");
  Result<std::string> r1 = store_->AddProfilePermission(kAcct, "prof", std::string(), Perm("s1"));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_FALSE(r1->empty());
  EXPECT_EQ(Revision(), *r1);
  Result<std::string> r2 =
      store_->AddProfilePermission(kAcct, "prof", *r1, Perm("s2", "VERSION0001"));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_NE(*r2, *r1);
  Result<ProfilePermissions> list = store_->ListProfilePermissions(kAcct, "prof", {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->revision_id, *r2);
  EXPECT_EQ(list->permissions, (std::vector{Perm("s1"), Perm("s2", "VERSION0001")}));
  Result<std::string> r3 = store_->RemoveProfilePermission(kAcct, "prof", *r2, "s1");
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_NE(*r3, *r2);
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->permissions,
            std::vector{Perm("s2", "VERSION0001")});
}

TEST_F(PermissionsTest, StaleRevisionIsFailedPreconditionAndWritesNothing) {
  const std::string r1 = *store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s1"));
  ASSERT_TRUE(store_->AddProfilePermission(kAcct, "prof", r1, Perm("s2")).ok());
  Result<std::string> stale_add = store_->AddProfilePermission(kAcct, "prof", r1, Perm("s3"));
  EXPECT_EQ(stale_add.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(stale_add.status().message().find("revisionId"), std::string::npos);
  Result<std::string> stale_remove = store_->RemoveProfilePermission(kAcct, "prof", r1, "s1");
  EXPECT_EQ(stale_remove.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->permissions.size(), 2u);
  // Even the empty "never had a permission" revision is stale now.
  EXPECT_EQ(store_->AddProfilePermission(kAcct, "prof", std::string(), Perm("s4")).status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(PermissionsTest, AddWithoutRevisionSkipsTheCheck) {
  ASSERT_TRUE(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s1")).ok());
  ASSERT_TRUE(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s2")).ok());
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->permissions.size(), 2u);
}

TEST_F(PermissionsTest, DuplicateStatementIsAlreadyExistsAndKeepsTheRevision) {
  const std::string r1 = *store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s1"));
  ProfilePermissionRecord dup = Perm("s1");
  dup.action = "signer:SignPayload";
  EXPECT_EQ(store_->AddProfilePermission(kAcct, "prof", r1, dup).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(Revision(), r1);
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {})->permissions[0].action,
            "signer:StartSigningJob");
}

TEST_F(PermissionsTest, UnknownThingsAreNotFound) {
  EXPECT_EQ(store_->AddProfilePermission(kAcct, "nope", std::nullopt, Perm("s1")).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s1", "NOVERSION1"))
                .status()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->RemoveProfilePermission(kAcct, "prof", "", "s1").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(Revision(), "");  // a failed remove does not bump the revision
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "nope", {}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("")).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(PermissionsTest, ListPaginatesInStatementOrder) {
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(
        store_
            ->AddProfilePermission(kAcct, "prof", std::nullopt, Perm("s" + std::to_string(10 + i)))
            .ok());
  }
  std::vector<std::string> seen;
  PageRequest page{.max_results = 5};
  while (true) {
    Result<ProfilePermissions> r = store_->ListProfilePermissions(kAcct, "prof", page);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& p : r->permissions) seen.push_back(p.statement_id);
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(store_->ListProfilePermissions(kAcct, "prof", {.token = "garbage!"}).status().code(),
            ErrorCode::kInvalidArgument);
}

// Four writers doing read-revision-then-write: every write lands exactly once and every
// conflict is reported as kFailedPrecondition, never lost.
TEST_F(PermissionsTest, ConcurrentWritersConflictInsteadOfLosingUpdates) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string sid = "t" + std::to_string(t) + "_" + std::to_string(i);
        while (true) {
          Result<ProfilePermissions> now = store_->ListProfilePermissions(kAcct, "prof", {});
          ASSERT_TRUE(now.ok());
          Result<std::string> r =
              store_->AddProfilePermission(kAcct, "prof", now->revision_id, Perm(sid));
          if (r.ok()) break;
          ASSERT_EQ(r.status().code(), ErrorCode::kFailedPrecondition) << r.status().ToString();
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  PageRequest page;
  while (true) {
    Result<ProfilePermissions> r = store_->ListProfilePermissions(kAcct, "prof", page);
    ASSERT_TRUE(r.ok());
    for (const auto& p : r->permissions) all.insert(p.statement_id);
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace signet::store::testing
