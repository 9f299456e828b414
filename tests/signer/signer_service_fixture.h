// The SignerService under test on a real SQLite store, file key store, CA and bucket store, with a
// fixed clock, and the helpers the signer_*_test.cc files share (a hand-built ZIP, requests,
// a Notation verifier of the service's envelopes).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
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
#include "signer/signer_service.h"
#include "signer/validity.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"
#include "testing/fixed_price_billing.h"
#include "testing/signer_installation.h"
#include "testing/temp_dir.h"
#include "zipsig/byte_source.h"
#include "zipsig/zip_signature.h"

namespace signet::signer {

namespace fs = std::filesystem;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using store::JobStatus;
using store::ProfileStatus;
using store::SigningJobRecord;
using store::SigningProfileRecord;
using store::ValidityType;

inline Timestamp At(const char* text) { return ParseRfc3339(text).value(); }
inline constexpr const char* kNow = "2026-06-01T12:00:00Z";

inline constexpr const char* kOwner = "111111111111";
inline constexpr const char* kOther = "222222222222";
inline constexpr const char* kThird = "333333333333";
inline const Caller kOwnerCaller{kOwner, "arn:aws:iam::111111111111:user/admin"};
inline const Caller kOtherCaller{kOther, "arn:aws:iam::222222222222:user/ci"};
inline const Caller kThirdCaller{kThird, "arn:aws:iam::333333333333:role/deployer"};

using TempDir = ::signet::test::TempDir;

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --- A small hand-built ZIP (stored entries) -----------------------------------------------------

inline uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}
inline void Put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
}
inline void Put32(std::string& s, uint32_t v) {
  Put16(s, v & 0xffff);
  Put16(s, v >> 16);
}

inline std::string MakeZip(const std::map<std::string, std::string>& files, std::string_view comment = "") {
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

inline std::string SampleZip() {
  return MakeZip({{"index.js", "exports.handler = async () => 'hello';\n"},
                  {"package.json", "{\"name\":\"fn\"}\n"}});
}

inline store::ListObjectsRequest Prefix(const std::string& prefix) {
  store::ListObjectsRequest r;
  r.prefix = prefix;
  return r;
}

inline notary::Descriptor ImageTarget() {
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
    auto ins = test::SignerInstallation::Open(dir_.path(), clock_.Now());
    ASSERT_TRUE(ins.ok()) << ins.status().ToString();
    ins_ = std::move(*ins);
    service_ = NewService();
    ASSERT_TRUE(service_->Start().ok());
  }

  std::unique_ptr<SignerService> NewService() {
    SignerOptions options;
    options.clock = &clock_;
    return ins_.NewService(billing_, options);
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
  test::FixedPriceBilling billing_{"test"};  // prices and environment (metering decides in signetd)
  test::SignerInstallation ins_;             // after billing_: its service is destroyed first
  std::unique_ptr<store::SqliteStore>& store_ = ins_.store;
  std::unique_ptr<keys::FileKeyStore>& keys_ = ins_.keys;
  std::unique_ptr<CertificateAuthority>& ca_ = ins_.ca;
  std::unique_ptr<store::BucketStore>& buckets_ = ins_.buckets;
  std::unique_ptr<SignerService>& service_ = ins_.service;
};

}  // namespace signet::signer
