// SignerService: StartSigningJob, SignPackage (`signet sign zip`), Describe/ListSigningJobs and the job workers.

#include "signer/signer_service_fixture.h"

namespace signet::signer {
namespace {

TEST_F(SignerServiceTest, StartSigningJobSignsTheZipIntoTheDestination) {
  const SigningProfileRecord profile = Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "src-bucket");
  CreateBucket(kOwner, "dst-bucket");
  const std::string zip = SampleZip();
  const store::S3Object source = PutObject("src-bucket", "fn/app.zip", zip);
  clock_.Set(At(kNow) + hours(3));

  const SigningJobRecord job = RunJob(kOwnerCaller, JobRequest("lambda", source, "dst-bucket"));
  ASSERT_EQ(job.status, JobStatus::kSucceeded) << job.status_reason;
  EXPECT_EQ(job.platform_id, kLambdaPlatformId);
  EXPECT_EQ(job.profile_version, profile.version);
  EXPECT_EQ(job.source, std::optional<store::S3Object>(source));
  ASSERT_TRUE(job.signed_object.has_value());
  EXPECT_EQ(job.signed_object->bucket, "dst-bucket");
  EXPECT_EQ(job.signed_object->key, "signed/" + job.job_id + ".zip");
  EXPECT_EQ(job.signature_expires_at,
            std::optional<Timestamp>(AddValidity(clock_.Now(), profile.signature_validity)));
  // The ARNs are derived from the job; the envelope in the signed ZIP names them. The only
  // metadata is the environment the job is billed to.
  EXPECT_EQ(job.metadata, (std::map<std::string, std::string>{{"signet:environment", "test"}}));

  auto object = buckets_->OpenObject("dst-bucket", job.signed_object->key);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(object->first.content_type, "application/zip");
  const std::string signed_zip = ReadFile(object->second);
  EXPECT_EQ(object->first.size, signed_zip.size());
  EXPECT_EQ(object->first.etag, "\"" + HexEncode(crypto::Md5(signed_zip)) + "\"");
  // Unsigned form unchanged: the signed archive is the original plus its comment.
  EXPECT_EQ(signed_zip.substr(0, zip.size() - 2), zip.substr(0, zip.size() - 2));

  auto source_bytes = zipsig::ByteSource::FromMemory(signed_zip);
  auto outcome = zipsig::VerifyPackage(*source_bytes, MakeVerifier(), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->verified()) << outcome->Summary();
  ASSERT_TRUE(outcome->envelope().has_value());
  const notary::SignedAttributes& attrs = outcome->envelope()->signed_attributes;
  EXPECT_EQ(attrs.Find(notary::kSigningJobAttribute)->value, JobArn(kOwner, job.job_id));
  EXPECT_EQ(attrs.Find(notary::kSigningProfileVersionAttribute)->value, profile.version_arn);
  EXPECT_EQ(attrs.signing_time, clock_.Now());
  EXPECT_EQ(attrs.expiry, job.signature_expires_at);

  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].job_id, job.job_id);
  EXPECT_EQ(usage[0].unit_price_micros, 5'000);
  EXPECT_EQ(usage[0].platform_id, kLambdaPlatformId);
}

TEST_F(SignerServiceTest, StartSigningJobSignsTheRequestedSourceVersion) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "versioned-src");
  ASSERT_TRUE(buckets_->SetVersioning("versioned-src", store::VersioningStatus::kEnabled).ok());
  const store::S3Object v1 = PutObject("versioned-src", "app.zip", SampleZip());
  ASSERT_FALSE(v1.version.empty());
  PutObject("versioned-src", "app.zip", "not a zip any more");
  const SigningJobRecord job = RunJob(kOwnerCaller, JobRequest("lambda", v1, "versioned-src"));
  EXPECT_EQ(job.status, JobStatus::kSucceeded) << job.status_reason;
  ASSERT_TRUE(job.signed_object.has_value());
  EXPECT_FALSE(job.signed_object->version.empty());
  EXPECT_TRUE(buckets_
                  ->HeadObject("versioned-src", job.signed_object->key,
                               job.signed_object->version)
                  .ok());
}

