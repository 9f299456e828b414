#include "signer/signer_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/arn.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "core/secret_bytes.h"
#include "crypto/chain_verifier.h"
#include "crypto/digest.h"
#include "keys/file_key_store.h"
#include "notary/jws_envelope.h"
#include "notary/payload.h"
#include "notary/trust_policy.h"
#include "notary/trust_store.h"
#include "notary/verifier.h"
#include "signer/certificate_authority.h"
#include "signer/validity.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"
#include "zipsig/byte_source.h"
#include "zipsig/zip_signature.h"
#include "testing/fixed_price_billing.h"
#include "testing/temp_dir.h"

namespace signet::signer {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using store::JobStatus;
using store::ProfileStatus;
using store::SigningJobRecord;
using store::SigningProfileRecord;
using store::ValidityType;

Timestamp At(const char* text) { return ParseRfc3339(text).value(); }
constexpr const char* kNow = "2026-06-01T12:00:00Z";

constexpr const char* kOwner = "111111111111";
constexpr const char* kOther = "222222222222";
constexpr const char* kThird = "333333333333";
const Caller kOwnerCaller{kOwner, "arn:aws:iam::111111111111:user/admin"};
const Caller kOtherCaller{kOther, "arn:aws:iam::222222222222:user/ci"};
const Caller kThirdCaller{kThird, "arn:aws:iam::333333333333:role/deployer"};

using TempDir = ::signet::test::TempDir;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- A small hand-built ZIP (stored entries) -----------------------------------------------------

uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}
void Put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
}
void Put32(std::string& s, uint32_t v) {
  Put16(s, v & 0xffff);
  Put16(s, v >> 16);
}

std::string MakeZip(const std::map<std::string, std::string>& files, std::string_view comment = "") {
  std::string out, cd;
  for (const auto& [name, body] : files) {
    const auto offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = Crc32(body);
    const auto size = static_cast<uint32_t>(body.size());
    const auto name_len = static_cast<uint32_t>(name.size());
    Put32(out, 0x04034b50);
    Put16(out, 20);  // version needed
    Put16(out, 0);   // flags
    Put16(out, 0);   // stored
    Put16(out, 0);   // time
    Put16(out, 0x21);  // 1980-01-01
    Put32(out, crc);
    Put32(out, size);
    Put32(out, size);
    Put16(out, name_len);
    Put16(out, 0);
    out += name;
    out += body;
    Put32(cd, 0x02014b50);
    Put16(cd, 20);
    Put16(cd, 20);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0x21);
    Put32(cd, crc);
    Put32(cd, size);
    Put32(cd, size);
    Put16(cd, name_len);
    Put16(cd, 0);  // extra
    Put16(cd, 0);  // comment
    Put16(cd, 0);  // disk
    Put16(cd, 0);  // internal attributes
    Put32(cd, 0);  // external attributes
    Put32(cd, offset);
    cd += name;
  }
  const auto cd_offset = static_cast<uint32_t>(out.size());
  out += cd;
  const auto n = static_cast<uint32_t>(files.size());
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, n);
  Put16(out, n);
  Put32(out, static_cast<uint32_t>(cd.size()));
  Put32(out, cd_offset);
  Put16(out, static_cast<uint32_t>(comment.size()));
  out += comment;
  return out;
}

std::string SampleZip() {
  return MakeZip({{"index.js", "exports.handler = async () => 'hello';\n"},
                  {"package.json", "{\"name\":\"fn\"}\n"}});
}

store::ListObjectsRequest Prefix(const std::string& prefix) {
  store::ListObjectsRequest r;
  r.prefix = prefix;
  return r;
}

notary::Descriptor ImageTarget() {
  notary::Descriptor d;
  d.media_type = "application/vnd.oci.image.manifest.v1+json";
  d.digest = "sha256:" + std::string(64, 'a');
  d.size = 1234;
  return d;
}

// --- Fixture -------------------------------------------------------------------------------------

class SignerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::SqliteStore::Open(dir_.path() / "signet.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    store_ = std::move(*db);
    auto keys = keys::FileKeyStore::Open(dir_.path() / "keys",
                                         SecretBytes(HexEncode(RandomBytes(32))));
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    keys_ = std::move(*keys);
    auto ca = CertificateAuthority::Open(*keys_, dir_.path() / "ca", CaOptions{}, clock_.Now());
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = std::move(*ca);
    auto buckets = store::BucketStore::Open(dir_.path() / "buckets");
    ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
    buckets_ = std::move(*buckets);
    service_ = NewService();
    ASSERT_TRUE(service_->Start().ok());
  }

  std::unique_ptr<SignerService> NewService() {
    SignerOptions options;
    options.clock = &clock_;
    return std::make_unique<SignerService>(*store_, buckets_.get(), *keys_, *ca_, billing_,
                                           options);
  }

  static PutProfileRequest Request(const std::string& name,
                                   std::string_view platform = kNotationPlatformId) {
    PutProfileRequest r;
    r.profile_name = name;
    r.platform_id = std::string(platform);
    return r;
  }

  SigningProfileRecord Put(const Caller& caller, const std::string& name,
                           std::string_view platform = kNotationPlatformId) {
    auto put = service_->PutSigningProfile(caller, Request(name, platform));
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? *put : SigningProfileRecord{};
  }

  std::string Payload() const { return notary::SerializePayload(ImageTarget()); }

  Result<SignPayloadResult> Sign(const Caller& caller, const std::string& profile,
                                 std::optional<std::string> owner = std::nullopt) {
    SignPayloadRequest r;
    r.profile = ProfileLookup{profile, std::move(owner)};
    r.payload = Payload();
    r.payload_format = std::string(kNotaryPayloadFormat);
    return service_->SignPayload(caller, r);
  }

  notary::Verifier MakeVerifier() const {
    notary::TrustStore trust;
    EXPECT_TRUE(trust.Add(notary::TrustStoreType::kSigningAuthority, "signet", {ca_->root()}).ok());
    auto policy = notary::TrustPolicy::ParseBlob(R"({"version":"1.0","trustPolicies":[{
        "name":"signet","globalPolicy":true,"signatureVerification":{"level":"strict"},
        "trustStores":["signingAuthority:signet"],"trustedIdentities":["*"]}]})");
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    notary::VerifierOptions options;
    options.clock = &clock_;
    options.processed_critical_attributes = {std::string(notary::kSigningProfileVersionAttribute),
                                             std::string(notary::kSigningJobAttribute)};
    return notary::Verifier(std::move(*policy), std::move(trust), options);
  }

  notary::VerificationOutcome VerifyPayloadEnvelope(const std::string& envelope) const {
    notary::VerificationRequest request;
    request.expected_target = ImageTarget();
    auto outcome = MakeVerifier().Verify(envelope, notary::kJwsMediaType, request);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return std::move(outcome).value();
  }

  void CreateBucket(const std::string& account, const std::string& bucket) {
    ASSERT_TRUE(buckets_->CreateBucket(account, bucket, clock_.Now()).ok()) << bucket;
  }

  store::S3Object PutObject(const std::string& bucket, const std::string& key,
                            const std::string& bytes) {
    store::ObjectWrite w;
    w.bucket = bucket;
    w.key = key;
    w.content_type = "application/zip";
    auto put = buckets_->PutObject(w, bytes, clock_.Now());
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    if (!put.ok()) return {};
    return store::S3Object{bucket, key, put->version_id == "null" ? "" : put->version_id};
  }

  StartSigningJobRequest JobRequest(const std::string& profile, const store::S3Object& source,
                                    const std::string& dest_bucket,
                                    const std::string& token = NewUuidV4(),
                                    std::optional<std::string> owner = std::nullopt) {
    StartSigningJobRequest r;
    r.profile = ProfileLookup{profile, std::move(owner)};
    r.source = source;
    r.destination = store::S3Destination{dest_bucket, "signed/"};
    r.client_request_token = token;
    return r;
  }

  // Starts a job and waits for it to complete.
  SigningJobRecord RunJob(const Caller& caller, const StartSigningJobRequest& request) {
    auto started = service_->StartSigningJob(caller, request);
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    if (!started.ok()) return {};
    EXPECT_EQ(started->job.status, JobStatus::kInProgress);
    service_->Drain();
    auto job = service_->DescribeSigningJob(caller, started->job.job_id);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : SigningJobRecord{};
  }

  std::vector<store::UsageRecord> Usage(std::optional<std::string> account = std::nullopt) {
    store::UsageQuery q;
    q.from = Timestamp{};
    q.to = At("2100-01-01T00:00:00Z");
    q.account = std::move(account);
    store::PageRequest page;
    page.max_results = store::kMaxUsagePageSize;
    auto usage = store_->ListUsage(q, page);
    EXPECT_TRUE(usage.ok()) << usage.status().ToString();
    return usage.ok() ? usage->items : std::vector<store::UsageRecord>{};
  }

  std::string AddPermission(const Caller& owner, const std::string& profile,
                            const std::string& sid, std::string_view action,
                            const std::string& principal,
                            std::optional<std::string> version = std::nullopt) {
    store::ProfilePermissionRecord p;
    p.statement_id = sid;
    p.action = std::string(action);
    p.principal = principal;
    p.profile_version = std::move(version);
    auto added = service_->AddProfilePermission(owner, profile, std::nullopt, p);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : "";
  }

  std::string LeafHash(const SigningProfileRecord& version) const {
    auto chain = crypto::Certificate::ParseBundle(version.certificate_chain_pem);
    EXPECT_TRUE(chain.ok());
    EXPECT_GE(chain->size(), 2u);
    return SignerService::CertificateHash((*chain)[0], (*chain)[1]);
  }

  RevocationStatusRequest StatusRequest(const std::string& version_arn, const std::string& job_arn,
                                        Timestamp at,
                                        std::vector<std::string> hashes = {}) const {
    RevocationStatusRequest r;
    r.signature_timestamp = at;
    r.platform_id = std::string(kNotationPlatformId);
    r.profile_version_arn = version_arn;
    r.job_arn = job_arn;
    r.certificate_hashes = std::move(hashes);
    return r;
  }

  std::string JobArn(const std::string& owner, const std::string& job_id) const {
    return SigningJobArn{ArnScope{.account = owner}, job_id}.ToString();
  }

  FixedClock clock_{At(kNow)};
  TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<keys::KeyStore> keys_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<store::BucketStore> buckets_;
  test::FixedPriceBilling billing_{"test"};  // prices and environment (metering decides in signetd)
  std::unique_ptr<SignerService> service_;
};

