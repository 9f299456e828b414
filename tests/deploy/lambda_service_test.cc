// The deploy gate and the Lambda operations, against real parts: a SqliteStore, a FileKeyStore,
// the installation CA, embedded buckets, and packages signed by the SignerService.
#include "deploy/lambda_service.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <filesystem>

#include "core/encoding.h"
#include "core/file.h"
#include "core/ids.h"
#include "core/secret_bytes.h"
#include "crypto/digest.h"
#include "deploy/code_signing_config.h"
#include "keys/file_key_store.h"
#include "signer/certificate_authority.h"
#include "signer/signer_service.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"
#include "testing/fixed_price_billing.h"
#include "testing/signer_installation.h"
#include "testing/temp_dir.h"

namespace signet::deploy {
namespace {

using std::chrono::days;
using std::chrono::hours;
using store::UntrustedArtifactPolicy;

constexpr const char* kAccount = "111111111111";
const signer::Caller kCaller{kAccount, "arn:aws:iam::111111111111:user/admin"};
const signer::Caller kOtherCaller{"222222222222", "arn:aws:iam::222222222222:user/admin"};
constexpr const char* kRole = "arn:aws:iam::111111111111:role/run";

std::string JobArn(const std::string& job_id) {
  return SigningJobArn{ArnScope{.account = kAccount}, job_id}.ToString();
}

Timestamp At(const char* text) { return ParseRfc3339(text).value(); }

// A ZIP archive with one stored entry, built by libzip.
std::string MakeZip(const std::string& body) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  char* data = static_cast<char*>(malloc(body.size()));
  memcpy(data, body.data(), body.size());
  zip_source_t* s = zip_source_buffer(archive, data, body.size(), 1);
  const zip_int64_t idx = zip_file_add(archive, "index.py", s, ZIP_FL_ENC_UTF_8);
  zip_set_file_compression(archive, idx, ZIP_CM_STORE, 0);
  EXPECT_EQ(zip_close(archive), 0);
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(buffer, out.data(), size);
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

class LambdaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ins = test::SignerInstallation::Open(dir_.path(), clock_.Now());
    ASSERT_TRUE(ins.ok()) << ins.status().ToString();
    ins_ = std::move(*ins);
    ASSERT_TRUE(buckets_->CreateBucket(kAccount, "code", clock_.Now()).ok());
    signer::SignerOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(ins_.StartService(billing_, options).ok());
    verifier_ = std::move(PackageVerifier::Create({ca_->root()}, *store_, clock_)).value();
    service_ = std::make_unique<LambdaService>(
        *store_, buckets_.get(), *verifier_,
        LambdaOptions{.clock = &clock_,
                      .environments = {{"dev", EnvironmentEnforcement::kOff},
                                       {"staging", EnvironmentEnforcement::kWarn},
                                       {"prod", EnvironmentEnforcement::kEnforce}}});
  }

  store::SigningProfileRecord Profile(const std::string& name,
                                      std::optional<store::SignatureValidityPeriod> validity = {}) {
    signer::PutProfileRequest r;
    r.profile_name = name;
    r.platform_id = std::string(signer::kLambdaPlatformId);
    r.signature_validity = validity;
    auto put = signer_->PutSigningProfile(kCaller, r);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? *put : store::SigningProfileRecord{};
  }

  // Signs `zip` with a StartSigningJob of `profile`; returns the signed archive and its job.
  std::pair<std::string, store::SigningJobRecord> Sign(const std::string& profile,
                                                       const std::string& zip) {
    store::ObjectWrite w;
    w.bucket = "code";
    w.key = "in/" + NewUuidV4() + ".zip";
    auto put = buckets_->PutObject(w, zip, clock_.Now());
    EXPECT_TRUE(put.ok());
    signer::StartSigningJobRequest r;
    r.profile = signer::ProfileLookup{profile, std::nullopt};
    r.source = store::S3Object{"code", w.key, ""};
    r.destination = store::S3Destination{"code", "signed/"};
    r.client_request_token = NewUuidV4();
    auto started = signer_->StartSigningJob(kCaller, r);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    signer_->Drain();
    auto job = signer_->DescribeSigningJob(kCaller, started->job.job_id);
    EXPECT_TRUE(job.ok() && job->signed_object) << job->status_reason;
    auto object = buckets_->OpenObject("code", job->signed_object->key);
    EXPECT_TRUE(object.ok());
    return {ReadSmallFile(object->second, 1 << 20, "test").value(), *job};
  }

