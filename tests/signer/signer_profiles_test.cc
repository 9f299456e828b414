// SignerService: PutSigningProfile, Get/List/Cancel, tags and permissions, cross-account use of a profile.

#include "signer/signer_service_fixture.h"

namespace signet::signer {
namespace {

TEST_F(SignerServiceTest, PutSigningProfileMakesANewVersionWithItsOwnKeyAndCertificate) {
  const SigningProfileRecord first = Put(kOwnerCaller, "app_signer");
  EXPECT_EQ(first.account, kOwner);
  EXPECT_EQ(first.arn, "arn:aws:signer:us-east-1:111111111111:/signing-profiles/app_signer");
  EXPECT_TRUE(IsValidProfileVersion(first.version)) << first.version;
  EXPECT_EQ(first.version_arn, first.arn + "/" + first.version);
  EXPECT_EQ(first.status, ProfileStatus::kActive);
  EXPECT_EQ(first.platform_id, kNotationPlatformId);
  EXPECT_EQ(first.created_at, At(kNow));
  // Default validity: 135 months.
  EXPECT_EQ(first.signature_validity,
            (store::SignatureValidityPeriod{135, ValidityType::kMonths}));

  clock_.Set(At(kNow) + hours(1));
  const SigningProfileRecord second = Put(kOwnerCaller, "app_signer");
  EXPECT_NE(second.version, first.version);
  EXPECT_NE(second.key_id, first.key_id);
  EXPECT_EQ(second.arn, first.arn);
  EXPECT_NE(second.certificate_chain_pem, first.certificate_chain_pem);

  // The newest version is "the profile"; the first stays readable.
  auto got = service_->GetSigningProfile(kOwnerCaller, {"app_signer", std::nullopt});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->version, second.version);
  auto old = store_->GetProfileVersion(kOwner, "app_signer", first.version);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->status, ProfileStatus::kActive);

  // Chain: leaf, issuing CA, root; the leaf is a Notary code-signing certificate of the key.
  auto chain = crypto::Certificate::ParseBundle(second.certificate_chain_pem);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[1], ca_->issuing());
  EXPECT_EQ((*chain)[2], ca_->root());
  EXPECT_EQ((*chain)[0].public_key().value().SpkiDer(),
            keys_->GetPublicKey(second.key_id).value().SpkiDer());
  EXPECT_TRUE(crypto::VerifyCertificateChain(*chain, clock_.Now(),
                                             crypto::CertificatePurpose::kCodeSigning)
                  .ok());
  // Valid from (a little before) creation for the profile's validity.
  EXPECT_LE((*chain)[0].not_before(), second.created_at);
  EXPECT_EQ((*chain)[0].not_after(), At("2037-09-01T13:00:00Z"));
  bool ou = false;
  for (const auto& [type, value] : (*chain)[0].SubjectAttributes()) {
    ou |= type == "OU" && value == kOwner;
  }
  EXPECT_TRUE(ou) << (*chain)[0].Subject();
}

TEST_F(SignerServiceTest, ValidityPeriodDefaultsAndLimits) {
  struct Case {
    int value;
    ValidityType type;
    bool ok;
  };
  const Case cases[] = {
      {135, ValidityType::kMonths, true}, {136, ValidityType::kMonths, false},
      {1, ValidityType::kMonths, true},   {0, ValidityType::kMonths, false},
      {-1, ValidityType::kMonths, false}, {1, ValidityType::kDays, true},
      {4100, ValidityType::kDays, true},  {4200, ValidityType::kDays, false},
      {0, ValidityType::kDays, false},    {11, ValidityType::kYears, true},
      {12, ValidityType::kYears, false},  {0, ValidityType::kYears, false},
      {1000000, ValidityType::kYears, false}, {2147483647, ValidityType::kDays, false},
  };
  int n = 0;
  for (const Case& c : cases) {
    PutProfileRequest r = Request("validity_" + std::to_string(n++));
    r.signature_validity = store::SignatureValidityPeriod{c.value, c.type};
    auto put = service_->PutSigningProfile(kOwnerCaller, r);
    EXPECT_EQ(put.ok(), c.ok) << c.value << " " << store::ValidityTypeName(c.type) << ": "
                              << put.status().ToString();
    if (!c.ok) {
      EXPECT_EQ(put.status().code(), ErrorCode::kInvalidArgument);
    }
  }
  // The leaf certificate covers exactly the validity period.
  PutProfileRequest days10 = Request("ten_days");
  days10.signature_validity = store::SignatureValidityPeriod{10, ValidityType::kDays};
  auto put = service_->PutSigningProfile(kOwnerCaller, days10);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->signature_validity.type, ValidityType::kDays);
  auto chain = crypto::Certificate::ParseBundle(put->certificate_chain_pem).value();
  EXPECT_EQ(chain[0].not_after(), At(kNow) + days(10));

  PutProfileRequest years2 = Request("two_years");
  years2.signature_validity = store::SignatureValidityPeriod{2, ValidityType::kYears};
  put = service_->PutSigningProfile(kOwnerCaller, years2);
  ASSERT_TRUE(put.ok());
  chain = crypto::Certificate::ParseBundle(put->certificate_chain_pem).value();
  EXPECT_EQ(chain[0].not_after(), At("2028-06-01T12:00:00Z"));
}