TEST_F(SignerServiceTest, StartSigningJobIsIdempotentPerClientRequestToken) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  AddPermission(kOwnerCaller, "lambda", "start", kActionStartSigningJob, kOther);
  CreateBucket(kOwner, "bucket");
  CreateBucket(kOther, "other-bucket");
  const store::S3Object source = PutObject("bucket", "app.zip", SampleZip());
  const store::S3Object other_source = PutObject("other-bucket", "app.zip", SampleZip());

  auto first = service_->StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket", "tok-1"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = service_->StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket", "tok-1"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->job.job_id, first->job.job_id);
  service_->Drain();
  // After completion the token still names the first job.
  auto after = service_->StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket", "tok-1"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->job.job_id, first->job.job_id);
  EXPECT_EQ(after->job.status, JobStatus::kSucceeded);

  // Tokens are per invoking account.
  auto theirs = service_->StartSigningJob(
      kOtherCaller, JobRequest("lambda", other_source, "other-bucket", "tok-1", kOwner));
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  EXPECT_NE(theirs->job.job_id, first->job.job_id);
  service_->Drain();

  EXPECT_EQ(service_->ListSigningJobs(kOwnerCaller, {}, {})->items.size(), 2u);
  EXPECT_EQ(Usage().size(), 2u);
  EXPECT_EQ(service_->StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket", ""))
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(SignerServiceTest, BadPackagesFailTheJobWithAReasonAndCostNothing) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "bucket");
  const SigningJobRecord good =
      RunJob(kOwnerCaller, JobRequest("lambda", PutObject("bucket", "good.zip", SampleZip()),
                                      "bucket"));
  ASSERT_EQ(good.status, JobStatus::kSucceeded) << good.status_reason;
  const std::string already_signed =
      ReadFile(buckets_->OpenObject("bucket", good.signed_object->key)->second);

  struct Case {
    std::string name;
    store::S3Object source;
    std::string reason;  // a fragment of statusReason
  };
  const Case cases[] = {
      {"empty", PutObject("bucket", "empty.zip", ""), "empty"},
      {"malformed", PutObject("bucket", "bad.zip", "PK\x03\x04 this is not really a zip"),
       "not a package"},
      {"already signed", PutObject("bucket", "signed.zip", already_signed), "already signed"},
      {"foreign comment", PutObject("bucket", "comment.zip", MakeZip({{"a", "b"}}, "hello")),
       "comment"},
      {"missing", store::S3Object{"bucket", "nothing-here.zip", ""}, "cannot read"},
      {"missing version", store::S3Object{"bucket", "good.zip", "no-such-version"},
       "cannot read"},
  };
  for (const Case& c : cases) {
    const SigningJobRecord job = RunJob(kOwnerCaller, JobRequest("lambda", c.source, "bucket"));
    EXPECT_EQ(job.status, JobStatus::kFailed) << c.name;
    EXPECT_NE(job.status_reason.find(c.reason), std::string::npos)
        << c.name << ": " << job.status_reason;
    EXPECT_FALSE(job.signed_object.has_value()) << c.name;
    EXPECT_FALSE(job.signature_expires_at.has_value()) << c.name;
    EXPECT_TRUE(job.completed_at.has_value()) << c.name;
    auto listing = buckets_->ListObjects("bucket", Prefix("signed/" + job.job_id));
    ASSERT_TRUE(listing.ok());
    EXPECT_TRUE(listing->objects.empty()) << c.name;
  }
  // Only the good job was metered.
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].job_id, good.job_id);
  // No temporary files are left behind by the failures.
  auto listing = buckets_->ListObjects("bucket", Prefix("signed/"));
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->objects.size(), 1u);
}