  std::string Config(const std::vector<std::string>& allowed, const char* policy) {
    auto c = service_->CreateCodeSigningConfig(
        kCaller, CodeSigningConfigInput{.allowed_profile_version_arns = allowed,
                                        .untrusted_artifact_on_deployment = policy});
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? c->arn : "";
  }

  CreateFunctionInput Function(const std::string& name, std::string zip,
                               std::optional<std::string> csc) {
    CreateFunctionInput in;
    in.function_name = name;
    in.runtime = "python3.12";
    in.role = kRole;
    in.handler = "index.handler";
    in.code.zip_file = std::move(zip);
    in.code_signing_config_arn = std::move(csc);
    return in;
  }

  // The Lambda exception of a failed deployment, or "ok".
  std::string Deploy(const CreateFunctionInput& in) {
    auto f = service_->CreateFunction(kCaller, in);
    return f.ok() ? "ok" : std::string(LambdaErrorName(f.error().code));
  }
  std::string Message(const CreateFunctionInput& in) {
    auto f = service_->CreateFunction(kCaller, in);
    return f.ok() ? "" : f.error().message;
  }

  FixedClock clock_{At("2026-06-01T12:00:00Z")};
  test::TempDir dir_;
  test::FixedPriceBilling billing_;
  test::SignerInstallation ins_;  // after billing_: its service is destroyed first
  std::unique_ptr<store::SqliteStore>& store_ = ins_.store;
  std::unique_ptr<signer::CertificateAuthority>& ca_ = ins_.ca;
  std::unique_ptr<store::BucketStore>& buckets_ = ins_.buckets;
  std::unique_ptr<signer::SignerService>& signer_ = ins_.service;
  std::unique_ptr<PackageVerifier> verifier_;
  std::unique_ptr<LambdaService> service_;
};

TEST_F(LambdaServiceTest, ConfigValidationFollowsLambda) {
  const std::string arn = Profile("app").version_arn;
  auto create = [&](std::vector<std::string> allowed, std::optional<std::string> policy,
                    std::optional<std::string> description = std::nullopt) {
    return service_->CreateCodeSigningConfig(kCaller,
                                             CodeSigningConfigInput{description, allowed, policy});
  };
  auto made = create({arn}, std::nullopt);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->policy, UntrustedArtifactPolicy::kWarn);  // the default
  EXPECT_TRUE(IsValidCodeSigningConfigId(made->config_id)) << made->config_id;
  EXPECT_EQ(made->arn,
            "arn:aws:lambda:us-east-1:111111111111:code-signing-config:" + made->config_id);

  EXPECT_EQ(create({}, "Enforce").error().code, LambdaErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(create(std::vector<std::string>(20, arn), "Enforce").ok());
  auto too_many = create(std::vector<std::string>(21, arn), "Enforce");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, LambdaErrorCode::kInvalidParameterValue);
  EXPECT_NE(too_many.error().message.find("less than or equal to 20"), std::string::npos);
  EXPECT_EQ(create({arn}, "Block").error().code, LambdaErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      create({"arn:aws:signer:us-east-1:111111111111:/signing-profiles/app"}, "Warn").error().code,
      LambdaErrorCode::kInvalidParameterValue);  // a profile, not a profile version
  EXPECT_TRUE(create({arn}, "Warn", std::string(256, 'd')).ok());
  EXPECT_FALSE(create({arn}, "Warn", std::string(257, 'd')).ok());

  auto updated = service_->UpdateCodeSigningConfig(
      kCaller, made->arn, CodeSigningConfigInput{.untrusted_artifact_on_deployment = "Enforce"});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->policy, UntrustedArtifactPolicy::kEnforce);
  EXPECT_EQ(updated->allowed_profile_version_arns, std::vector<std::string>{arn});
  EXPECT_EQ(service_->GetCodeSigningConfig(kOtherCaller, made->arn).error().code,
            LambdaErrorCode::kResourceNotFound);
}

TEST_F(LambdaServiceTest, SignedPackageDeploysUnderEnforceAndReportsItsSigner) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip("def handler(e, c): return 1\n"));
  const std::string csc = Config({profile.version_arn}, "Enforce");
  auto f = service_->CreateFunction(kCaller, Function("fn", signed_zip, csc));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->signing_profile_version_arn, profile.version_arn);
  EXPECT_EQ(f->signing_job_arn, JobArn(job.job_id));
  EXPECT_EQ(f->code_size, static_cast<int64_t>(signed_zip.size()));
  EXPECT_EQ(f->code_sha256, Base64Encode(crypto::Sha256(signed_zip)));
  EXPECT_EQ(*service_->GetFunction(kCaller, f->arn, std::nullopt), *f);
  EXPECT_EQ(*store_->GetFunctionCode(kAccount, "fn"), signed_zip);
  EXPECT_TRUE(service_->ValidationWarnings().empty());
}

