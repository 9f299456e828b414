// SignerService: RevokeSigningProfile, RevokeSignature and GetRevocationStatus (DESIGN.md §7).

#include "signer/signer_service_fixture.h"

namespace signet::signer {
namespace {

TEST_F(SignerServiceTest, RevokeSigningProfileOnlyMovesEarlierAndIsIrreversible) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "revocable");
  clock_.Set(At(kNow) + days(1));
  const Timestamp now = clock_.Now();

  Status future = service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version,
                                                 "compromised", now + minutes(1));
  EXPECT_EQ(future.code(), ErrorCode::kInvalidArgument) << future.ToString();
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"revocable", std::nullopt})->status,
            ProfileStatus::kActive);

  EXPECT_EQ(service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version, "", now).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RevokeSigningProfile(kOwnerCaller, "revocable", "short", "r", now).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      service_->RevokeSigningProfile(kOwnerCaller, "revocable", "AAAAAAAAAA", "r", now).code(),
      ErrorCode::kNotFound);

  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version, "compromised",
                                             now - hours(1))
                  .ok());
  auto revoked = store_->GetProfileVersion(kOwner, "revocable", v1.version);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->status, ProfileStatus::kRevoked);
  ASSERT_TRUE(revoked->revocation.has_value());
  EXPECT_EQ(revoked->revocation->effective_from, now - hours(1));
  EXPECT_EQ(revoked->revocation->revoked_by, kOwnerCaller.principal_arn);

  // Earlier: allowed. The same time again: a no-op. Later: refused.
  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version, "earlier",
                                             now - hours(2))
                  .ok());
  EXPECT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version, "again",
                                             now - hours(2))
                  .ok());
  Status later = service_->RevokeSigningProfile(kOwnerCaller, "revocable", v1.version, "later",
                                                now - minutes(30));
  EXPECT_EQ(later.code(), ErrorCode::kInvalidArgument) << later.ToString();
  EXPECT_EQ(store_->GetProfileVersion(kOwner, "revocable", v1.version)->revocation->effective_from,
            now - hours(2));

  // Irreversible: a new put makes a new Active version; the revoked one stays revoked.
  const SigningProfileRecord v2 = Put(kOwnerCaller, "revocable");
  EXPECT_EQ(v2.status, ProfileStatus::kActive);
  EXPECT_EQ(store_->GetProfileVersion(kOwner, "revocable", v1.version)->status,
            ProfileStatus::kRevoked);

  // Another account cannot revoke our versions.
  EXPECT_FALSE(
      service_->RevokeSigningProfile(kOtherCaller, "revocable", v2.version, "x", now).ok());
  EXPECT_EQ(store_->GetProfileVersion(kOwner, "revocable", v2.version)->status,
            ProfileStatus::kActive);
}

TEST_F(SignerServiceTest, RevokeSignatureOnlyForSucceededJobs) {
  Put(kOwnerCaller, "notation");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOwner, "bucket");
  auto signed_payload = Sign(kOwnerCaller, "notation");
  ASSERT_TRUE(signed_payload.ok());
  const std::string job_id = signed_payload->job.job_id;
  const SigningJobRecord failed =
      RunJob(kOwnerCaller, JobRequest("lambda", PutObject("bucket", "b.zip", "junk"), "bucket"));
  ASSERT_EQ(failed.status, JobStatus::kFailed);

  EXPECT_EQ(service_->RevokeSignature(kOwnerCaller, failed.job_id, std::nullopt, "r").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RevokeSignature(kOwnerCaller, job_id, std::nullopt, "").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RevokeSignature(kOwnerCaller, job_id, std::nullopt, std::string(501, 'r'))
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->RevokeSignature(kOwnerCaller, NewUuidV4(), std::nullopt, "r").code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->RevokeSignature(kOwnerCaller, job_id, std::string(kOther), "r").code(),
            ErrorCode::kNotFound);

  clock_.Set(At(kNow) + hours(5));
  ASSERT_TRUE(service_->RevokeSignature(kOwnerCaller, job_id, std::string(kOwner), "leaked").ok());
  auto job = service_->DescribeSigningJob(kOwnerCaller, job_id);
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(job->revocation.has_value());
  EXPECT_EQ(job->revocation->reason, "leaked");
  EXPECT_EQ(job->revocation->revoked_at, clock_.Now());
  EXPECT_EQ(job->revocation->revoked_by, kOwnerCaller.principal_arn);
  // Irreversible and idempotent: the first revocation stays.
  clock_.Set(At(kNow) + hours(6));
  EXPECT_TRUE(service_->RevokeSignature(kOwnerCaller, job_id, std::nullopt, "again").ok());
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, job_id)->revocation->reason, "leaked");
}