TEST_F(SignerServiceTest, PutSigningProfileRefusesWhatSignetCannotDo) {
  PutProfileRequest material = Request("with_material", kLambdaPlatformId);
  material.certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/abc";
  auto put = service_->PutSigningProfile(kOwnerCaller, material);
  EXPECT_EQ(put.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(put.status().message().find("signingMaterial"), std::string::npos);

  EXPECT_EQ(service_->PutSigningProfile(kOwnerCaller, Request("p1", "AWSIoTDeviceManagement-SHA256-ECDSA"))
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->PutSigningProfile(kOwnerCaller, Request("x")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->PutSigningProfile(kOwnerCaller, Request("bad-name")).status().code(),
            ErrorCode::kInvalidArgument);

  struct Case {
    std::optional<std::string> enc, hash, format;
    std::string_view platform;
    bool ok;
  };
  const Case cases[] = {
      {"RSA", std::nullopt, std::nullopt, kLambdaPlatformId, false},
      {std::nullopt, "SHA256", std::nullopt, kLambdaPlatformId, false},
      {std::nullopt, "SHA1", std::nullopt, kNotationPlatformId, false},
      {std::nullopt, std::nullopt, "JSON", kLambdaPlatformId, false},
      {std::nullopt, std::nullopt, "JSONEmbedded", kLambdaPlatformId, false},
      {std::nullopt, std::nullopt, "JSONDetached", kNotationPlatformId, false},
      {"ECDSA", "SHA384", "JSONDetached", kLambdaPlatformId, true},
      {"ECDSA", "SHA384", "JSONEmbedded", kNotationPlatformId, true},
  };
  int n = 0;
  for (const Case& c : cases) {
    PutProfileRequest r = Request("overrides_" + std::to_string(n++), c.platform);
    r.overrides.encryption_algorithm = c.enc;
    r.overrides.hash_algorithm = c.hash;
    r.overrides.signing_image_format = c.format;
    auto result = service_->PutSigningProfile(kOwnerCaller, r);
    EXPECT_EQ(result.ok(), c.ok) << n << ": " << result.status().ToString();
    if (!c.ok) {
      EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
    }
    if (c.ok && result.ok()) {
      EXPECT_EQ(result->overrides.signing_image_format, c.format);
    }
  }
  // Nothing refused left a profile behind.
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"with_material", std::nullopt})
                .status()
                .code(),
            ErrorCode::kNotFound);
}

TEST_F(SignerServiceTest, TagsAreKeptAcrossVersionsUnlessReplaced) {
  PutProfileRequest r = Request("tagged");
  r.tags = {{"team", "payments"}, {"env", "prod"}};
  const SigningProfileRecord v1 = service_->PutSigningProfile(kOwnerCaller, r).value();
  EXPECT_EQ(v1.tags, r.tags);

  const SigningProfileRecord v2 = Put(kOwnerCaller, "tagged");
  EXPECT_EQ(v2.tags, r.tags);
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"tagged", std::nullopt})->tags, r.tags);
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, v1.arn).value(), r.tags);

  // Tags added with TagResource survive the next put, too.
  ASSERT_TRUE(service_->TagResource(kOwnerCaller, v1.arn, {{"owner", "alice"}}).ok());
  const SigningProfileRecord v3 = Put(kOwnerCaller, "tagged");
  const store::TagMap all = {{"team", "payments"}, {"env", "prod"}, {"owner", "alice"}};
  EXPECT_EQ(v3.tags, all);
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, v1.arn).value(), all);

  PutProfileRequest replace = Request("tagged");
  replace.tags = {{"team", "infra"}};
  EXPECT_EQ(service_->PutSigningProfile(kOwnerCaller, replace)->tags, replace.tags);
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, v1.arn).value(), replace.tags);
}