TEST_F(LambdaServiceTest, UnsignedIsBlockedUnderEnforceAndDeployedWithAWarningUnderWarn) {
  const auto profile = Profile("app");
  const std::string unsigned_zip = MakeZip("print(1)\n");
  const std::string enforce = Config({profile.version_arn}, "Enforce");
  EXPECT_EQ(Deploy(Function("fn", unsigned_zip, enforce)), "CodeVerificationFailedException");
  EXPECT_NE(Message(Function("fn", unsigned_zip, enforce)).find("mismatch"), std::string::npos);
  EXPECT_EQ(store_->GetFunction(kAccount, "fn").status().code(), ErrorCode::kNotFound);

  const std::string warn = Config({profile.version_arn}, "Warn");
  EXPECT_EQ(Deploy(Function("fn", unsigned_zip, warn)), "ok");
  auto warnings = service_->ValidationWarnings();
  EXPECT_EQ((warnings[{"fn", "mismatch"}]), 1);
  // Without a config nothing is checked.
  EXPECT_EQ(Deploy(Function("free", unsigned_zip, std::nullopt)), "ok");
}

TEST_F(LambdaServiceTest, ATaggedConfigTakesItsPolicyFromTheEnvironment) {
  const auto profile = Profile("app");
  const std::string unsigned_zip = MakeZip("print(1)\n");
  std::map<std::string, std::string> arns;
  for (const char* env : {"dev", "staging", "prod"}) {
    auto c = service_->CreateCodeSigningConfig(
        kCaller, CodeSigningConfigInput{.allowed_profile_version_arns = {{profile.version_arn}},
                                        .tags = {{"signet:environment", env}, {"team", "a"}}});
    ASSERT_TRUE(c.ok()) << c.error().message;
    arns[env] = c->arn;
    EXPECT_EQ(c->tags.at("team"), "a");
  }
  // Reported: the effective policy, Warn for `off`.
  auto policy = [&](const std::string& env) {
    return service_->GetCodeSigningConfig(kCaller, arns[env])->policy;
  };
  EXPECT_EQ(policy("dev"), store::UntrustedArtifactPolicy::kWarn);
  EXPECT_EQ(policy("staging"), store::UntrustedArtifactPolicy::kWarn);
  EXPECT_EQ(policy("prod"), store::UntrustedArtifactPolicy::kEnforce);
  auto listed = service_->ListCodeSigningConfigs(kCaller, {.max_results = 10});
  ASSERT_TRUE(listed.ok());
  for (const auto& c : listed->items) EXPECT_EQ(c.policy, policy(c.tags.at("signet:environment")));

  EXPECT_EQ(Deploy(Function("prod-fn", unsigned_zip, arns["prod"])),
            "CodeVerificationFailedException");
  EXPECT_EQ(Deploy(Function("staging-fn", unsigned_zip, arns["staging"])), "ok");
  EXPECT_EQ(Deploy(Function("dev-fn", unsigned_zip, arns["dev"])), "ok");
  auto warnings = service_->ValidationWarnings();
  EXPECT_EQ((warnings[{"staging-fn", "mismatch"}]), 1);
  EXPECT_EQ(warnings.count({"dev-fn", "mismatch"}), 0u);  // off: no check ran
  // Off skips every check, integrity included, and still reports a valid signer.
  auto [signed_zip, job] = Sign("app", unsigned_zip);
  auto dev = service_->CreateFunction(kCaller, Function("dev-signed", signed_zip, arns["dev"]));
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->signing_profile_version_arn, profile.version_arn);

  // The policy cannot be set beside the tag, and the environment must be configured.
  auto both = service_->CreateCodeSigningConfig(
      kCaller, CodeSigningConfigInput{.allowed_profile_version_arns = {{profile.version_arn}},
                                      .untrusted_artifact_on_deployment = "Enforce",
                                      .tags = {{"signet:environment", "prod"}}});
  EXPECT_EQ(both.error().code, LambdaErrorCode::kInvalidParameterValue);
  auto update = service_->UpdateCodeSigningConfig(
      kCaller, arns["dev"], CodeSigningConfigInput{.untrusted_artifact_on_deployment = "Enforce"});
  EXPECT_EQ(update.error().code, LambdaErrorCode::kInvalidParameterValue);
  auto unknown = service_->CreateCodeSigningConfig(
      kCaller, CodeSigningConfigInput{.allowed_profile_version_arns = {{profile.version_arn}},
                                      .tags = {{"signet:environment", "qa"}}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("configured: dev, prod, staging"), std::string::npos);
  auto reserved = service_->CreateCodeSigningConfig(
      kCaller, CodeSigningConfigInput{.allowed_profile_version_arns = {{profile.version_arn}},
                                      .tags = {{"aws:x", "1"}}});
  EXPECT_EQ(reserved.error().code, LambdaErrorCode::kInvalidParameterValue);
}