TEST_F(SignerServiceTest, CrossAccountRevokeSignatureNeedsItsOwnStatement) {
  const SigningProfileRecord profile = Put(kOwnerCaller, "notation");
  AddPermission(kOwnerCaller, "notation", "sign", kActionSignPayload, kOther);
  auto theirs = Sign(kOtherCaller, "notation", kOwner);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  const std::string job_id = theirs->job.job_id;

  // The invoker may not revoke with only signer:SignPayload; a stranger never.
  Status denied = service_->RevokeSignature(kOtherCaller, job_id, std::string(kOwner), "r");
  EXPECT_EQ(denied.code(), ErrorCode::kPermissionDenied) << denied.ToString();
  EXPECT_EQ(service_->RevokeSignature(kThirdCaller, job_id, std::nullopt, "r").code(),
            ErrorCode::kPermissionDenied);
  EXPECT_FALSE(store_->GetJob(job_id)->revocation.has_value());

  // A statement scoped to the version that signed the job is enough, even after a new version.
  Put(kOwnerCaller, "notation");
  AddPermission(kOwnerCaller, "notation", "revoke", kActionRevokeSignature, kOther,
                profile.version);
  ASSERT_TRUE(service_->RevokeSignature(kOtherCaller, job_id, std::string(kOwner), "r").ok());
  EXPECT_TRUE(store_->GetJob(job_id)->revocation.has_value());
}

TEST_F(SignerServiceTest, GetRevocationStatusOfProfileVersionsJobsAndCertificates) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "notation");
  const SigningProfileRecord v2 = Put(kOwnerCaller, "notation");
  clock_.Set(At(kNow) + days(1));
  auto s1 = Sign(kOwnerCaller, "notation");
  ASSERT_TRUE(s1.ok());
  const std::string job_arn = JobArn(kOwner, s1->job.job_id);
  const std::string h1 = LeafHash(v1);
  const std::string h2 = LeafHash(v2);
  const Timestamp effective = At(kNow) + hours(12);
  auto status = [&](const RevocationStatusRequest& r) {
    auto result = service_->GetRevocationStatus(kThirdCaller, r);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : std::vector<std::string>{"<error>"};
  };
  using V = std::vector<std::string>;

  EXPECT_EQ(status(StatusRequest(v1.version_arn, job_arn, clock_.Now(), {h1, h2})), V{});

  ASSERT_TRUE(
      service_->RevokeSigningProfile(kOwnerCaller, "notation", v1.version, "leak", effective).ok());
  // Signatures made at or after the effective time are revoked; before it, not.
  EXPECT_EQ(status(StatusRequest(v1.version_arn, job_arn, effective - minutes(1), {h1, h2})),
            V{});
  EXPECT_EQ(status(StatusRequest(v1.version_arn, job_arn, effective, {h1, h2})),
            (V{v1.version_arn, h1}));
  EXPECT_EQ(status(StatusRequest(v1.version_arn, job_arn, clock_.Now(), {h2, h1})),
            (V{v1.version_arn, h1}));
  EXPECT_EQ(status(StatusRequest(v2.version_arn, job_arn, clock_.Now(), {h2})), V{});

  ASSERT_TRUE(service_->RevokeSignature(kOwnerCaller, s1->job.job_id, std::nullopt, "bad").ok());
  EXPECT_EQ(status(StatusRequest(v2.version_arn, job_arn, clock_.Now(), {})), (V{job_arn}));
  EXPECT_EQ(status(StatusRequest(v1.version_arn, job_arn, clock_.Now(), {h1})),
            (V{v1.version_arn, job_arn, h1}));

  // Unknown entities are not revoked here.
  const std::string unknown_version =
      SigningProfileArn{ArnScope{.account = kOwner}, "notation", std::string("ZZZZZZZZZZ")}
          .ToString();
  const std::string unknown_job = JobArn(kOwner, NewUuidV4());
  EXPECT_EQ(status(StatusRequest(unknown_version, unknown_job, clock_.Now(),
                                 {std::string(96, 'a')})),
            V{});
}