// --- PutSigningProfile ---------------------------------------------------------------------------

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

// --- Get / List / Cancel -------------------------------------------------------------------------

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

// --- RevokeSigningProfile ------------------------------------------------------------------------

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

// --- Tags by ARN ---------------------------------------------------------------------------------

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

// --- Permissions ---------------------------------------------------------------------------------

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

// --- Cross-account authorisation -----------------------------------------------------------------

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

// --- SignPayload ---------------------------------------------------------------------------------

TEST_F(SignerServiceTest, SignPayloadReturnsAVerifiableEnvelopeAndMetersIt) {
  const SigningProfileRecord profile = Put(kOwnerCaller, "notation");
  clock_.Set(At(kNow) + hours(2));
  auto result = Sign(kOwnerCaller, "notation");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SigningJobRecord& job = result->job;
  const std::string job_arn = JobArn(kOwner, job.job_id);

  auto envelope = notary::ParseJwsEnvelope(result->signature);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->signed_attributes.scheme, notary::SigningScheme::kX509SigningAuthority);
  EXPECT_EQ(envelope->algorithm, crypto::SignatureAlgorithm::kEs384);
  EXPECT_EQ(envelope->signed_attributes.signing_time, clock_.Now());
  EXPECT_EQ(envelope->signed_attributes.expiry,
            std::optional<Timestamp>(At("2037-09-01T14:00:00Z")));
  EXPECT_EQ(envelope->signed_attributes.expiry,
            std::optional<Timestamp>(AddValidity(clock_.Now(), profile.signature_validity)));
  const notary::ExtendedAttribute* version_attr =
      envelope->signed_attributes.Find(notary::kSigningProfileVersionAttribute);
  const notary::ExtendedAttribute* job_attr =
      envelope->signed_attributes.Find(notary::kSigningJobAttribute);
  ASSERT_NE(version_attr, nullptr);
  ASSERT_NE(job_attr, nullptr);
  EXPECT_EQ(version_attr->value, profile.version_arn);
  EXPECT_TRUE(version_attr->critical);
  EXPECT_EQ(job_attr->value, job_arn);
  EXPECT_TRUE(job_attr->critical);
  EXPECT_EQ(envelope->signed_attributes.Find(notary::kVerificationPluginAttribute), nullptr);
  EXPECT_EQ(envelope->payload, Payload());
  ASSERT_EQ(envelope->certificate_chain.size(), 3u);
  EXPECT_EQ(envelope->certificate_chain[2], ca_->root());
  EXPECT_EQ(envelope->unsigned_attributes.signing_agent, "signet/0.1");

  const notary::VerificationOutcome outcome = VerifyPayloadEnvelope(result->signature);
  EXPECT_TRUE(outcome.verified()) << outcome.Summary();

  // The job, as returned and as stored.
  EXPECT_TRUE(IsValidUuid(job.job_id));
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  EXPECT_EQ(job.job_owner, kOwner);
  EXPECT_EQ(job.job_invoker, kOwner);
  EXPECT_EQ(job.profile_version, profile.version);
  EXPECT_EQ(job.profile_version_arn, profile.version_arn);
  EXPECT_EQ(job.platform_id, kNotationPlatformId);
  EXPECT_EQ(job.signature_expires_at, envelope->signed_attributes.expiry);
  EXPECT_EQ(job.payload, std::optional<std::string>(Payload()));
  EXPECT_EQ(job.metadata.at("signingProfileVersionArn"), profile.version_arn);
  EXPECT_EQ(job.metadata.at("signingJobArn"), job_arn);
  auto described = service_->DescribeSigningJob(kOwnerCaller, job.job_id);
  ASSERT_TRUE(described.ok());
  // The metadata is returned with the signature, not stored: it is derived from the job.
  store::SigningJobRecord without_metadata = job;
  without_metadata.metadata.clear();
  EXPECT_EQ(*described, without_metadata);

  // Exactly one usage record at the Notation price.
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].job_id, job.job_id);
  EXPECT_EQ(usage[0].unit_price_micros, 500'000);
  EXPECT_EQ(usage[0].platform_id, kNotationPlatformId);
  EXPECT_EQ(usage[0].account, kOwner);
  EXPECT_EQ(usage[0].principal, kOwnerCaller.principal_arn);
  EXPECT_EQ(usage[0].profile_name, "notation");
  EXPECT_EQ(usage[0].profile_version, profile.version);
  EXPECT_EQ(usage[0].environment, "test");
  EXPECT_EQ(usage[0].time, clock_.Now());
  store::UsageQuery q;
  q.from = Timestamp{};
  q.to = At("2100-01-01T00:00:00Z");
  q.group_by = {store::UsageDimension::kPlatform};
  auto sum = store_->SumUsage(q);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_EQ(sum->size(), 1u);
  EXPECT_EQ((*sum)[0].signatures, 1);
  EXPECT_EQ((*sum)[0].total_micros, 500'000);
}

TEST_F(SignerServiceTest, SignPayloadWithAVerificationPluginParameterNamesIt) {
  PutProfileRequest r = Request("plugin");
  r.signing_parameters = {{std::string(notary::kVerificationPluginAttribute),
                           "com.amazonaws.signer.notation.plugin"}};
  ASSERT_TRUE(service_->PutSigningProfile(kOwnerCaller, r).ok());
  auto result = Sign(kOwnerCaller, "plugin");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto envelope = notary::ParseJwsEnvelope(result->signature);
  ASSERT_TRUE(envelope.ok());
  const notary::ExtendedAttribute* plugin =
      envelope->signed_attributes.Find(notary::kVerificationPluginAttribute);
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->value, "com.amazonaws.signer.notation.plugin");
  EXPECT_TRUE(plugin->critical);
}