TEST(ResolvePolicyTest, AnEnvironmentNoLongerConfiguredFailsClosed) {
  store::CodeSigningConfigRecord config;
  config.tags = {{"signet:environment", "gone"}};
  const EffectivePolicy p = ResolvePolicy(config, {{"prod", EnvironmentEnforcement::kOff}});
  EXPECT_TRUE(p.unknown_environment);
  EXPECT_EQ(p.policy, store::UntrustedArtifactPolicy::kEnforce);
  config.tags.clear();
  config.policy = store::UntrustedArtifactPolicy::kEnforce;
  EXPECT_EQ(ResolvePolicy(config, {}).policy, store::UntrustedArtifactPolicy::kEnforce);
  EXPECT_TRUE(ResolvePolicy(config, {}).environment.empty());
}

TEST_F(LambdaServiceTest, AFlippedByteFailsIntegrityUnderBothPolicies) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip(std::string(200, 'x')));
  std::string tampered = signed_zip;
  tampered[tampered.find("xxxx")] = 'y';  // inside the entry's data
  for (const char* policy : {"Enforce", "Warn"}) {
    const std::string csc = Config({profile.version_arn}, policy);
    EXPECT_EQ(Deploy(Function("fn", tampered, csc)), "InvalidCodeSignatureException") << policy;
  }
  EXPECT_TRUE(service_->ValidationWarnings().empty());
}

TEST_F(LambdaServiceTest, ProfileNotAllowedIsAMismatch) {
  const auto allowed = Profile("allowed");
  Profile("other");
  auto [signed_zip, job] = Sign("other", MakeZip("print(2)\n"));
  const std::string csc = Config({allowed.version_arn}, "Enforce");
  EXPECT_EQ(Deploy(Function("fn", signed_zip, csc)), "CodeVerificationFailedException");
  EXPECT_NE(Message(Function("fn", signed_zip, csc)).find("not an allowed publisher"),
            std::string::npos);
  EXPECT_EQ(Deploy(Function("fn", signed_zip, Config({allowed.version_arn}, "Warn"))), "ok");
  EXPECT_EQ((service_->ValidationWarnings()[{"fn", "mismatch"}]), 1);
}

TEST_F(LambdaServiceTest, UntrustedChainIsAMismatch) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip("print(3)\n"));
  // A verifier anchored in another installation's root only.
  auto other_keys =
      keys::FileKeyStore::Open(dir_.path() / "other-keys", SecretBytes(HexEncode(RandomBytes(32))));
  auto other_ca =
      signer::CertificateAuthority::Open(**other_keys, dir_.path() / "other-ca", {}, clock_.Now());
  auto verifier = PackageVerifier::Create({(*other_ca)->root()}, *store_, clock_);
  store::CodeSigningConfigRecord config{.allowed_profile_version_arns = {profile.version_arn}};
  auto verdict = (*verifier)->Verify(signed_zip, config);
  ASSERT_TRUE(verdict.ok());
  ASSERT_EQ(verdict->failures.size(), 1u);
  EXPECT_EQ(verdict->failures[0].check, DeployCheck::kMismatch);
  // Trusting both roots, the same package passes.
  auto both = PackageVerifier::Create({(*other_ca)->root(), ca_->root()}, *store_, clock_);
  EXPECT_TRUE((*both)->Verify(signed_zip, config)->failures.empty());
}