TEST_F(SignerServiceTest, GetListAndCancelProfiles) {
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"missing", std::nullopt}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"a", std::nullopt}).status().code(),
            ErrorCode::kInvalidArgument);
  Put(kOwnerCaller, "alpha");
  Put(kOwnerCaller, "beta", kLambdaPlatformId);
  Put(kOtherCaller, "gamma");

  auto list = service_->ListSigningProfiles(kOwnerCaller, {}, {});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].name, "alpha");
  EXPECT_EQ(list->items[1].name, "beta");

  store::SigningProfileFilter lambda_only;
  lambda_only.platform_id = std::string(kLambdaPlatformId);
  list = service_->ListSigningProfiles(kOwnerCaller, lambda_only, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].name, "beta");

  ASSERT_TRUE(service_->CancelSigningProfile(kOwnerCaller, "alpha").ok());
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"alpha", std::nullopt})->status,
            ProfileStatus::kCanceled);
  list = service_->ListSigningProfiles(kOwnerCaller, {}, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].name, "beta");
  store::SigningProfileFilter with_canceled;
  with_canceled.include_canceled = true;
  EXPECT_EQ(service_->ListSigningProfiles(kOwnerCaller, with_canceled, {})->items.size(), 2u);

  // Cancel is per account: another account cannot cancel (or see) our profile.
  EXPECT_FALSE(service_->CancelSigningProfile(kOtherCaller, "beta").ok());
  EXPECT_EQ(service_->GetSigningProfile(kOwnerCaller, {"beta", std::nullopt})->status,
            ProfileStatus::kActive);
  EXPECT_EQ(service_->CancelSigningProfile(kOwnerCaller, "nope").code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->CancelSigningProfile(kOwnerCaller, "!").code(), ErrorCode::kInvalidArgument);
}