TEST_F(SignerServiceTest, SignPayloadRefusals) {
  Put(kOwnerCaller, "notation");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  auto request = [&](std::string payload, std::string format, const std::string& profile) {
    SignPayloadRequest r;
    r.profile = ProfileLookup{profile, std::nullopt};
    r.payload = std::move(payload);
    r.payload_format = std::move(format);
    return r;
  };
  const std::string format(kNotaryPayloadFormat);
  auto code = [&](const SignPayloadRequest& r) {
    return service_->SignPayload(kOwnerCaller, r).status().code();
  };
  EXPECT_EQ(code(request(Payload(), "application/json", "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), "", "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request("", format, "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(std::string(4097, ' '), format, "notation")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(R"({"hello":"world"})", format, "notation")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request("not json", format, "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), format, "lambda")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), format, "missing")), ErrorCode::kNotFound);

  // 4096 bytes is the limit, inclusive: a Notary payload padded with an annotation.
  notary::Descriptor big = ImageTarget();
  big.annotations["pad"] = "";
  const size_t base = notary::SerializePayload(big).size();
  big.annotations["pad"] = std::string(kMaxSignPayloadBytes - base, 'x');
  const std::string at_limit = notary::SerializePayload(big);
  ASSERT_EQ(at_limit.size(), kMaxSignPayloadBytes);
  auto ok = service_->SignPayload(kOwnerCaller, request(at_limit, format, "notation"));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  big.annotations["pad"] += "x";
  EXPECT_EQ(code(request(notary::SerializePayload(big), format, "notation")),
            ErrorCode::kInvalidArgument);

  // Canceled and revoked profiles sign nothing more.
  Put(kOwnerCaller, "canceled");
  ASSERT_TRUE(service_->CancelSigningProfile(kOwnerCaller, "canceled").ok());
  EXPECT_EQ(Sign(kOwnerCaller, "canceled").status().code(), ErrorCode::kInvalidArgument);
  const SigningProfileRecord revoked = Put(kOwnerCaller, "revoked");
  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "revoked", revoked.version, "leak",
                                             clock_.Now())
                  .ok());
  EXPECT_EQ(Sign(kOwnerCaller, "revoked").status().code(), ErrorCode::kInvalidArgument);

  // A profile whose certificate has expired.
  PutProfileRequest short_lived = Request("short_lived");
  short_lived.signature_validity = store::SignatureValidityPeriod{1, ValidityType::kDays};
  ASSERT_TRUE(service_->PutSigningProfile(kOwnerCaller, short_lived).ok());
  EXPECT_TRUE(Sign(kOwnerCaller, "short_lived").ok());
  clock_.Set(At(kNow) + days(2));
  EXPECT_EQ(Sign(kOwnerCaller, "short_lived").status().code(), ErrorCode::kInvalidArgument);

  // Only the successful signatures were metered.
  EXPECT_EQ(Usage().size(), 2u);
}

