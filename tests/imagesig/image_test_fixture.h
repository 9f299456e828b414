// The fixture of the imagesig tests: a real in-process SignerService (its SignPayload, its
// installation root as the trust anchor, its revocation status behind a RevocationChecker) and
// an OCI image layout holding a one-layer image tagged v1.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/arn.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "core/secret_bytes.h"
#include "imagesig/image_signer.h"
#include "imagesig/image_verifier.h"
#include "imagesig/signature_list.h"
#include "imagesig/signature_manifest.h"
#include "keys/file_key_store.h"
#include "notary/jws_envelope.h"
#include "oci/digest.h"
#include "oci/image_layout.h"
#include "signer/certificate_authority.h"
#include "signer/platform.h"
#include "signer/signer_service.h"
#include "testing/fixed_price_billing.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace signet::imagesig {
namespace {

using ::testing::HasSubstr;
using notary::CheckStatus;
using notary::VerificationCheck;
using std::chrono::days;
using std::chrono::hours;

constexpr const char* kAccount = "111111111111";
const signer::Caller kCaller{kAccount, "arn:aws:iam::111111111111:user/admin"};
constexpr const char* kRepositoryName = "registry.example.com/team/app";

Timestamp At(const char* text) { return ParseRfc3339(text).value(); }

// notary::RevocationChecker answered in process by the SignerService's revocation status, as
// signetd's GetRevocationStatus answers the CLI's.
class ServiceRevocationChecker final : public notary::RevocationChecker {
 public:
  explicit ServiceRevocationChecker(signer::SignerService& service) : service_(service) {}
  notary::RevocationStatus Check(const notary::EnvelopeContent& content) const override {
    signer::RevocationStatusRequest request;
    request.signature_timestamp = content.signed_attributes.signing_time;
    request.platform_id = std::string(signer::kNotationPlatformId);
    const auto* version = content.signed_attributes.Find(notary::kSigningProfileVersionAttribute);
    const auto* job = content.signed_attributes.Find(notary::kSigningJobAttribute);
    if (!version || !job) return notary::RevocationStatus::Unknown("no signer attributes");
    request.profile_version_arn = version->value;
    request.job_arn = job->value;
    Result<std::vector<std::string>> revoked = service_.GetRevocationStatus(kCaller, request);
    if (!revoked.ok()) return notary::RevocationStatus::Unknown(revoked.status().message());
    if (revoked->empty()) return notary::RevocationStatus::NotRevoked();
    std::string reason;
    for (const std::string& r : *revoked) reason += (reason.empty() ? "" : "; ") + r + " is revoked";
    return notary::RevocationStatus::Revoked(reason);
  }

 private:
  signer::SignerService& service_;
};

// The layout with faults injected, as LevelDB's EnvWrapper does: extra referrers appended to
// every listing, and blob reads that fail as an unreachable registry's would.
class FaultyRepository final : public oci::Repository {
 public:
  explicit FaultyRepository(oci::Repository& base) : base_(base) {}
  Result<oci::Descriptor> Resolve(std::string_view r) override { return base_.Resolve(r); }
  Result<oci::Manifest> FetchManifest(std::string_view r) override { return base_.FetchManifest(r); }
  Result<oci::PushedManifest> PushManifest(std::string_view m, std::string_view b,
                                           std::string_view t) override {
    return base_.PushManifest(m, b, t);
  }
  Result<oci::Warnings> DeleteManifest(std::string_view d) override { return base_.DeleteManifest(d); }
  Result<bool> BlobExists(std::string_view d) override { return base_.BlobExists(d); }
  Result<std::string> FetchBlob(const oci::Descriptor& blob, size_t max_bytes) override {
    if (blobs_unavailable) return UnavailableError("registry.example.com: connection refused");
    return base_.FetchBlob(blob, max_bytes);
  }
  Status PushBlob(std::string_view d, std::string_view b) override { return base_.PushBlob(d, b); }
  Result<std::vector<oci::Descriptor>> Referrers(std::string_view subject,
                                                 std::string_view type) override {
    SIGNET_ASSIGN_OR_RETURN(std::vector<oci::Descriptor> list, base_.Referrers(subject, type));
    list.insert(list.end(), extra_referrers.begin(), extra_referrers.end());
    return list;
  }

  std::vector<oci::Descriptor> extra_referrers;
  bool blobs_unavailable = false;