TEST_F(SignerServiceTest, TagsByArn) {
  const SigningProfileRecord p = Put(kOwnerCaller, "tags_arn");
  ASSERT_TRUE(service_->TagResource(kOwnerCaller, p.arn, {{"a", "1"}, {"b", "2"}}).ok());
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, p.arn).value(),
            (store::TagMap{{"a", "1"}, {"b", "2"}}));
  ASSERT_TRUE(service_->UntagResource(kOwnerCaller, p.arn, {"a", "zzz"}).ok());
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, p.arn).value(),
            (store::TagMap{{"b", "2"}}));

  for (const std::string& bad : {std::string("not-an-arn"), p.version_arn,
                                std::string("arn:aws:s3:::bucket"),
                                JobArn(kOwner, NewUuidV4())}) {
    EXPECT_EQ(service_->TagResource(kOwnerCaller, bad, {{"c", "3"}}).code(),
              ErrorCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, bad).status().code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
  // Another account's profile: not found for the caller, and untouched.
  EXPECT_EQ(service_->TagResource(kOtherCaller, p.arn, {{"c", "3"}}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->UntagResource(kOtherCaller, p.arn, {"b"}).code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->ListTagsForResource(kOtherCaller, p.arn).status().code(),
            ErrorCode::kNotFound);
  // Another region of our own account is not ours here either.
  const std::string other_region =
      SigningProfileArn{ArnScope{.region = "eu-west-1", .account = kOwner}, "tags_arn",
                        std::nullopt}
          .ToString();
  EXPECT_EQ(service_->TagResource(kOwnerCaller, other_region, {{"c", "3"}}).code(),
            ErrorCode::kNotFound);
  // A profile that does not exist.
  const std::string missing =
      SigningProfileArn{ArnScope{.account = kOwner}, "missing", std::nullopt}.ToString();
  EXPECT_EQ(service_->TagResource(kOwnerCaller, missing, {{"c", "3"}}).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->ListTagsForResource(kOwnerCaller, p.arn).value(),
            (store::TagMap{{"b", "2"}}));
}

TEST_F(SignerServiceTest, PermissionsRevisionsAndDuplicates) {
  const SigningProfileRecord p = Put(kOwnerCaller, "shared");
  store::ProfilePermissionRecord sign{"s1", std::string(kActionSignPayload), kOther, std::nullopt};

  auto rev1 = service_->AddProfilePermission(kOwnerCaller, "shared", std::string(""), sign);
  ASSERT_TRUE(rev1.ok()) << rev1.status().ToString();
  EXPECT_FALSE(rev1->empty());

  // Stale revision: conflict (FailedPrecondition), distinct from a duplicate statement id.
  store::ProfilePermissionRecord get{"s2", std::string(kActionGetSigningProfile), kOther,
                                     std::nullopt};
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", std::string(""), get)
                .status()
                .code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", *rev1, sign).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", std::nullopt, sign)
                .status()
                .code(),
            ErrorCode::kAlreadyExists);
  auto rev2 = service_->AddProfilePermission(kOwnerCaller, "shared", *rev1, get);
  ASSERT_TRUE(rev2.ok()) << rev2.status().ToString();
  EXPECT_NE(*rev2, *rev1);

  // Malformed statements.
  store::ProfilePermissionRecord bad_action{"s3", "signer:PutSigningProfile", kOther,
                                            std::nullopt};
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", std::nullopt, bad_action)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  store::ProfilePermissionRecord bad_version{"s4", std::string(kActionSignPayload), kOther,
                                             std::string("v1")};
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", std::nullopt, bad_version)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  store::ProfilePermissionRecord no_principal{"s5", std::string(kActionSignPayload), "",
                                              std::nullopt};
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "shared", std::nullopt, no_principal)
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(service_->AddProfilePermission(kOwnerCaller, "missing", std::nullopt, sign)
                .status()
                .code(),
            ErrorCode::kNotFound);
  // Only the owner can add permissions to its profile.
  EXPECT_FALSE(service_->AddProfilePermission(kOtherCaller, "shared", std::nullopt,
                                              {"s6", std::string(kActionSignPayload), kOther,
                                               std::nullopt})
                   .ok());

  auto listed = service_->ListProfilePermissions(kOwnerCaller, "shared", {});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->revision_id, *rev2);
  ASSERT_EQ(listed->permissions.size(), 2u);
  EXPECT_EQ(listed->permissions[0], sign);
  EXPECT_EQ(listed->permissions[1], get);

  EXPECT_EQ(service_->RemoveProfilePermission(kOwnerCaller, "shared", *rev1, "s1").status().code(),
            ErrorCode::kFailedPrecondition);
  auto rev3 = service_->RemoveProfilePermission(kOwnerCaller, "shared", *rev2, "s1");
  ASSERT_TRUE(rev3.ok()) << rev3.status().ToString();
  EXPECT_EQ(service_->ListProfilePermissions(kOwnerCaller, "shared", {})->permissions.size(), 1u);
  (void)p;
}

