// Signing and verifying images end to end in an OCI image layout, with envelopes from a real
// in-process SignerService (its SignPayload, its installation root as the trust anchor, its
// revocation status behind the RevocationChecker).
#include "image_test_fixture.h"

namespace signet::imagesig {
namespace {

class ImageSigningTest : public ImageTestBase {};

TEST_F(ImageSigningTest, SignsTheDigestATagNamesAndVerifies) {
  const SignedImage signed_image = Sign("v1");
  EXPECT_TRUE(signed_image.reference_was_tag);
  EXPECT_EQ(signed_image.image.digest, image_.digest);
  ASSERT_FALSE(signed_image.warnings.empty());
  EXPECT_THAT(signed_image.warnings.front(), HasSubstr("tags are mutable"));
  EXPECT_THAT(signed_image.profile_version_arn, HasSubstr(":/signing-profiles/images/"));
  EXPECT_THAT(signed_image.job_arn, HasSubstr(last_job_id_));

  // The pushed manifest is a signature manifest whose subject is the image.
  auto manifest = layout_->FetchManifest(signed_image.signature_manifest.digest);
  ASSERT_TRUE(manifest.ok());
  const SignatureManifest parsed = ParseSignatureManifest(manifest->bytes).value();
  EXPECT_EQ(parsed.subject.digest, image_.digest);
  EXPECT_EQ(parsed.envelope, signed_image.envelope);
  EXPECT_EQ(parsed.created, clock_.Now());
  ASSERT_EQ(parsed.thumbprints.size(), 3u);  // leaf, issuing CA, root
  EXPECT_EQ(parsed.thumbprints.back(), ca_->root().Sha256Thumbprint());

  const ImageVerification v = VerifyOk(image_.digest, Policy("strict"), nullptr, true);
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_FALSE(v.reference_was_tag);
  EXPECT_EQ(v.artifact_reference, std::string(kRepositoryName) + "@" + image_.digest);
  EXPECT_EQ(v.policy_name, "images");
  EXPECT_EQ(v.level_name, "strict");
  ASSERT_NE(v.verified_signature(), nullptr);
  EXPECT_EQ(v.verified_signature()->manifest.digest, signed_image.signature_manifest.digest);
  EXPECT_EQ(v.verified_signature()->job_arn, signed_image.job_arn);
  EXPECT_EQ(v.verified_signature()->profile_version_arn, signed_image.profile_version_arn);
  EXPECT_EQ(v.verified_signature()->outcome->check(VerificationCheck::kRevocation).status,
            CheckStatus::kPassed);
  EXPECT_TRUE(v.warnings.empty());

  const ImageVerification by_tag = VerifyOk("v1", Policy("strict"));
  EXPECT_TRUE(by_tag.verified());
  EXPECT_TRUE(by_tag.reference_was_tag);
  EXPECT_THAT(by_tag.warnings.front(), HasSubstr("tags are mutable"));
}

TEST_F(ImageSigningTest, NoSignatureIsAClearFailure) {
  const ImageVerification v = VerifyOk("v1", Policy("strict"));
  EXPECT_EQ(v.result, ImageVerificationResult::kNoSignature);
  EXPECT_FALSE(v.verified());
  EXPECT_THAT(v.reason, HasSubstr("no signature is associated with"));
  EXPECT_TRUE(v.signatures.empty());
}

TEST_F(ImageSigningTest, TwoSignaturesAreListedAndBothVerify) {
  Profile("second");
  const SignedImage first = Sign(image_.digest);
  clock_.Set(clock_.Now() + hours(1));
  const SignedImage second = Sign(image_.digest, "second");
  EXPECT_FALSE(first.reference_was_tag);
  EXPECT_TRUE(first.warnings.empty());

  Result<SignatureList> list = ListSignatures(*layout_, "v1");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->image.digest, image_.digest);
  ASSERT_EQ(list->signatures.size(), 2u);
  for (const ListedSignature& s : list->signatures) {
    EXPECT_TRUE(s.error.ok()) << s.error.ToString();
    EXPECT_EQ(s.envelope_media_type, notary::kJwsMediaType);
    EXPECT_EQ(s.thumbprints.size(), 3u);
    const bool is_first = s.manifest.digest == first.signature_manifest.digest;
    const SignedImage& expected = is_first ? first : second;
    EXPECT_EQ(s.manifest.digest, expected.signature_manifest.digest);
    EXPECT_EQ(s.job_arn, expected.job_arn);
    EXPECT_EQ(s.profile_version_arn, expected.profile_version_arn);
    EXPECT_EQ(s.signing_time, s.created);
    ASSERT_TRUE(s.expiry.has_value());
    EXPECT_GT(*s.expiry, *s.signing_time);
  }

