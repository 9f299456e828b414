// Signing jobs: creation, idempotency tokens, completion, listing filters, revocation.
#include <set>

#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";

class JobsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    lambda_ = Put(MakeProfile(kAcct, "lambda", "VERSION0001"));
    image_ = Put(MakeProfile(kAcct, "image", "VERSION0002", At(1), "Notation-OCI-SHA384-ECDSA"));
  }
  std::vector<std::string> Ids(const SigningJobFilter& filter) {
    std::vector<std::string> out;
    PageRequest page;
    while (true) {
      Result<Page<SigningJobRecord>> r = store_->ListJobs(filter, page);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok()) return out;
      for (const auto& j : r->items) out.push_back(j.job_id);
      if (r->next_token.empty()) return out;
      page.token = r->next_token;
    }
  }
  SigningProfileRecord lambda_;
  SigningProfileRecord image_;
};

TEST_F(JobsTest, CreateAndGetRoundTripEveryField) {
  SigningJobRecord j = MakeJob(JobId(1), lambda_);
  j.job_invoker = "222222222222";
  j.client_request_token = "token-1";
  j.signature_expires_at = At(99'999);
  j.metadata = {{"signingProfileVersionArn", lambda_.version_arn}};
  Result<SigningJobRecord> created = store_->CreateJob(j);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  j.profile_version_arn = lambda_.version_arn;  // filled in by the Store
  EXPECT_EQ(*created, j);
  EXPECT_EQ(*store_->GetJob(JobId(1)), j);

  SigningJobRecord payload = MakeJob(JobId(2), image_);
  payload.source.reset();
  payload.destination.reset();
  payload.payload = std::string("{\"targetArtifact\":{}}\0binary\xff", 29);
  payload.status = JobStatus::kSucceeded;  // SignPayload completes synchronously
  payload.completed_at = At(2000);
  Result<SigningJobRecord> p = store_->CreateJob(payload);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->payload, payload.payload);
  EXPECT_FALSE(p->source.has_value());
  EXPECT_EQ(p->status, JobStatus::kSucceeded);
}

TEST_F(JobsTest, CreateRequiresAnExistingProfileVersionOfTheOwner) {
  SigningJobRecord j = MakeJob(JobId(1), lambda_);
  j.profile_version = "VERSION9999";
  EXPECT_EQ(store_->CreateJob(j).status().code(), ErrorCode::kNotFound);
  j = MakeJob(JobId(1), lambda_);
  j.job_owner = "999999999999";  // the profile is not that account's
  EXPECT_EQ(store_->CreateJob(j).status().code(), ErrorCode::kNotFound);
  j = MakeJob(JobId(1), lambda_);
  j.requested_by.clear();
  EXPECT_EQ(store_->CreateJob(j).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetJob(JobId(1)).status().code(), ErrorCode::kNotFound);
}

TEST_F(JobsTest, DuplicateJobIdIsAlreadyExists) {
  Create(MakeJob(JobId(1), lambda_));
  EXPECT_EQ(store_->CreateJob(MakeJob(JobId(1), image_)).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->GetJob(JobId(1))->profile_name, "lambda");
}

TEST_F(JobsTest, ClientRequestTokenMakesCreationIdempotentPerInvoker) {
  SigningJobRecord first = MakeJob(JobId(1), lambda_);
  first.client_request_token = "abc";
  Create(first);
  SigningJobRecord retry = MakeJob(JobId(2), lambda_);
  retry.client_request_token = "abc";
  Result<SigningJobRecord> r = store_->CreateJob(retry);
  EXPECT_EQ(r.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(r.status().message().find(JobId(1)), std::string::npos);
  Result<SigningJobRecord> found = store_->FindJobByClientRequestToken(kAcct, "abc");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->job_id, JobId(1));
  EXPECT_EQ(store_->GetJob(JobId(2)).status().code(), ErrorCode::kNotFound);
  // Another invoking account may use the same token.
  SigningJobRecord other = MakeJob(JobId(3), lambda_);
  other.job_invoker = "333333333333";
  other.client_request_token = "abc";
  Create(other);
  EXPECT_EQ(store_->FindJobByClientRequestToken("333333333333", "abc")->job_id, JobId(3));
  EXPECT_EQ(store_->FindJobByClientRequestToken(kAcct, "zzz").status().code(),
            ErrorCode::kNotFound);
  // Jobs without a token never collide.
  Create(MakeJob(JobId(4), lambda_));
  Create(MakeJob(JobId(5), lambda_));
}