TEST_F(LambdaServiceTest, ExpiredSignatureIsBlockedUnderEnforce) {
  const auto profile = Profile(
      "short", store::SignatureValidityPeriod{.value = 1, .type = store::ValidityType::kDays});
  auto [signed_zip, job] = Sign("short", MakeZip("print(4)\n"));
  const std::string enforce = Config({profile.version_arn}, "Enforce");
  const std::string warn = Config({profile.version_arn}, "Warn");
  clock_.Set(clock_.Now() + days(2));
  EXPECT_EQ(Deploy(Function("fn", signed_zip, enforce)), "CodeVerificationFailedException");
  EXPECT_NE(Message(Function("fn", signed_zip, enforce)).find("Failed check: expiry"),
            std::string::npos);
  EXPECT_EQ(Deploy(Function("fn", signed_zip, warn)), "ok");
  EXPECT_EQ((service_->ValidationWarnings()[{"fn", "expiry"}]), 1);
}

TEST_F(LambdaServiceTest, RevokedJobIsBlockedAtTheNextDeployment) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip("print(5)\n"));
  const std::string csc = Config({profile.version_arn}, "Enforce");
  EXPECT_EQ(Deploy(Function("before", signed_zip, csc)), "ok");
  ASSERT_TRUE(signer_->RevokeSignature(kCaller, job.job_id, std::nullopt, "leaked").ok());
  EXPECT_EQ(Deploy(Function("after", signed_zip, csc)), "CodeVerificationFailedException");
  EXPECT_NE(Message(Function("after", signed_zip, csc)).find("Failed check: revocation"),
            std::string::npos);
  // Code already deployed is untouched.
  EXPECT_TRUE(store_->GetFunction(kAccount, "before").ok());
  EXPECT_EQ(Deploy(Function("warned", signed_zip, Config({profile.version_arn}, "Warn"))), "ok");
  EXPECT_EQ((service_->ValidationWarnings()[{"warned", "revocation"}]), 1);
}

TEST_F(LambdaServiceTest, ProfileRevocationCoversSignaturesFromItsEffectiveTime) {
  const auto profile = Profile("app");
  auto [early, early_job] = Sign("app", MakeZip("print(6)\n"));
  clock_.Set(clock_.Now() + hours(2));
  auto [late, late_job] = Sign("app", MakeZip("print(7)\n"));
  clock_.Set(clock_.Now() + hours(1));
  ASSERT_TRUE(signer_
                  ->RevokeSigningProfile(kCaller, "app", profile.version, "key compromise",
                                         clock_.Now() - hours(2))
                  .ok());
  const std::string csc = Config({profile.version_arn}, "Enforce");
  EXPECT_EQ(Deploy(Function("late", late, csc)), "CodeVerificationFailedException");
  EXPECT_EQ(Deploy(Function("early", early, csc)), "ok");
}

TEST_F(LambdaServiceTest, LayersAreCheckedAgainstTheFunctionsConfig) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip("print(8)\n"));
  auto [signed_layer, layer_job] = Sign("app", MakeZip("lib = 1\n"));
  auto unsigned_layer = service_->PublishLayerVersion(
      kCaller, PublishLayerVersionInput{.layer_name = "deps",
                                        .content = CodeInput{.zip_file = MakeZip("lib = 2\n")}});
  auto good_layer = service_->PublishLayerVersion(
      kCaller, PublishLayerVersionInput{.layer_name = "deps",
                                        .content = CodeInput{.zip_file = signed_layer}});
  ASSERT_TRUE(unsigned_layer.ok() && good_layer.ok());
  EXPECT_EQ(unsigned_layer->version, 1);
  EXPECT_EQ(good_layer->signing_profile_version_arn, profile.version_arn);
  EXPECT_TRUE(unsigned_layer->signing_profile_version_arn.empty());

  const std::string csc = Config({profile.version_arn}, "Enforce");
  CreateFunctionInput in = Function("fn", signed_zip, csc);
  in.layers = {unsigned_layer->layer_version_arn};
  EXPECT_EQ(Deploy(in), "CodeVerificationFailedException");
  EXPECT_NE(Message(in).find(unsigned_layer->layer_version_arn), std::string::npos);
  in.layers = {good_layer->layer_version_arn};
  auto f = service_->CreateFunction(kCaller, in);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->layers.size(), 1u);
  EXPECT_EQ(f->layers[0].signing_job_arn, JobArn(layer_job.job_id));
}