TEST_F(SignerServiceTest, CrossAccountUseIsDeniedWithoutAStatement) {
  Put(kOwnerCaller, "notation");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  CreateBucket(kOther, "other-src");
  const store::S3Object zip = PutObject("other-src", "fn.zip", SampleZip());

  auto get = service_->GetSigningProfile(kOtherCaller, {"notation", std::string(kOwner)});
  EXPECT_EQ(get.status().code(), ErrorCode::kPermissionDenied) << get.status().ToString();
  EXPECT_NE(get.status().message().find(kOtherCaller.principal_arn), std::string::npos);
  EXPECT_NE(get.status().message().find("signer:GetSigningProfile"), std::string::npos);
  EXPECT_EQ(Sign(kOtherCaller, "notation", kOwner).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_
                ->StartSigningJob(kOtherCaller,
                                  JobRequest("lambda", zip, "other-src", NewUuidV4(), kOwner))
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  // A missing profile of another account is denied, not "not found": existence does not leak.
  EXPECT_EQ(service_->GetSigningProfile(kOtherCaller, {"nothing_here", std::string(kOwner)})
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(Sign(kOtherCaller, "nothing_here", kOwner).status().code(),
            ErrorCode::kPermissionDenied);
  // Without profileOwner the caller names its own (missing) profile.
  EXPECT_EQ(service_->GetSigningProfile(kOtherCaller, {"notation", std::nullopt}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(Usage().empty());
}

TEST_F(SignerServiceTest, CrossAccountUseIsAllowedByAStatementForTheAccountOrPrincipal) {
  Put(kOwnerCaller, "notation");
  AddPermission(kOwnerCaller, "notation", "get", kActionGetSigningProfile, kOther);
  AddPermission(kOwnerCaller, "notation", "sign", kActionSignPayload,
                kThirdCaller.principal_arn);

  auto get = service_->GetSigningProfile(kOtherCaller, {"notation", std::string(kOwner)});
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->account, kOwner);
  // The statement grants only its action.
  EXPECT_EQ(Sign(kOtherCaller, "notation", kOwner).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(service_->GetSigningProfile(kThirdCaller, {"notation", std::string(kOwner)})
                .status()
                .code(),
            ErrorCode::kPermissionDenied);

  // The principal ARN statement: that principal only, not others of its account.
  auto signed_payload = Sign(kThirdCaller, "notation", kOwner);
  ASSERT_TRUE(signed_payload.ok()) << signed_payload.status().ToString();
  EXPECT_EQ(signed_payload->job.job_owner, kOwner);
  EXPECT_EQ(signed_payload->job.job_invoker, kThird);
  EXPECT_EQ(signed_payload->job.requested_by, kThirdCaller.principal_arn);
  EXPECT_TRUE(VerifyPayloadEnvelope(signed_payload->signature).verified());
  const Caller third_other_principal{kThird, "arn:aws:iam::333333333333:user/someone-else"};
  EXPECT_EQ(Sign(third_other_principal, "notation", kOwner).status().code(),
            ErrorCode::kPermissionDenied);

  // The invoker's account pays.
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].account, kThird);
  EXPECT_EQ(usage[0].principal, kThirdCaller.principal_arn);
}

TEST_F(SignerServiceTest, VersionScopedStatementsGrantOnlyThatVersion) {
  const SigningProfileRecord v1 = Put(kOwnerCaller, "versioned");
  AddPermission(kOwnerCaller, "versioned", "v1", kActionSignPayload, kOther, v1.version);
  auto first = Sign(kOtherCaller, "versioned", kOwner);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->job.profile_version, v1.version);

  // A new version is what signs now; the statement does not cover it.
  const SigningProfileRecord v2 = Put(kOwnerCaller, "versioned");
  EXPECT_EQ(Sign(kOtherCaller, "versioned", kOwner).status().code(),
            ErrorCode::kPermissionDenied);
  AddPermission(kOwnerCaller, "versioned", "v2", kActionSignPayload, kOther, v2.version);
  auto second = Sign(kOtherCaller, "versioned", kOwner);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->job.profile_version, v2.version);
}

TEST_F(SignerServiceTest, AStatementBeyondTheFirstPageOfPermissionsStillGrants) {
  Put(kOwnerCaller, "crowded");
  for (int i = 0; i < 30; ++i) {
    char sid[8];
    snprintf(sid, sizeof sid, "a%02d", i);
    AddPermission(kOwnerCaller, "crowded", sid, kActionSignPayload,
                  "arn:aws:iam::444444444444:user/u" + std::to_string(i));
  }
  AddPermission(kOwnerCaller, "crowded", "zz", kActionSignPayload, kOther);
  auto signed_payload = Sign(kOtherCaller, "crowded", kOwner);
  EXPECT_TRUE(signed_payload.ok()) << signed_payload.status().ToString();
}

TEST_F(SignerServiceTest, RefusedPutsLeaveNoKeyBehind) {
  const size_t before = keys_->ListKeys().value().size();
  PutProfileRequest bad = Request("refused");
  bad.signature_validity = store::SignatureValidityPeriod{200, ValidityType::kMonths};
  EXPECT_FALSE(service_->PutSigningProfile(kOwnerCaller, bad).ok());
  PutProfileRequest material = Request("refused");
  material.certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/x";
  EXPECT_FALSE(service_->PutSigningProfile(kOwnerCaller, material).ok());
  EXPECT_EQ(keys_->ListKeys().value().size(), before);
  const SigningProfileRecord p = Put(kOwnerCaller, "accepted");
  const std::vector<keys::KeyInfo> after = keys_->ListKeys().value();
  ASSERT_EQ(after.size(), before + 1);
  // The key is labelled with the version ARN.
  EXPECT_TRUE(std::any_of(after.begin(), after.end(), [&](const keys::KeyInfo& k) {
    return k.id == p.key_id && k.label == p.version_arn;
  }));
}

}  // namespace
}  // namespace signet::signer