TEST_F(SignerServiceTest, StartSigningJobChecksProfileAndBucketsUpFront) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  Put(kOwnerCaller, "notation");
  CreateBucket(kOwner, "mine");
  CreateBucket(kOther, "theirs");
  const store::S3Object source = PutObject("mine", "app.zip", SampleZip());
  const store::S3Object their_source = PutObject("theirs", "app.zip", SampleZip());

  auto code = [&](const Caller& caller, const StartSigningJobRequest& r) {
    return service_->StartSigningJob(caller, r).status().code();
  };
  EXPECT_EQ(code(kOwnerCaller, JobRequest("notation", source, "mine")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(kOwnerCaller, JobRequest("missing", source, "mine")), ErrorCode::kNotFound);
  EXPECT_EQ(code(kOwnerCaller, JobRequest("lambda", their_source, "mine")),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(code(kOwnerCaller, JobRequest("lambda", source, "theirs")),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(code(kOwnerCaller, JobRequest("lambda", source, "no-such-bucket")),
            ErrorCode::kNotFound);
  ASSERT_TRUE(service_->CancelSigningProfile(kOwnerCaller, "lambda").ok());
  EXPECT_EQ(code(kOwnerCaller, JobRequest("lambda", source, "mine")), ErrorCode::kInvalidArgument);
  service_->Drain();
  EXPECT_TRUE(service_->ListSigningJobs(kOwnerCaller, {}, {})->items.empty());

  // Without buckets, StartSigningJob is refused for good (not "unavailable": SDKs would retry).
  SignerOptions options;
  options.clock = &clock_;
  SignerService no_buckets(*store_, nullptr, *keys_, *ca_, billing_, options);
  Put(kOwnerCaller, "lambda2", kLambdaPlatformId);
  EXPECT_EQ(no_buckets.StartSigningJob(kOwnerCaller, JobRequest("lambda2", source, "mine"))
                .status()
                .code(),
            ErrorCode::kFailedPrecondition);
}

TEST_F(SignerServiceTest, CrossAccountStartSigningJobWithAStatement) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  AddPermission(kOwnerCaller, "lambda", "start", kActionStartSigningJob,
                kOtherCaller.principal_arn);
  CreateBucket(kOther, "their-bucket");
  const store::S3Object source = PutObject("their-bucket", "app.zip", SampleZip());
  const SigningJobRecord job = RunJob(
      kOtherCaller, JobRequest("lambda", source, "their-bucket", NewUuidV4(), kOwner));
  ASSERT_EQ(job.status, JobStatus::kSucceeded) << job.status_reason;
  EXPECT_EQ(job.job_owner, kOwner);
  EXPECT_EQ(job.job_invoker, kOther);
  // Both the owner and the invoker see it; a third account does not.
  EXPECT_TRUE(service_->DescribeSigningJob(kOwnerCaller, job.job_id).ok());
  EXPECT_EQ(service_->DescribeSigningJob(kThirdCaller, job.job_id).status().code(),
            ErrorCode::kPermissionDenied);
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].account, kOther);
}

TEST_F(SignerServiceTest, JobsLeftInProgressAreCompletedAfterARestart) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "bucket");
  const store::S3Object source = PutObject("bucket", "app.zip", SampleZip());
  std::string job_id;
  {
    // A service that accepts the job but stops before any worker ran it.
    std::unique_ptr<SignerService> stopped = NewService();
    auto started = stopped->StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket"));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    job_id = started->job.job_id;
  }
  EXPECT_EQ(store_->GetJob(job_id)->status, JobStatus::kInProgress);
  EXPECT_TRUE(Usage().empty());

  std::unique_ptr<SignerService> restarted = NewService();
  ASSERT_TRUE(restarted->Start().ok());
  restarted->Drain();
  auto job = restarted->DescribeSigningJob(kOwnerCaller, job_id);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->status, JobStatus::kSucceeded) << job->status_reason;
  ASSERT_TRUE(job->signed_object.has_value());
  EXPECT_TRUE(buckets_->HeadObject("bucket", "signed/" + job_id + ".zip").ok());
  EXPECT_EQ(Usage().size(), 1u);
}