TEST_F(JobsTest, CompleteMovesInProgressToAFinalStateOnce) {
  SigningJobRecord j = MakeJob(JobId(1), lambda_);
  j.metadata = {{"a", "1"}};
  Create(j);
  JobCompletion done{.status = JobStatus::kSucceeded,
                     .status_reason = "Signing Succeeded",
                     .completed_at = At(2500),
                     .signature_expires_at = At(50'000),
                     .signed_object = S3Object{"dst-bucket", "signed/" + JobId(1) + ".zip", ""},
                     .metadata = {{"b", "2"}, {"a", "1b"}}};
  Result<SigningJobRecord> r = store_->CompleteJob(JobId(1), done);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, JobStatus::kSucceeded);
  EXPECT_EQ(r->status_reason, "Signing Succeeded");
  EXPECT_EQ(r->completed_at, At(2500));
  EXPECT_EQ(r->signature_expires_at, At(50'000));
  EXPECT_EQ(r->signed_object, done.signed_object);
  EXPECT_EQ(r->metadata, (std::map<std::string, std::string>{{"a", "1b"}, {"b", "2"}}));
  JobCompletion fail{.status = JobStatus::kFailed, .status_reason = "late", .completed_at = At(3)};
  EXPECT_EQ(store_->CompleteJob(JobId(1), fail).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetJob(JobId(1))->status, JobStatus::kSucceeded);
  EXPECT_EQ(store_->CompleteJob(JobId(9), fail).status().code(), ErrorCode::kNotFound);
  Create(MakeJob(JobId(2), lambda_));
  EXPECT_EQ(store_->CompleteJob(JobId(2), {.status = JobStatus::kInProgress}).status().code(),
            ErrorCode::kInvalidArgument);
  Result<SigningJobRecord> failed =
      store_->CompleteJob(JobId(2), {.status = JobStatus::kFailed,
                                     .status_reason = "package is not a ZIP archive",
                                     .completed_at = At(2600)});
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status_reason, "package is not a ZIP archive");
  EXPECT_FALSE(failed->signed_object.has_value());
}

TEST_F(JobsTest, ListAppliesEveryFilter) {
  // 1: lambda, succeeded, expires 1000, by ci of acct
  // 2: image, failed, by another principal, invoked by account 2
  // 3: lambda, succeeded, expires 3000, revoked
  // 4: lambda, in progress
  SigningJobRecord j1 = MakeJob(JobId(1), lambda_);
  j1.status = JobStatus::kSucceeded;
  j1.signature_expires_at = At(1000);
  SigningJobRecord j2 = MakeJob(JobId(2), image_);
  j2.status = JobStatus::kFailed;
  j2.requested_by = "arn:aws:iam::222222222222:role/deployer";
  j2.job_invoker = "222222222222";
  SigningJobRecord j3 = MakeJob(JobId(3), lambda_);
  j3.status = JobStatus::kSucceeded;
  j3.signature_expires_at = At(3000);
  SigningJobRecord j4 = MakeJob(JobId(4), lambda_);
  for (const auto& j : {j1, j2, j3, j4}) Create(j);
  ASSERT_TRUE(store_->RevokeJob(JobId(3), {"compromised", At(5), "sec"}).ok());

  using V = std::vector<std::string>;
  EXPECT_EQ(Ids({}), (V{JobId(4), JobId(3), JobId(2), JobId(1)}));  // newest first
  EXPECT_EQ(Ids({.job_owner = kAcct}), (V{JobId(4), JobId(3), JobId(2), JobId(1)}));
  EXPECT_EQ(Ids({.job_owner = "222222222222"}), V{});
  EXPECT_EQ(Ids({.account = "222222222222"}), V{JobId(2)});  // invoked, not owned
  EXPECT_EQ(Ids({.account = kAcct}), (V{JobId(4), JobId(3), JobId(2), JobId(1)}));
  EXPECT_EQ(Ids({.account = "999999999999"}), V{});
  EXPECT_EQ(Ids({.job_invoker = "222222222222"}), V{JobId(2)});
  EXPECT_EQ(Ids({.status = JobStatus::kSucceeded}), (V{JobId(3), JobId(1)}));
  EXPECT_EQ(Ids({.status = JobStatus::kInProgress}), V{JobId(4)});
  EXPECT_EQ(Ids({.platform_id = "Notation-OCI-SHA384-ECDSA"}), V{JobId(2)});
  EXPECT_EQ(Ids({.requested_by = j1.requested_by}), (V{JobId(4), JobId(3), JobId(1)}));
  EXPECT_EQ(Ids({.is_revoked = true}), V{JobId(3)});
  EXPECT_EQ(Ids({.is_revoked = false}), (V{JobId(4), JobId(2), JobId(1)}));
  EXPECT_EQ(Ids({.signature_expires_before = At(3000)}), V{JobId(1)});  // strictly before
  EXPECT_EQ(Ids({.signature_expires_before = At(3001)}), (V{JobId(3), JobId(1)}));
  EXPECT_EQ(Ids({.signature_expires_after = At(1000)}), V{JobId(3)});  // strictly after
  EXPECT_EQ(Ids({.signature_expires_before = At(5000), .signature_expires_after = At(500)}),
            (V{JobId(3), JobId(1)}));
  EXPECT_EQ(Ids({.status = JobStatus::kSucceeded, .is_revoked = false}), V{JobId(1)});
}

TEST_F(JobsTest, ListPaginatesNewestFirstWithoutDuplicatesOrGaps) {
  for (int i = 1; i <= 61; ++i) Create(MakeJob(JobId(i), i % 2 ? lambda_ : image_));
  std::vector<std::string> seen;
  PageRequest page{.max_results = 10};
  int pages = 0;
  while (true) {
    Result<Page<SigningJobRecord>> r = store_->ListJobs({}, page);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& j : r->items) seen.push_back(j.job_id);
    if (++pages == 3) Create(MakeJob(JobId(100), lambda_));  // newer: not part of this listing
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  EXPECT_EQ(pages, 7);
  ASSERT_EQ(seen.size(), 61u);
  for (int i = 0; i < 61; ++i) EXPECT_EQ(seen[i], JobId(61 - i));
  // Filtered pagination.
  std::vector<std::string> lambda_only;
  page = {.max_results = 4};
  while (true) {
    Result<Page<SigningJobRecord>> r =
        store_->ListJobs({.platform_id = "AWSLambda-SHA384-ECDSA"}, page);
    ASSERT_TRUE(r.ok());
    for (const auto& j : r->items) lambda_only.push_back(j.job_id);
    if (r->next_token.empty()) break;
    page.token = r->next_token;
  }
  EXPECT_EQ(lambda_only.size(), 32u);  // 31 odd + JobId(100)
  EXPECT_EQ(std::set<std::string>(lambda_only.begin(), lambda_only.end()).size(), 32u);
}

// One call reads at most kJobListScanRows jobs. A listing of the few jobs of one account among
// many newer ones of another goes on with a short (here empty) page and a token below what was
// read, instead of one call that scans every job.
TEST_F(JobsTest, ACallReadsABoundedRangeOfJobsAndItsTokenGoesOnBelowThem) {
  constexpr int kNewer = kJobListScanRows + 2;
  constexpr char kOther[] = "222222222222";
  // JobId(1..3) invoked by kOther; then kNewer jobs of kAcct alone. kAcct owns them all.
  Status created = store_->InTransaction([&](StoreTransaction& tx) -> Status {
    for (int i = 1; i <= 3 + kNewer; ++i) {
      SigningJobRecord j = MakeJob(JobId(i), lambda_);
      if (i <= 3) j.job_invoker = kOther;
      SIGNET_RETURN_IF_ERROR(tx.CreateJob(j).status());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(created.ok()) << created.ToString();

  Result<Page<SigningJobRecord>> first = store_->ListJobs({.account = kOther}, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->items.empty());  // the kJobListScanRows newest jobs hold none of kOther's
  ASSERT_FALSE(first->next_token.empty());
  Result<Page<SigningJobRecord>> second =
      store_->ListJobs({.account = kOther}, {.token = first->next_token});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::vector<std::string> ids;
  for (const auto& j : second->items) ids.push_back(j.job_id);
  EXPECT_EQ(ids, (std::vector<std::string>{JobId(3), JobId(2), JobId(1)}));
  EXPECT_TRUE(second->next_token.empty());

  // Full pages across the bound: every job once, newest first.
  const std::vector<std::string> all = Ids({.account = kAcct});
  ASSERT_EQ(all.size(), static_cast<size_t>(3 + kNewer));
  for (int i = 0; i < 3 + kNewer; ++i) ASSERT_EQ(all[i], JobId(3 + kNewer - i)) << i;
}

TEST_F(JobsTest, ListRejectsBadPageSizesAndTokens) {
  EXPECT_EQ(store_->ListJobs({}, {.max_results = 0}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListJobs({}, {.max_results = 26}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListJobs({}, {.token = "xyz"}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(JobsTest, RevocationIsIrreversibleAndKeepsTheFirstRecord) {
  Create(MakeJob(JobId(1), lambda_));
  EXPECT_FALSE(*store_->IsJobRevoked(JobId(1)));
  Result<SigningJobRecord> r = store_->RevokeJob(JobId(1), {"leaked", At(10), "arn:sec"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->revocation, (JobRevocation{"leaked", At(10), "arn:sec"}));
  Result<SigningJobRecord> again = store_->RevokeJob(JobId(1), {"other", At(20), "arn:x"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revocation->reason, "leaked");
  EXPECT_TRUE(*store_->IsJobRevoked(JobId(1)));
  EXPECT_EQ(store_->RevokeJob(JobId(2), {"x", At(1), "y"}).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->IsJobRevoked(JobId(2)).status().code(), ErrorCode::kNotFound);
}

TEST_F(JobsTest, JobsKeepNamingTheVersionThatSignedAfterANewVersion) {
  Create(MakeJob(JobId(1), lambda_));
  Put(MakeProfile(kAcct, "lambda", "VERSION0009"));
  EXPECT_EQ(store_->GetJob(JobId(1))->profile_version_arn, lambda_.version_arn);
}

}  // namespace
}  // namespace signet::store::testing
