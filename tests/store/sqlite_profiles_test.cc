// Signing profiles, versions, listing, cancel, revocation and tags.
#include <set>

#include "store/page_token.h"
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";

TEST_F(StoreTest, PutAndGetRoundTripsEveryField) {
  SigningProfileRecord r = MakeProfile(kAcct, "lambda_prod", "AAAAAAAAA1", At(1700000000));
  r.overrides.encryption_algorithm = "ECDSA";
  r.overrides.hash_algorithm = "SHA256";
  r.signing_parameters["second"] = "value with 'quotes' and \"; DROP TABLE x; --";
  r.signature_validity = {.value = 30, .type = ValidityType::kDays};
  Put(r);
  Result<SigningProfileRecord> got = store_->GetProfile(kAcct, "lambda_prod");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, r);
  Result<SigningProfileRecord> by_arn = store_->GetProfileByVersionArn(r.version_arn);
  ASSERT_TRUE(by_arn.ok());
  EXPECT_EQ(*by_arn, r);
}

TEST_F(StoreTest, NewVersionBecomesNewestAndOldVersionsStayReadable) {
  SigningProfileRecord v1 = Put(MakeProfile(kAcct, "prof", "VERSION001", At(100)));
  SigningProfileRecord v2 = MakeProfile(kAcct, "prof", "VERSION002", At(200));
  v2.key_id = "another-key";
  v2.tags = {{"new", "tags"}};
  Put(v2);
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->version, "VERSION002");
  Result<SigningProfileRecord> old = store_->GetProfileVersion(kAcct, "prof", "VERSION001");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->key_id, v1.key_id);
  // Tags belong to the profile: the new put replaced them for every version.
  EXPECT_EQ(old->tags, v2.tags);
  EXPECT_EQ(store_->GetProfileByVersionArn(v1.version_arn)->version, "VERSION001");
}

TEST_F(StoreTest, PutOfAnExistingVersionIsAlreadyExistsAndChangesNothing) {
  Put(MakeProfile(kAcct, "prof", "VERSION001"));
  SigningProfileRecord again = MakeProfile(kAcct, "prof", "VERSION001");
  again.key_id = "other";
  again.tags = {};
  Status s = store_->PutProfile(again);
  EXPECT_EQ(s.code(), ErrorCode::kAlreadyExists) << s.ToString();
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->key_id, "key-VERSION001");
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->tags.size(), 1u);
}

TEST_F(StoreTest, PutRefusesIncompleteOrNonActiveRecords) {
  SigningProfileRecord r = MakeProfile(kAcct, "prof", "VERSION001");
  r.key_id = "k";
  SigningProfileRecord no_name = r;
  no_name.name.clear();
  EXPECT_EQ(store_->PutProfile(no_name).code(), ErrorCode::kInvalidArgument);
  SigningProfileRecord canceled = r;
  canceled.status = ProfileStatus::kCanceled;
  EXPECT_EQ(store_->PutProfile(canceled).code(), ErrorCode::kInvalidArgument);
  SigningProfileRecord revoked = r;
  revoked.revocation = ProfileRevocation{At(1), At(2), "me", "why"};
  EXPECT_EQ(store_->PutProfile(revoked).code(), ErrorCode::kInvalidArgument);
  SigningProfileRecord other_arn = r;
  Put(r);
  other_arn.version = "VERSION002";
  other_arn.arn = "arn:aws:signer:eu-west-1:" + std::string(kAcct) + ":/signing-profiles/prof";
  other_arn.version_arn = other_arn.arn + "/VERSION002";
  EXPECT_EQ(store_->PutProfile(other_arn).code(), ErrorCode::kInvalidArgument);
}

TEST_F(StoreTest, MissingProfilesAndVersionsAreNotFound) {
  EXPECT_EQ(store_->GetProfile(kAcct, "nope").status().code(), ErrorCode::kNotFound);
  Put(MakeProfile(kAcct, "prof", "VERSION001"));
  EXPECT_EQ(store_->GetProfileVersion(kAcct, "prof", "VERSION999").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetProfileByVersionArn("arn:aws:signer:x").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->CancelProfile(kAcct, "nope").code(), ErrorCode::kNotFound);
  Result<SigningProfileRecord> missing = store_->GetProfile(kAcct, "nope");
  EXPECT_NE(missing.status().message().find("\"nope\""), std::string::npos);
}

TEST_F(StoreTest, ProfilesAreScopedByAccount) {
  Put(MakeProfile("111111111111", "shared_name", "VERSIONAAA1"));
  Put(MakeProfile("222222222222", "shared_name", "VERSIONBBB1"));
  EXPECT_EQ(store_->GetProfile("111111111111", "shared_name")->version, "VERSIONAAA1");
  EXPECT_EQ(store_->GetProfile("222222222222", "shared_name")->version, "VERSIONBBB1");
  Result<Page<SigningProfileRecord>> list = store_->ListProfiles("222222222222", {}, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].account, "222222222222");
}