TEST_F(SignerServiceTest, SignPackageSignsTheUploadAsAJobAndMetersIt) {
  const SigningProfileRecord profile = Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  const std::string zip = SampleZip();
  auto in = zipsig::ByteSource::FromMemory(zip);
  std::string signed_zip;
  auto out = zipsig::ByteSink::ToString(&signed_zip);
  SignPackageRequest request{ProfileLookup{"lambda", std::nullopt}, "fn.zip"};
  auto signed_package = service_->SignPackage(kOwnerCaller, request, *in, *out);
  ASSERT_TRUE(signed_package.ok()) << signed_package.status().ToString();
  EXPECT_TRUE(signed_package->warnings.empty());
  const SigningJobRecord* job = &signed_package->job;
  ASSERT_TRUE(out->Close().ok());
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->profile_version, profile.version);
  EXPECT_EQ(job->profile_version_arn, profile.version_arn);
  EXPECT_EQ(job->completed_at, std::optional<Timestamp>(clock_.Now()));
  EXPECT_EQ(job->signature_expires_at,
            std::optional<Timestamp>(AddValidity(clock_.Now(), profile.signature_validity)));
  EXPECT_EQ(job->source, (std::optional<store::S3Object>(
                             store::S3Object{std::string(kUploadSourceBucket), "fn.zip", ""})));
  EXPECT_EQ(job->metadata.at("signingJobArn"), JobArn(kOwner, job->job_id));
  EXPECT_EQ(job->metadata.at("signingProfileVersionArn"), profile.version_arn);
  EXPECT_FALSE(job->signed_object.has_value());

  // The stored job says the same; the signed archive verifies and names the job.
  auto described = service_->DescribeSigningJob(kOwnerCaller, job->job_id);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->status, JobStatus::kSucceeded);
  EXPECT_EQ(described->source, job->source);
  ASSERT_TRUE(described->destination.has_value());
  EXPECT_EQ(described->destination->bucket, kUploadDestinationBucket);
  EXPECT_EQ(signed_zip.substr(0, zip.size() - 2), zip.substr(0, zip.size() - 2));
  auto signed_bytes = zipsig::ByteSource::FromMemory(signed_zip);
  auto outcome = zipsig::VerifyPackage(*signed_bytes, MakeVerifier(), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->verified()) << outcome->Summary();
  EXPECT_EQ(outcome->envelope()->signed_attributes.Find(notary::kSigningJobAttribute)->value,
            JobArn(kOwner, job->job_id));

  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].job_id, job->job_id);
  EXPECT_EQ(usage[0].unit_price_micros, 5'000);
  EXPECT_EQ(usage[0].environment, "test");

  // An unnamed upload gets the default name; RevokeSignature revokes it like any job.
  auto again = zipsig::ByteSource::FromMemory(zip);
  std::string ignored;
  auto sink = zipsig::ByteSink::ToString(&ignored);
  auto unnamed = service_->SignPackage(kOwnerCaller, {ProfileLookup{"lambda", std::nullopt}, ""},
                                       *again, *sink);
  ASSERT_TRUE(unnamed.ok()) << unnamed.status().ToString();
  EXPECT_EQ(unnamed->job.source->key, kDefaultPackageName);
  EXPECT_TRUE(service_->RevokeSignature(kOwnerCaller, job->job_id, std::nullopt, "leaked").ok());
  EXPECT_TRUE(service_->DescribeSigningJob(kOwnerCaller, job->job_id)->revocation.has_value());
}

TEST_F(SignerServiceTest, SignPackageRefusesWhatCannotBeSignedAndRecordsNothing) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  Put(kOwnerCaller, "notation");
  std::string already_signed;
  {
    const std::string zip = SampleZip();
    auto in = zipsig::ByteSource::FromMemory(zip);
    auto out = zipsig::ByteSink::ToString(&already_signed);
    ASSERT_TRUE(service_->SignPackage(kOwnerCaller, {{"lambda", std::nullopt}, "a.zip"}, *in, *out)
                    .ok());
  }
  struct Case {
    std::string name;
    std::string profile;
    std::string bytes;
    ErrorCode code;
    std::string message;  // a fragment
  };
  const Case cases[] = {
      {"empty", "lambda", "", ErrorCode::kInvalidArgument, "empty"},
      {"malformed", "lambda", "PK\x03\x04 this is not really a zip", ErrorCode::kInvalidArgument,
       "not a package that can be signed"},
      {"already signed", "lambda", already_signed, ErrorCode::kInvalidArgument,
       "already signed"},
      {"foreign comment", "lambda", MakeZip({{"a", "b"}}, "hello"), ErrorCode::kInvalidArgument,
       "comment"},
      {"payload profile", "notation", SampleZip(), ErrorCode::kInvalidArgument,
       "only AWSLambda-SHA384-ECDSA profiles"},
      {"no such profile", "missing", SampleZip(), ErrorCode::kNotFound, "missing"},
  };
  for (const Case& c : cases) {
    auto in = zipsig::ByteSource::FromMemory(c.bytes);
    std::string written;
    auto out = zipsig::ByteSink::ToString(&written);
    auto job = service_->SignPackage(kOwnerCaller, {{c.profile, std::nullopt}, "x.zip"}, *in, *out);
    ASSERT_FALSE(job.ok()) << c.name;
    EXPECT_EQ(job.status().code(), c.code) << c.name << ": " << job.status().ToString();
    EXPECT_NE(job.status().message().find(c.message), std::string::npos)
        << c.name << ": " << job.status().message();
  }
  ASSERT_TRUE(service_->CancelSigningProfile(kOwnerCaller, "lambda").ok());
  const std::string zip = SampleZip();
  auto in = zipsig::ByteSource::FromMemory(zip);
  std::string written;
  auto out = zipsig::ByteSink::ToString(&written);
  EXPECT_EQ(service_->SignPackage(kOwnerCaller, {{"lambda", std::nullopt}, ""}, *in, *out)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  // Only the first, good signature was recorded and metered.
  EXPECT_EQ(service_->ListSigningJobs(kOwnerCaller, {}, {})->items.size(), 1u);
  EXPECT_EQ(Usage().size(), 1u);
}