TEST_F(LambdaServiceTest, AConfigInUseCannotBeDeletedAndChangesAffectLaterDeploymentsOnly) {
  const auto profile = Profile("app");
  const std::string unsigned_zip = MakeZip("print(9)\n");
  const std::string csc = Config({profile.version_arn}, "Warn");
  ASSERT_EQ(Deploy(Function("fn", unsigned_zip, csc)), "ok");
  auto del = service_->DeleteCodeSigningConfig(kCaller, csc);
  ASSERT_FALSE(del.ok());
  EXPECT_EQ(del.error().code, LambdaErrorCode::kResourceConflict);
  auto users = service_->ListFunctionsByCodeSigningConfig(kCaller, csc, {});
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->items.size(), 1u);

  // Enforce now: the deployed code stays; the next update is refused.
  ASSERT_TRUE(
      service_
          ->UpdateCodeSigningConfig(
              kCaller, csc, CodeSigningConfigInput{.untrusted_artifact_on_deployment = "Enforce"})
          .ok());
  EXPECT_TRUE(service_->GetFunction(kCaller, "fn", std::nullopt).ok());
  auto update = service_->UpdateFunctionCode(
      kCaller,
      UpdateFunctionCodeInput{.function_name = "fn", .code = CodeInput{.zip_file = unsigned_zip}});
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, LambdaErrorCode::kCodeVerificationFailed);

  auto get = service_->GetFunctionCodeSigningConfig(kCaller, "fn");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->code_signing_config_arn, csc);
  ASSERT_TRUE(service_->DeleteFunctionCodeSigningConfig(kCaller, "fn").ok());
  EXPECT_TRUE(service_->DeleteCodeSigningConfig(kCaller, csc).ok());
  EXPECT_EQ(service_->PutFunctionCodeSigningConfig(kCaller, "fn", csc).error().code,
            LambdaErrorCode::kCodeSigningConfigNotFound);
}

TEST_F(LambdaServiceTest, ImageFunctionsCannotHaveAConfig) {
  const std::string csc = Config({Profile("app").version_arn}, "Enforce");
  CreateFunctionInput in = Function("img", "", csc);
  in.package_type = "Image";
  in.code = CodeInput{.image_uri = "111111111111.dkr.ecr.us-east-1.amazonaws.com/app:1"};
  EXPECT_EQ(Deploy(in), "InvalidParameterValueException");
  in.code_signing_config_arn.reset();
  EXPECT_EQ(Deploy(in), "ok");
  EXPECT_EQ(service_->PutFunctionCodeSigningConfig(kCaller, "img", csc).error().code,
            LambdaErrorCode::kInvalidParameterValue);
}

TEST_F(LambdaServiceTest, CodeFromABucketAndFunctionNamesAsArns) {
  const auto profile = Profile("app");
  auto [signed_zip, job] = Sign("app", MakeZip("print(10)\n"));
  store::ObjectWrite w;
  w.bucket = "code";
  w.key = "fn.zip";
  ASSERT_TRUE(buckets_->PutObject(w, signed_zip, clock_.Now()).ok());
  CreateFunctionInput in = Function("fn", "", Config({profile.version_arn}, "Enforce"));
  in.code = CodeInput{.s3_bucket = "code", .s3_key = "fn.zip"};
  ASSERT_EQ(Deploy(in), "ok");
  EXPECT_EQ(Deploy(in), "ResourceConflictException");
  in.code = CodeInput{.s3_bucket = "code", .s3_key = "missing.zip"};
  in.function_name = "fn2";
  EXPECT_EQ(Deploy(in), "InvalidParameterValueException");

  const std::string arn = "arn:aws:lambda:us-east-1:111111111111:function:fn";
  EXPECT_TRUE(service_->GetFunction(kCaller, arn, std::nullopt).ok());
  EXPECT_TRUE(service_->GetFunction(kCaller, "111111111111:function:fn", std::nullopt).ok());
  EXPECT_TRUE(service_->GetFunction(kCaller, "fn:$LATEST", std::nullopt).ok());
  EXPECT_EQ(service_->GetFunction(kCaller, "fn", "1").error().code,
            LambdaErrorCode::kResourceNotFound);
  EXPECT_EQ(service_->GetFunction(kOtherCaller, arn, std::nullopt).error().code,
            LambdaErrorCode::kAccessDenied);
  EXPECT_EQ(service_->GetFunction(kCaller, "bad name!", std::nullopt).error().code,
            LambdaErrorCode::kInvalidParameterValue);
  ASSERT_TRUE(service_->DeleteFunction(kCaller, arn, std::nullopt).ok());
  EXPECT_EQ(service_->GetFunction(kCaller, "fn", std::nullopt).error().code,
            LambdaErrorCode::kResourceNotFound);
}

}  // namespace
}  // namespace signet::deploy