  // Each signature verifies on its own: revoke one job and the other still carries the image.
  ASSERT_TRUE(VerifyOk("v1", Policy("strict"), nullptr, true).verified());
  const std::string first_job = first.job_arn.substr(first.job_arn.rfind('/') + 1);
  ASSERT_TRUE(service_->RevokeSignature(kCaller, first_job, std::nullopt, "test").ok());
  const ImageVerification v = VerifyOk("v1", Policy("strict"), nullptr, true);
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.verified_signature()->job_arn, second.job_arn);
}

TEST_F(ImageSigningTest, TamperedEnvelopeFailsIntegrity) {
  const SignedImage signed_image = Sign(image_.digest);
  // Rewrite the envelope blob in place with one signature byte changed: the layout serves it
  // under its old digest, so fetching it must fail the digest check, never reach the verifier
  // as trusted bytes.
  const std::filesystem::path blob =
      layout_->dir() / "blobs/sha256" / signed_image.envelope.digest.substr(7);
  std::string envelope = layout_->FetchBlob(signed_image.envelope).value();
  envelope[envelope.find("\"signature\":\"") + 14] ^= 1;
  std::filesystem::permissions(blob, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  {
    std::ofstream out(blob, std::ios::binary | std::ios::trunc);
    out << envelope;
  }
  ImageVerification v = VerifyOk(image_.digest, Policy("strict"));
  EXPECT_EQ(v.result, ImageVerificationResult::kFailed);
  ASSERT_EQ(v.signatures.size(), 1u);
  EXPECT_FALSE(v.signatures[0].outcome.has_value());
  EXPECT_THAT(v.signatures[0].error.message(), HasSubstr("does not match its digest"));

  // The same tampered envelope pushed honestly (under its own digest, in its own signature
  // manifest) reaches the verifier and fails integrity there.
  ASSERT_TRUE(layout_->PushBlob(oci::Sha256Digest(envelope), envelope).ok());
  oci::Descriptor tampered{std::string(notary::kJwsMediaType), oci::Sha256Digest(envelope),
                           envelope.size(), "", {}};
  const std::string manifest =
      BuildSignatureManifest(image_, tampered, {"00"}, clock_.Now()).value();
  ASSERT_TRUE(layout_->DeleteManifest(signed_image.signature_manifest.digest).ok());
  ASSERT_TRUE(layout_->PushManifest(oci::kOciManifestMediaType, manifest).ok());
  v = VerifyOk(image_.digest, Policy("audit"));
  EXPECT_EQ(v.result, ImageVerificationResult::kFailed);
  ASSERT_EQ(v.signatures.size(), 1u);
  ASSERT_TRUE(v.signatures[0].outcome.has_value());
  EXPECT_EQ(v.signatures[0].outcome->failed_check(), VerificationCheck::kIntegrity);
  EXPECT_THAT(v.reason, HasSubstr("integrity"));
}

TEST_F(ImageSigningTest, ASignatureOfAnotherImageFails) {
  const oci::Descriptor other = PushImage("v2", "layer two");
  const SignedImage signed_other = Sign("v2");
  // A signature manifest that claims the v1 image as its subject but carries v2's envelope.
  const std::string manifest =
      BuildSignatureManifest(image_, signed_other.envelope, {"00"}, clock_.Now()).value();
  ASSERT_TRUE(layout_->PushManifest(oci::kOciManifestMediaType, manifest).ok());
  const ImageVerification v = VerifyOk("v1", Policy("strict"));
  EXPECT_EQ(v.result, ImageVerificationResult::kFailed);
  ASSERT_EQ(v.signatures.size(), 1u);
  ASSERT_TRUE(v.signatures[0].outcome.has_value());
  EXPECT_EQ(v.signatures[0].outcome->failed_check(), VerificationCheck::kIntegrity);
  EXPECT_THAT(v.signatures[0].Summary(), HasSubstr("content descriptor mismatch"));
  EXPECT_TRUE(VerifyOk("v2", Policy("strict")).verified());
  EXPECT_NE(other.digest, image_.digest);
}

TEST_F(ImageSigningTest, AnUntrustedRootFailsAuthenticity) {
  Sign("v1");
  // Another installation's root: same shape, different key.
  test::TempDir other_dir;
  auto other_ca = signer::CertificateAuthority::Open(*keys_, other_dir.path() / "ca", {}, clock_.Now());
  ASSERT_TRUE(other_ca.ok());
  ImageVerificationOptions options;
  options.clock = &clock_;
  Result<ImageVerification> v =
      VerifyImage(*layout_, kRepositoryName, "v1", notary::TrustPolicy::ParseOci(Policy("strict")).value(),
                  Store((*other_ca)->root()), options);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->result, ImageVerificationResult::kFailed);
  EXPECT_EQ(v->signatures[0].outcome->failed_check(), VerificationCheck::kAuthenticity);
  EXPECT_THAT(v->reason, HasSubstr("does not contain any trusted certificate"));
}