TEST_F(SignerServiceTest, GetRevocationStatusReturnsTheHashesAsGiven) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "notation");
  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "notation", v1.version, "leak",
                                             clock_.Now())
                  .ok());
  std::string upper = LeafHash(v1);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto result = service_->GetRevocationStatus(
      kOwnerCaller, StatusRequest(v1.version_arn, JobArn(kOwner, NewUuidV4()), clock_.Now(),
                                  {upper}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // The revoked subset of the input: the caller matches the answer against what it sent.
  EXPECT_EQ(*result, (std::vector<std::string>{v1.version_arn, upper}));
}

TEST_F(SignerServiceTest, GetRevocationStatusOfAForgedJobArnOfAnotherAccount) {
  Put(kOwnerCaller, "notation");
  auto s = Sign(kOwnerCaller, "notation");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(service_->RevokeSignature(kOwnerCaller, s->job.job_id, std::nullopt, "bad").ok());
  // The same job id under another account names no job of this installation.
  const std::string forged = JobArn(kOther, s->job.job_id);
  auto result = service_->GetRevocationStatus(
      kOwnerCaller, StatusRequest(s->job.profile_version_arn, forged, clock_.Now()));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, std::vector<std::string>{}) << "job ARN of account " << kOther;
}

TEST_F(SignerServiceTest, GetRevocationStatusRefusesMalformedInput) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "notation");
  const std::string job_arn = JobArn(kOwner, NewUuidV4());
  auto code = [&](RevocationStatusRequest r) {
    return service_->GetRevocationStatus(kOwnerCaller, r).status().code();
  };
  RevocationStatusRequest r = StatusRequest(v1.version_arn, job_arn, clock_.Now());
  r.platform_id = "NoSuchPlatform";
  EXPECT_EQ(code(r), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(StatusRequest(v1.arn, job_arn, clock_.Now())), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(StatusRequest("garbage", job_arn, clock_.Now())), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(StatusRequest(v1.version_arn, "arn:aws:signer:us-east-1:111111111111:/signing-jobs/x",
                               clock_.Now())),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(StatusRequest(v1.version_arn, v1.version_arn, clock_.Now())),
            ErrorCode::kInvalidArgument);
  for (const std::string& bad : {std::string(64, 'a'), std::string(98, 'a'),
                                std::string(96, 'g'), std::string("")}) {
    EXPECT_EQ(code(StatusRequest(v1.version_arn, job_arn, clock_.Now(), {bad})),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST_F(SignerServiceTest, CertificateHashIsSha384OfBothTbs) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "notation");
  auto chain = crypto::Certificate::ParseBundle(v1.certificate_chain_pem).value();
  crypto::Digest d(crypto::HashAlgorithm::kSha384);
  d.Update(chain[0].TbsDer());
  d.Update(chain[1].TbsDer());
  const std::string expected = HexEncode(d.Finish());
  EXPECT_EQ(SignerService::CertificateHash(chain[0], chain[1]), expected);
  EXPECT_EQ(expected.size(), 96u);
  EXPECT_NE(SignerService::CertificateHash(chain[1], chain[2]), expected);
}

// A compromised profile version's key may well be destroyed after its revocation: the revocation
// status of its certificate must still be answered (it needs the certificates, not the key).
TEST_F(SignerServiceTest, GetRevocationStatusAfterTheRevokedKeyIsDestroyed) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "compromised");
  const std::string h1 = LeafHash(v1);
  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "compromised", v1.version, "stolen",
                                             clock_.Now())
                  .ok());
  ASSERT_TRUE(keys_->DestroyKey(v1.key_id).ok());
  auto result = service_->GetRevocationStatus(
      kThirdCaller,
      StatusRequest(v1.version_arn, JobArn(kOwner, NewUuidV4()), clock_.Now(), {h1}));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (std::vector<std::string>{v1.version_arn, h1}));
}

}  // namespace
}  // namespace signet::signer