// --- StartSigningJob -----------------------------------------------------------------------------

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

// --- SignPackage (a package in the request: `signet sign zip`) -------------------------------------

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

// --- Describe / List jobs ------------------------------------------------------------------------

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

// --- RevokeSignature -----------------------------------------------------------------------------

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

// --- GetRevocationStatus -------------------------------------------------------------------------

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

// --- More authorisation, revocation and concurrency ---------------------------------------------

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

TEST_F(SignerServiceTest, ConcurrentSignPayloadsEachGetOneJobAndOneUsageRecord) {
  Put(kOwnerCaller, "busy");
  constexpr int kThreads = 6;
  constexpr int kEach = 5;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = Sign(kOwnerCaller, "busy");
        if (r.ok()) ids[t].push_back(r->job.job_id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), size_t{kThreads * kEach});
  const std::vector<store::UsageRecord> usage = Usage();
  EXPECT_EQ(usage.size(), size_t{kThreads * kEach});
  std::set<std::string> usage_jobs;
  for (const store::UsageRecord& u : usage) usage_jobs.insert(u.job_id);
  EXPECT_EQ(usage_jobs, unique);
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


// --- Metering steps (DESIGN.md §8) ---------------------------------------------------------------

// A BillingPolicy whose decisions the test sets (the real one is metering::Meter, tested with the
// metering module and end to end in tests/integration/metering_test.sh).
class ScriptedBilling final : public BillingPolicy {
 public:
  Result<BillingDecision> Authorize(std::string_view environment, std::string_view,
                                    Timestamp) override {
    if (environment == "dev") {
      return BillingDecision{"dev", 0, true, "signing skipped: dev", {}};
    }
    return BillingDecision{"prod", 123, false, "", {"near budget"}};
  }
  Result<std::vector<std::string>> Charge(store::StoreTransaction&,
                                          const store::UsageRecord& usage) override {
    if (deny) return ResourceExhaustedError("over budget");
    return std::vector<std::string>{"charged " + std::to_string(usage.unit_price_micros)};
  }
  bool deny = false;
};