 private:
  oci::Repository& base_;
};

class ImageTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::SqliteStore::Open(dir_.path() / "signet.db")).value();
    keys_ = std::move(keys::FileKeyStore::Open(dir_.path() / "keys",
                                               SecretBytes(HexEncode(RandomBytes(32)))))
                .value();
    ca_ = std::move(signer::CertificateAuthority::Open(*keys_, dir_.path() / "ca", {}, clock_.Now()))
              .value();
    buckets_ = std::move(store::BucketStore::Open(dir_.path() / "buckets")).value();
    signer::SignerOptions options;
    options.clock = &clock_;
    service_ = std::make_unique<signer::SignerService>(*store_, buckets_.get(), *keys_, *ca_,
                                                       billing_, options);
    ASSERT_TRUE(service_->Start().ok());
    Profile("images");
    layout_ = std::move(oci::ImageLayout::Open(dir_.path() / "layout", true)).value();
    image_ = PushImage("v1", "layer one");
  }

  store::SigningProfileRecord Profile(const std::string& name,
                                      std::optional<store::SignatureValidityPeriod> validity = {}) {
    signer::PutProfileRequest r;
    r.profile_name = name;
    r.platform_id = std::string(signer::kNotationPlatformId);
    r.signature_validity = validity;
    auto put = service_->PutSigningProfile(kCaller, r);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? *put : store::SigningProfileRecord{};
  }

  // A one-layer image manifest tagged `tag`.
  oci::Descriptor PushImage(const std::string& tag, const std::string& layer) {
    const std::string config = R"({"architecture":"amd64","os":"linux"})";
    EXPECT_TRUE(layout_->PushBlob(oci::Sha256Digest(config), config).ok());
    EXPECT_TRUE(layout_->PushBlob(oci::Sha256Digest(layer), layer).ok());
    const std::string manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        oci::Sha256Digest(config) + R"(","size":)" + std::to_string(config.size()) +
        R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
        oci::Sha256Digest(layer) + R"(","size":)" + std::to_string(layer.size()) + "}]}";
    auto pushed = layout_->PushManifest(oci::kOciManifestMediaType, manifest, tag);
    EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
    return pushed->descriptor;
  }

  PayloadSigner SignerFor(const std::string& profile) {
    return [this, profile](std::string_view payload) -> Result<std::string> {
      signer::SignPayloadRequest r;
      r.profile = signer::ProfileLookup{profile, std::nullopt};
      r.payload = std::string(payload);
      r.payload_format = std::string(signer::kNotaryPayloadFormat);
      SIGNET_ASSIGN_OR_RETURN(signer::SignPayloadResult signed_payload,
                              service_->SignPayload(kCaller, r));
      last_job_id_ = signed_payload.job.job_id;
      return signed_payload.signature;
    };
  }

  SignedImage Sign(const std::string& reference, const std::string& profile = "images") {
    Result<SignedImage> signed_image =
        SignImage(*layout_, reference, SignerFor(profile), {.clock = &clock_});
    EXPECT_TRUE(signed_image.ok()) << signed_image.status().ToString();
    return signed_image.ok() ? *signed_image : SignedImage{};
  }

  static std::string Policy(const std::string& level, const std::string& identity = "*",
                            const std::string& scope = kRepositoryName) {
    return R"({"version":"1.0","trustPolicies":[{"name":"images","registryScopes":[")" + scope +
           R"("],"signatureVerification":{"level":")" + level +
           R"("},"trustStores":["signingAuthority:signet"],"trustedIdentities":[")" + identity +
           R"("]}]})";
  }

  notary::TrustStore Store(const crypto::Certificate& anchor) const {
    notary::TrustStore store;
    EXPECT_TRUE(store.Add(notary::TrustStoreType::kSigningAuthority, "signet", {anchor}).ok());
    return store;
  }

  Result<ImageVerification> Verify(const std::string& reference, const std::string& policy,
                                   const Clock* clock = nullptr, bool revocation = false,
                                   const std::string& repository_name = kRepositoryName) {
    ImageVerificationOptions options;
    options.clock = clock ? clock : &clock_;
    if (revocation) options.revocation_checker = std::make_shared<ServiceRevocationChecker>(*service_);
    return VerifyImage(*layout_, repository_name, reference,
                       notary::TrustPolicy::ParseOci(policy).value(), Store(ca_->root()), options);
  }

  ImageVerification VerifyOk(const std::string& reference, const std::string& policy,
                             const Clock* clock = nullptr, bool revocation = false) {
    Result<ImageVerification> v = Verify(reference, policy, clock, revocation);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ImageVerification{};
  }

  test::TempDir dir_;
  FixedClock clock_{At("2026-06-01T12:00:00Z")};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<keys::FileKeyStore> keys_;
  std::unique_ptr<signer::CertificateAuthority> ca_;
  std::unique_ptr<store::BucketStore> buckets_;
  test::FixedPriceBilling billing_;
  std::unique_ptr<signer::SignerService> service_;
  std::unique_ptr<oci::ImageLayout> layout_;
  oci::Descriptor image_;
  std::string last_job_id_;
};

}  // namespace
}  // namespace signet::imagesig