TEST_F(ImageSigningTest, TrustedIdentitiesMustMatchTheLeaf) {
  Sign("v1");
  const ImageVerification v =
      VerifyOk("v1", Policy("strict", "x509.subject: C=US, ST=WA, O=someone-else"));
  EXPECT_EQ(v.result, ImageVerificationResult::kFailed);
  EXPECT_EQ(v.signatures[0].outcome->failed_check(), VerificationCheck::kAuthenticity);
  EXPECT_THAT(v.reason, HasSubstr("signing certificate from the digital signature does not match"));

  // Under audit an authenticity failure is only logged.
  const ImageVerification audit =
      VerifyOk("v1", Policy("audit", "x509.subject: C=US, ST=WA, O=someone-else"));
  EXPECT_TRUE(audit.verified()) << audit.reason;
  EXPECT_THAT(audit.warnings.back(), HasSubstr("authenticity"));
}

// A leaf's subject is C, ST, O of the installation, OU = account, CN = profile name, so an
// x509.subject identity can name the installation or one of its profiles.
TEST_F(ImageSigningTest, X509SubjectIdentityNamesTheSigningProfile) {
  Profile("other");
  Sign("v1");
  const std::string account = kAccount;
  const std::vector<std::string> matching = {
      "x509.subject: C=US, ST=WA, O=signet, OU=" + account + ", CN=images",
      "x509.subject: CN=images, OU=" + account + ", O=signet, ST=WA, C=US",
      "x509.subject: C=US, ST=WA, O=signet"};
  for (const std::string& identity : matching) {
    const ImageVerification v = VerifyOk("v1", Policy("strict", identity));
    EXPECT_TRUE(v.verified()) << identity << ": " << v.reason;
  }
  const std::vector<std::string> others = {
      "x509.subject: C=US, ST=WA, O=signet, OU=" + account + ", CN=other",
      "x509.subject: C=US, ST=WA, O=signet, OU=222222222222, CN=images",
      "x509.subject: C=DE, ST=WA, O=signet, CN=images"};
  for (const std::string& identity : others) {
    const ImageVerification v = VerifyOk("v1", Policy("strict", identity));
    EXPECT_EQ(v.result, ImageVerificationResult::kFailed) << identity;
    ASSERT_FALSE(v.signatures.empty());
    EXPECT_EQ(v.signatures[0].outcome->failed_check(), VerificationCheck::kAuthenticity);
    EXPECT_THAT(v.reason, HasSubstr("does not match"));
  }
  // The other profile's signature matches its own subject and not the first profile's.
  Sign("v1", "other");
  const ImageVerification both = VerifyOk(
      "v1", Policy("strict", "x509.subject: C=US, ST=WA, O=signet, OU=" + account + ", CN=other"));
  EXPECT_TRUE(both.verified()) << both.reason;
}