SignPayloadRequest NotationRequest() {
  SignPayloadRequest r;
  r.profile = ProfileLookup{"notation", std::nullopt};
  r.payload = notary::SerializePayload(ImageTarget());
  r.payload_format = std::string(kNotaryPayloadFormat);
  return r;
}

TEST_F(SignerServiceTest, ThePolicyDecidesSkipPriceAndBudgetInTheUsageTransaction) {
  ScriptedBilling billing;
  service_.reset();
  SignerOptions options;
  options.clock = &clock_;
  service_ =
      std::make_unique<SignerService>(*store_, buckets_.get(), *keys_, *ca_, billing, options);
  ASSERT_TRUE(service_->Start().ok());
  Put(kOwnerCaller, "notation");
  SignPayloadRequest r = NotationRequest();

  r.environment = "dev";
  // Skipped: a typed outcome, not an error, with nothing signed, stored or billed.
  Result<SignPayloadResult> skipped = service_->SignPayload(kOwnerCaller, r);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  ASSERT_TRUE(skipped->skipped.has_value());
  EXPECT_EQ(skipped->skipped->environment, "dev");
  EXPECT_EQ(skipped->skipped->message, "signing skipped: dev");
  EXPECT_TRUE(skipped->signature.empty() && skipped->job.job_id.empty());
  EXPECT_TRUE(Usage().empty());

  r.environment = "prod";
  Result<SignPayloadResult> signed_payload = service_->SignPayload(kOwnerCaller, r);
  ASSERT_TRUE(signed_payload.ok()) << signed_payload.status().ToString();
  EXPECT_EQ(signed_payload->warnings, std::vector<std::string>{"charged 123"});
  ASSERT_EQ(Usage().size(), 1u);
  EXPECT_EQ(Usage()[0].environment, "prod");
  EXPECT_EQ(Usage()[0].unit_price_micros, 123);
  // Every signing path returns its warnings and stores them as the job's statusReason.
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, signed_payload->job.job_id)->status_reason,
            "charged 123");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  const std::string zip = SampleZip();
  auto in = zipsig::ByteSource::FromMemory(zip);
  std::string signed_zip;
  auto out = zipsig::ByteSink::ToString(&signed_zip);
  SignPackageRequest package{ProfileLookup{"lambda", std::nullopt}, "fn.zip", "prod"};
  auto signed_package = service_->SignPackage(kOwnerCaller, package, *in, *out);
  ASSERT_TRUE(signed_package.ok()) << signed_package.status().ToString();
  EXPECT_EQ(signed_package->warnings, std::vector<std::string>{"charged 123"});
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, signed_package->job.job_id)->status_reason,
            "charged 123");
  CreateBucket(kOwner, "bucket");
  StartSigningJobRequest start = JobRequest("lambda", PutObject("bucket", "a.zip", zip), "bucket");
  start.environment = "prod";
  auto started = service_->StartSigningJob(kOwnerCaller, start);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_EQ(started->warnings, std::vector<std::string>{"near budget"});  // known at the start
  service_->Drain();
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, started->job.job_id)->status_reason,
            "charged 123");
  ASSERT_EQ(Usage().size(), 3u);

  billing.deny = true;
  Result<SignPayloadResult> denied = service_->SignPayload(kOwnerCaller, r);
  EXPECT_EQ(denied.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(Usage().size(), 3u);  // neither a job nor a usage record was written
  store::SigningJobFilter all;
  all.account = std::string(kOwner);
  store::PageRequest page;
  page.max_results = 25;
  auto jobs = store_->ListJobs(all, page);
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  EXPECT_EQ(jobs->items.size(), 3u);
  service_.reset();  // before `billing` goes out of scope
}

}  // namespace
}  // namespace signet::signer