TEST_F(SignerServiceTest, SignPackageAcrossAccountsNeedsStartSigningJobPermission) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  const std::string zip = SampleZip();
  auto sign = [&](const Caller& caller) {
    auto in = zipsig::ByteSource::FromMemory(zip);
    std::string written;
    auto out = zipsig::ByteSink::ToString(&written);
    return service_->SignPackage(caller, {{"lambda", std::string(kOwner)}, "fn.zip"}, *in, *out);
  };
  EXPECT_EQ(sign(kOtherCaller).status().code(), ErrorCode::kPermissionDenied);
  AddPermission(kOwnerCaller, "lambda", "payload", kActionSignPayload, kOther);
  EXPECT_EQ(sign(kOtherCaller).status().code(), ErrorCode::kPermissionDenied);
  AddPermission(kOwnerCaller, "lambda", "start", kActionStartSigningJob, kOther);
  auto signed_package = sign(kOtherCaller);
  ASSERT_TRUE(signed_package.ok()) << signed_package.status().ToString();
  EXPECT_EQ(signed_package->job.job_owner, kOwner);
  EXPECT_EQ(signed_package->job.job_invoker, kOther);
  EXPECT_EQ(sign(kThirdCaller).status().code(), ErrorCode::kPermissionDenied);
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].account, kOther);
}

TEST_F(SignerServiceTest, DescribeSigningJobVisibility) {
  Put(kOwnerCaller, "notation");
  AddPermission(kOwnerCaller, "notation", "sign", kActionSignPayload, kOther);
  auto mine = Sign(kOwnerCaller, "notation");
  auto theirs = Sign(kOtherCaller, "notation", kOwner);
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(theirs.ok());

  EXPECT_TRUE(service_->DescribeSigningJob(kOwnerCaller, mine->job.job_id).ok());
  EXPECT_EQ(service_->DescribeSigningJob(kOtherCaller, mine->job.job_id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(service_->DescribeSigningJob(kOtherCaller, theirs->job.job_id).ok());
  EXPECT_TRUE(service_->DescribeSigningJob(kOwnerCaller, theirs->job.job_id).ok());
  EXPECT_EQ(service_->DescribeSigningJob(kThirdCaller, theirs->job.job_id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, NewUuidV4()).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, "not-a-job").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, "").status().code(), ErrorCode::kNotFound);
}