TEST_F(StoreTest, ListFiltersByCanceledStatusesAndPlatform) {
  Put(MakeProfile(kAcct, "a_active", "VERSION0001"));
  Put(MakeProfile(kAcct, "b_canceled", "VERSION0002"));
  Put(MakeProfile(kAcct, "c_revoked", "VERSION0003"));
  Put(MakeProfile(kAcct, "d_notation", "VERSION0004", At(1), "Notation-OCI-SHA384-ECDSA"));
  ASSERT_TRUE(store_->CancelProfile(kAcct, "b_canceled").ok());
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "c_revoked", "VERSION0003", {At(5), At(9), "me", "leak"})
          .ok());
  auto names = [&](const SigningProfileFilter& f) {
    std::vector<std::string> out;
    Result<Page<SigningProfileRecord>> page = store_->ListProfiles(kAcct, f, {});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const auto& p : page->items) out.push_back(p.name);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({}), (V{"a_active", "c_revoked", "d_notation"}));
  EXPECT_EQ(names({.include_canceled = true}),
            (V{"a_active", "b_canceled", "c_revoked", "d_notation"}));
  EXPECT_EQ(names({.statuses = {ProfileStatus::kRevoked}}), (V{"c_revoked"}));
  EXPECT_EQ(names({.include_canceled = true, .statuses = {ProfileStatus::kCanceled}}),
            (V{"b_canceled"}));
  EXPECT_EQ(names({.statuses = {ProfileStatus::kCanceled}}), V{});
  EXPECT_EQ(names({.statuses = {ProfileStatus::kActive, ProfileStatus::kRevoked}}),
            (V{"a_active", "c_revoked", "d_notation"}));
  EXPECT_EQ(names({.platform_id = "Notation-OCI-SHA384-ECDSA"}), (V{"d_notation"}));
  EXPECT_EQ(names({.platform_id = "nothing"}), V{});
}

TEST_F(StoreTest, ListShowsOnlyTheNewestVersionOfEachProfile) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  ASSERT_TRUE(store_->CancelProfile(kAcct, "prof").ok());
  Put(MakeProfile(kAcct, "prof", "VERSION0002"));  // recreated after cancel
  Result<Page<SigningProfileRecord>> list = store_->ListProfiles(kAcct, {}, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].version, "VERSION0002");
  EXPECT_EQ(list->items[0].status, ProfileStatus::kActive);
  EXPECT_EQ(store_->GetProfileVersion(kAcct, "prof", "VERSION0001")->status,
            ProfileStatus::kCanceled);
}

TEST_F(StoreTest, ListPaginatesWithoutDuplicatesOrGapsWhileProfilesAreAdded) {
  std::set<std::string> expected;
  for (int i = 0; i < 53; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "p%03d", i * 2);  // leave gaps to insert into
    Put(MakeProfile(kAcct, name, "VERSION0001"));
    expected.insert(name);
  }
  std::vector<std::string> seen;
  PageRequest page{.max_results = 7};
  int pages = 0;
  while (true) {
    Result<Page<SigningProfileRecord>> r = store_->ListProfiles(kAcct, {}, page);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_LE(r->items.size(), 7u);
    for (const auto& p : r->items) seen.push_back(p.name);
    ++pages;
    if (pages == 2) Put(MakeProfile(kAcct, "p001", "VERSION0001"));  // behind the cursor
    if (pages == 2) Put(MakeProfile(kAcct, "p105", "VERSION0001"));  // ahead of the cursor
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  expected.insert("p105");
  EXPECT_EQ(pages, 8);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size());  // no duplicates
}

TEST_F(StoreTest, ListRejectsBadPageSizesAndTokens) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  for (int bad : {0, -1, 26}) {
    EXPECT_EQ(store_->ListProfiles(kAcct, {}, {.max_results = bad}).status().code(),
              ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(store_->ListProfiles(kAcct, {}, {.max_results = 25}).ok());
  for (std::string token : {"%%%", "bm90LWEtdG9rZW4", "c2lnbmV0LXBhZ2UtdjE6am9iczo1"}) {
    Result<Page<SigningProfileRecord>> r = store_->ListProfiles(kAcct, {}, {.token = token});
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << token;
  }
  // A token of another listing is refused, not misread.
  EXPECT_EQ(
      store_->ListProfiles(kAcct, {}, {.token = EncodePageToken("jobs", "5")}).status().code(),
      ErrorCode::kInvalidArgument);
}

TEST_F(StoreTest, CancelCancelsActiveVersionsAndKeepsRevokedOnes) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  Put(MakeProfile(kAcct, "prof", "VERSION0002"));
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(5), At(9), "me", "leak"})
          .ok());
  ASSERT_TRUE(store_->CancelProfile(kAcct, "prof").ok());
  ASSERT_TRUE(store_->CancelProfile(kAcct, "prof").ok());  // idempotent
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->status, ProfileStatus::kCanceled);
  EXPECT_EQ(store_->GetProfileVersion(kAcct, "prof", "VERSION0001")->status,
            ProfileStatus::kRevoked);
}