TEST_F(ImageSigningTest, ExpiredSignatureFailsUnderStrictAndIsLoggedOtherwise) {
  Profile("short", store::SignatureValidityPeriod{1, store::ValidityType::kDays});
  Sign("v1", "short");
  const FixedClock later(clock_.Now() + days(2));
  const ImageVerification strict = VerifyOk("v1", Policy("strict"), &later);
  EXPECT_EQ(strict.result, ImageVerificationResult::kFailed);
  EXPECT_EQ(strict.signatures[0].outcome->failed_check(), VerificationCheck::kExpiry);
  EXPECT_THAT(strict.reason, HasSubstr("digital signature has expired"));

  for (const char* level : {"permissive", "audit"}) {
    const ImageVerification logged = VerifyOk("v1", Policy(level), &later);
    EXPECT_TRUE(logged.verified()) << level << ": " << logged.reason;
    const auto& expiry = logged.verified_signature()->outcome->check(VerificationCheck::kExpiry);
    EXPECT_EQ(expiry.status, CheckStatus::kFailed);
    EXPECT_EQ(expiry.action, notary::VerificationAction::kLog);
    ASSERT_FALSE(logged.warnings.empty());
    EXPECT_THAT(logged.warnings.back(), HasSubstr("expired"));
  }
}

TEST_F(ImageSigningTest, RevokedJobFailsUnderStrictAndIsLoggedUnderAudit) {
  Sign("v1");
  ASSERT_TRUE(service_->RevokeSignature(kCaller, last_job_id_, std::nullopt, "leaked").ok());
  const ImageVerification strict = VerifyOk("v1", Policy("strict"), nullptr, true);
  EXPECT_EQ(strict.result, ImageVerificationResult::kFailed);
  EXPECT_EQ(strict.signatures[0].outcome->failed_check(), VerificationCheck::kRevocation);
  EXPECT_THAT(strict.reason, HasSubstr("signing-jobs/" + last_job_id_));

  const ImageVerification audit = VerifyOk("v1", Policy("audit"), nullptr, true);
  EXPECT_TRUE(audit.verified()) << audit.reason;
  EXPECT_THAT(audit.warnings.back(), HasSubstr("revocation"));

  // Without a checker the revocation check is skipped, and said to be.
  const ImageVerification unchecked = VerifyOk("v1", Policy("strict"));
  EXPECT_TRUE(unchecked.verified());
  EXPECT_EQ(unchecked.verified_signature()->outcome->check(VerificationCheck::kRevocation).status,
            CheckStatus::kSkipped);
}

TEST_F(ImageSigningTest, RevokedProfileFailsSignaturesMadeSinceTheEffectiveTime) {
  const SignedImage signed_image = Sign("v1");
  const std::string version = signed_image.profile_version_arn.substr(
      signed_image.profile_version_arn.rfind('/') + 1);
  ASSERT_TRUE(
      service_->RevokeSigningProfile(kCaller, "images", version, "compromised", clock_.Now()).ok());
  const ImageVerification strict = VerifyOk("v1", Policy("strict"), nullptr, true);
  EXPECT_EQ(strict.result, ImageVerificationResult::kFailed);
  EXPECT_EQ(strict.signatures[0].outcome->failed_check(), VerificationCheck::kRevocation);
  EXPECT_THAT(strict.reason, HasSubstr(signed_image.profile_version_arn));
  EXPECT_TRUE(VerifyOk("v1", Policy("audit"), nullptr, true).verified());
}

TEST_F(ImageSigningTest, RegistryScopesSelectTheStatement) {
  Sign("v1");
  const std::string policy = R"({"version":"1.0","trustPolicies":[
    {"name":"app","registryScopes":["registry.example.com/team/app"],
     "signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:signet"],
     "trustedIdentities":["*"]},
    {"name":"legacy","registryScopes":["registry.example.com/team/legacy"],
     "signatureVerification":{"level":"skip"}}]})";
  const ImageVerification app = VerifyOk("v1", policy);
  EXPECT_TRUE(app.verified());
  EXPECT_EQ(app.policy_name, "app");

  Result<ImageVerification> legacy =
      Verify("v1", policy, nullptr, false, "registry.example.com/team/legacy");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->result, ImageVerificationResult::kSkipped);
  EXPECT_EQ(legacy->policy_name, "legacy");
  EXPECT_EQ(legacy->level_name, "skip");
  EXPECT_THAT(legacy->reason, HasSubstr("skip"));
  EXPECT_TRUE(legacy->signatures.empty());

  Result<ImageVerification> unscoped =
      Verify("v1", policy, nullptr, false, "registry.example.com/team/other");
  ASSERT_FALSE(unscoped.ok());
  EXPECT_EQ(unscoped.status().code(), ErrorCode::kNotFound);

  // The global scope catches every other repository.
  Result<ImageVerification> global =
      Verify("v1", Policy("strict", "*", "*"), nullptr, false, "registry.example.com/team/other");
  ASSERT_TRUE(global.ok());
  EXPECT_TRUE(global->verified());
}