TEST_F(SignerServiceTest, ListSigningJobsFilters) {
  Put(kOwnerCaller, "notation");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  AddPermission(kOwnerCaller, "notation", "sign", kActionSignPayload, kOther);
  CreateBucket(kOwner, "bucket");
  auto a = Sign(kOwnerCaller, "notation");
  auto b = Sign(kOtherCaller, "notation", kOwner);
  ASSERT_TRUE(a.ok() && b.ok());
  const SigningJobRecord zip =
      RunJob(kOwnerCaller, JobRequest("lambda", PutObject("bucket", "a.zip", SampleZip()), "bucket"));
  const SigningJobRecord failed =
      RunJob(kOwnerCaller, JobRequest("lambda", PutObject("bucket", "b.zip", "junk"), "bucket"));
  ASSERT_EQ(failed.status, JobStatus::kFailed);
  ASSERT_TRUE(service_->RevokeSignature(kOwnerCaller, a->job.job_id, std::nullopt, "bad").ok());

  auto ids = [&](const Caller& caller, store::SigningJobFilter filter) {
    std::vector<std::string> out;
    auto page = service_->ListSigningJobs(caller, std::move(filter), {});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const SigningJobRecord& j : page->items) out.push_back(j.job_id);
    }
    return out;
  };
  using V = std::vector<std::string>;
  // Newest first.
  EXPECT_EQ(ids(kOwnerCaller, {}), (V{failed.job_id, zip.job_id, b->job.job_id, a->job.job_id}));
  EXPECT_EQ(ids(kOtherCaller, {}), (V{b->job.job_id}));
  EXPECT_EQ(ids(kThirdCaller, {}), V{});
  // filter.account is forced to the caller: asking for another account shows nothing more.
  store::SigningJobFilter spoof;
  spoof.account = std::string(kOwner);
  EXPECT_EQ(ids(kOtherCaller, spoof), (V{b->job.job_id}));

  store::SigningJobFilter status;
  status.status = JobStatus::kFailed;
  EXPECT_EQ(ids(kOwnerCaller, status), (V{failed.job_id}));
  store::SigningJobFilter platform;
  platform.platform_id = std::string(kNotationPlatformId);
  EXPECT_EQ(ids(kOwnerCaller, platform), (V{b->job.job_id, a->job.job_id}));
  store::SigningJobFilter invoker;
  invoker.job_invoker = std::string(kOther);
  EXPECT_EQ(ids(kOwnerCaller, invoker), (V{b->job.job_id}));
  store::SigningJobFilter requested_by;
  requested_by.requested_by = kOtherCaller.principal_arn;
  EXPECT_EQ(ids(kOwnerCaller, requested_by), (V{b->job.job_id}));
  store::SigningJobFilter revoked;
  revoked.is_revoked = true;
  EXPECT_EQ(ids(kOwnerCaller, revoked), (V{a->job.job_id}));
  store::SigningJobFilter paging;
  store::PageRequest page;
  page.max_results = 3;
  auto first_page = service_->ListSigningJobs(kOwnerCaller, paging, page);
  ASSERT_TRUE(first_page.ok());
  EXPECT_EQ(first_page->items.size(), 3u);
  EXPECT_FALSE(first_page->next_token.empty());
}

TEST_F(SignerServiceTest, SeveralWorkersCompleteEveryJobOnce) {
  SignerOptions options;
  options.clock = &clock_;
  options.job_workers = 4;
  SignerService service(*store_, buckets_.get(), *keys_, *ca_, billing_, options);
  ASSERT_TRUE(service.Start().ok());
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "bucket");
  std::vector<std::string> jobs;
  for (int i = 0; i < 10; ++i) {
    const store::S3Object source =
        PutObject("bucket", "in/" + std::to_string(i) + ".zip",
                  MakeZip({{"f" + std::to_string(i), std::string(1000 + i, 'x')}}));
    auto started = service.StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket"));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    jobs.push_back(started->job.job_id);
  }
  service.Drain();
  for (const std::string& id : jobs) {
    auto job = service.DescribeSigningJob(kOwnerCaller, id);
    ASSERT_TRUE(job.ok());
    EXPECT_EQ(job->status, JobStatus::kSucceeded) << job->status_reason;
  }
  EXPECT_EQ(Usage().size(), jobs.size());
}

// Jobs accepted before Start() are queued by StartSigningJob *and* re-listed by Start() as
// InProgress: with several workers the same job is then signed twice, concurrently; the second
// signature overwrites the object the job recorded (in a versioned bucket the job names a version
// that is no longer the current one).
TEST_F(SignerServiceTest, JobsAcceptedBeforeStartAreSignedOnce) {
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "bucket");
  ASSERT_TRUE(buckets_->SetVersioning("bucket", store::VersioningStatus::kEnabled).ok());
  const store::S3Object source = PutObject("bucket", "in/app.zip", SampleZip());
  int signed_twice = 0;
  for (int round = 0; round < 8; ++round) {
    SignerOptions options;
    options.clock = &clock_;
    options.job_workers = 2;
    SignerService service(*store_, buckets_.get(), *keys_, *ca_, billing_, options);
    auto started = service.StartSigningJob(kOwnerCaller, JobRequest("lambda", source, "bucket"));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    ASSERT_TRUE(service.Start().ok());
    service.Drain();
    auto job = service.DescribeSigningJob(kOwnerCaller, started->job.job_id);
    ASSERT_TRUE(job.ok());
    ASSERT_EQ(job->status, JobStatus::kSucceeded) << job->status_reason;
    ASSERT_TRUE(job->signed_object.has_value());
    auto current = buckets_->HeadObject("bucket", job->signed_object->key);
    ASSERT_TRUE(current.ok());
    if (current->version_id != job->signed_object->version) ++signed_twice;
  }
  EXPECT_EQ(signed_twice, 0) << "of 8 jobs, " << signed_twice
                             << " were signed again after the job recorded its signed object";
}

}  // namespace
}  // namespace signet::signer