TEST_F(StoreTest, RevocationRecordsWhoWhenAndWhy) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  const ProfileRevocation rev{.effective_from = At(500),
                              .revoked_at = At(900),
                              .revoked_by = "arn:aws:iam::111111111111:user/sec",
                              .reason = "key compromise"};
  Result<SigningProfileRecord> r = store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", rev);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, ProfileStatus::kRevoked);
  EXPECT_EQ(r->status_reason, "key compromise");
  EXPECT_EQ(r->revocation, rev);
  EXPECT_EQ(*store_->GetProfile(kAcct, "prof"), *r);
}

TEST_F(StoreTest, RevocationMayOnlyMoveEarlier) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(500), At(900), "a", "one"})
          .ok());
  // Later effective time: refused, record unchanged.
  Result<SigningProfileRecord> later =
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(600), At(950), "b", "two"});
  EXPECT_EQ(later.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(later.status().message().find("earlier"), std::string::npos);
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->revocation->effective_from, At(500));
  // The same time again: a no-op that keeps the first record.
  Result<SigningProfileRecord> same =
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(500), At(990), "c", "three"});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->revocation->reason, "one");
  // Earlier: moves.
  Result<SigningProfileRecord> earlier =
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(100), At(1000), "d", "four"});
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->revocation->effective_from, At(100));
  EXPECT_EQ(earlier->revocation->revoked_by, "d");
  // A canceled-then-recreated profile does not un-revoke the old version.
  ASSERT_TRUE(store_->CancelProfile(kAcct, "prof").ok());
  Put(MakeProfile(kAcct, "prof", "VERSION0002"));
  EXPECT_TRUE(*store_->IsProfileVersionRevokedAt(p.version_arn, At(100)));
}

TEST_F(StoreTest, RevocationCannotTakeEffectAfterItIsMade) {
  Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  EXPECT_EQ(store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(901), At(900), "a", "x"})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->status, ProfileStatus::kActive);
  EXPECT_EQ(store_->RevokeProfileVersion(kAcct, "prof", "NOSUCHVERS", {At(1), At(2), "a", "x"})
                .status()
                .code(),
            ErrorCode::kNotFound);
}

TEST_F(StoreTest, IsProfileVersionRevokedAtComparesWithTheSigningTime) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  EXPECT_FALSE(*store_->IsProfileVersionRevokedAt(p.version_arn, At(10'000)));
  ASSERT_TRUE(
      store_->RevokeProfileVersion(kAcct, "prof", "VERSION0001", {At(500), At(900), "a", "x"})
          .ok());
  EXPECT_FALSE(*store_->IsProfileVersionRevokedAt(p.version_arn, At(499)));
  EXPECT_TRUE(*store_->IsProfileVersionRevokedAt(p.version_arn, At(500)));  // "at or after"
  EXPECT_TRUE(*store_->IsProfileVersionRevokedAt(p.version_arn, At(501)));
  EXPECT_EQ(store_->IsProfileVersionRevokedAt(p.version_arn + "x", At(1)).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(StoreTest, TagsAddOverwriteRemoveAndList) {
  SigningProfileRecord p = Put(MakeProfile(kAcct, "prof", "VERSION0001"));
  ASSERT_TRUE(store_->TagResource(p.arn, {{"team", "infra"}, {"env", "prod"}}).ok());
  EXPECT_EQ(*store_->ListTagsForResource(p.arn), (TagMap{{"env", "prod"}, {"team", "infra"}}));
  ASSERT_TRUE(store_->UntagResource(p.arn, {"team", "not-there"}).ok());
  EXPECT_EQ(*store_->ListTagsForResource(p.arn), (TagMap{{"env", "prod"}}));
  EXPECT_EQ(store_->GetProfile(kAcct, "prof")->tags, (TagMap{{"env", "prod"}}));
  // By profile ARN only; a version ARN or unknown ARN is not a taggable resource.
  EXPECT_EQ(store_->TagResource(p.version_arn, {{"a", "b"}}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(
      store_->ListTagsForResource("arn:aws:signer:us-east-1:1:/signing-profiles/x").status().code(),
      ErrorCode::kNotFound);
  EXPECT_EQ(store_->UntagResource("nope", {"a"}).code(), ErrorCode::kNotFound);
}

TEST_F(StoreTest, TagLimitIsEnforcedAtomically) {
  SigningProfileRecord p = MakeProfile(kAcct, "prof", "VERSION0001");
  p.tags.clear();
  for (int i = 0; i < 199; ++i) p.tags["k" + std::to_string(i)] = "v";
  Put(p);
  ASSERT_TRUE(store_->TagResource(p.arn, {{"k0", "overwrite"}, {"last", "v"}}).ok());  // 200
  Status s = store_->TagResource(p.arn, {{"k1", "changed"}, {"one-too-many", "v"}});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
  TagMap tags = *store_->ListTagsForResource(p.arn);
  EXPECT_EQ(tags.size(), 200u);
  EXPECT_EQ(tags["k1"], "v");  // the refused call wrote nothing
  EXPECT_EQ(tags["k0"], "overwrite");
  SigningProfileRecord too_many = MakeProfile(kAcct, "other", "VERSION0001");
  for (int i = 0; i < 201; ++i) too_many.tags["k" + std::to_string(i)] = "v";
  EXPECT_EQ(store_->PutProfile(too_many).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace signet::store::testing