TEST_F(ImageSigningTest, OnlyMaxSignaturesAreTried) {
  Profile("elsewhere");
  // Two signatures the verifier does not trust (a policy naming another identity fails both).
  Sign("v1");
  Sign("v1");
  ImageVerificationOptions options;
  options.clock = &clock_;
  options.max_signatures = 1;
  Result<ImageVerification> v = VerifyImage(
      *layout_, kRepositoryName, "v1",
      notary::TrustPolicy::ParseOci(Policy("strict", "x509.subject: C=US, ST=WA, O=nobody")).value(),
      Store(ca_->root()), options);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->signatures.size(), 1u);
  EXPECT_EQ(v->untried_signatures, 1u);
  EXPECT_THAT(v->reason, HasSubstr("1 more signature not tried (the limit is 1)"));
  options.max_signatures = 0;
  EXPECT_FALSE(ImageVerifier::Create(notary::TrustPolicy::ParseOci(Policy("strict")).value(),
                                     Store(ca_->root()), options)
                   .ok());
}

TEST_F(ImageSigningTest, ASignerThatSignsSomethingElseLeavesTheRepositoryUntouched) {
  const PayloadSigner sign = SignerFor("images");
  const PayloadSigner wrong = [&](std::string_view) -> Result<std::string> {
    return sign(R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, '0') +
                R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1}})");
  };
  Result<SignedImage> refused = SignImage(*layout_, "v1", wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("another payload"));
  const PayloadSigner broken = [](std::string_view) -> Result<std::string> { return std::string("{}"); };
  EXPECT_FALSE(SignImage(*layout_, "v1", broken).ok());
  const PayloadSigner failing = [](std::string_view) -> Result<std::string> {
    return UnavailableError("signetd is down");
  };
  EXPECT_EQ(SignImage(*layout_, "v1", failing).status().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(layout_->Referrers(image_.digest).value().empty());
  EXPECT_EQ(SignImage(*layout_, "v9", sign).status().code(), ErrorCode::kNotFound);
}

TEST_F(ImageSigningTest, AReferrerWhoseSubjectIsAnotherImageFails) {
  PushImage("v2", "layer two");
  const SignedImage signed_other = Sign("v2");
  // A referrers list (say, a tampered tag-schema index) that offers v2's signature for v1.
  FaultyRepository repository(*layout_);
  repository.extra_referrers.push_back(signed_other.signature_manifest);
  Result<ImageVerification> v = VerifyImage(repository, kRepositoryName, "v1",
                                            notary::TrustPolicy::ParseOci(Policy("strict")).value(),
                                            Store(ca_->root()), {.clock = &clock_});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->result, ImageVerificationResult::kFailed);
  ASSERT_EQ(v->signatures.size(), 1u);
  EXPECT_EQ(v->signatures[0].error.code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(v->reason, HasSubstr("signs " + signed_other.image.digest + ", not " + image_.digest));
}

TEST_F(ImageSigningTest, AnUnreachableRegistryIsNeverVerified) {
  Sign("v1");
  FaultyRepository repository(*layout_);
  repository.blobs_unavailable = true;
  Result<ImageVerification> v = VerifyImage(repository, kRepositoryName, "v1",
                                            notary::TrustPolicy::ParseOci(Policy("audit")).value(),
                                            Store(ca_->root()), {.clock = &clock_});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->result, ImageVerificationResult::kCouldNotComplete);
  EXPECT_FALSE(v->verified());
  EXPECT_THAT(v->reason, HasSubstr("could not complete: "));
  EXPECT_THAT(v->reason, HasSubstr("connection refused"));

  // Listing goes on past an unreadable signature and says why.
  Result<SignatureList> list = ListSignatures(repository, "v1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->signatures.size(), 1u);
  EXPECT_EQ(list->signatures[0].error.code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace signet::imagesig
