// notation-go's OCI layout vector (tests/testdata/notation-vectors/README.md §3): the image of
// internal/testdata/oci-layout with the JWS and COSE envelopes notation made for it. The layout
// as shipped holds no signature manifest, so each test pushes one for the envelope into a copy
// of the layout in its temp dir, exactly as notation-go's TestOciLayoutRepositoryPushAndFetch
// does (same annotations, hence the same manifest digest), and then verifies in layout mode.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "imagesig/image_verifier.h"
#include "imagesig/signature_list.h"
#include "imagesig/signature_manifest.h"
#include "notary/jws_envelope.h"
#include "notary/signature_envelope.h"
#include "oci/digest.h"
#include "oci/image_layout.h"
#include "testing/temp_dir.h"

namespace signet::imagesig {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const fs::path kVectors = fs::path(SIGNET_TESTDATA_DIR) / "notation-vectors/notation-go";
constexpr const char* kImageDigest =
    "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0";
constexpr const char* kRepositoryName = "local/oci-layout";
constexpr const char* kAlpineIdentity = "x509.subject: C=US, ST=WA, O=Notary, CN=alpine";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Policy(const std::string& store, const std::string& identity) {
  return R"({"version":"1.0","trustPolicies":[{"name":"layout","registryScopes":["local/oci-layout"],
    "signatureVerification":{"level":"strict"},"trustStores":[")" +
         store + R"("],"trustedIdentities":[")" + identity + R"("]}]})";
}

class NotationLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path copy = dir_.path() / "oci-layout";
    fs::copy(kVectors / "internal/testdata/oci-layout", copy, fs::copy_options::recursive);
    for (const auto& entry : fs::recursive_directory_iterator(copy)) {
      fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
    }
    fs::permissions(copy, fs::perms::owner_write, fs::perm_options::add);
    layout_ = std::move(oci::ImageLayout::Open(copy)).value();
    jws_ = ReadFile(kVectors / "internal/testdata/jws_signature.sig");
    cose_ = ReadFile(kVectors / "internal/testdata/cose_signature.sig");
    // The signer's self-signed certificate is in no copied trust store (README §3): trust it
    // as the "alpine" ca store, as the README says to.
    const auto content = notary::ParseJwsEnvelope(jws_).value();
    ASSERT_TRUE(store_.Add(notary::TrustStoreType::kCa, "alpine", content.certificate_chain).ok());
  }

  // Pushes `envelope` and a signature manifest for it with notation-go's annotations.
  oci::Descriptor PushSignature(const std::string& envelope, std::string_view media_type,
                                bool legacy = false) {
    EXPECT_TRUE(layout_->PushBlob(oci::Sha256Digest(envelope), envelope).ok());
    const oci::Descriptor blob{std::string(media_type), oci::Sha256Digest(envelope), envelope.size(),
                               "", {}};
    std::string manifest;
    if (legacy) {
      EXPECT_TRUE(layout_->PushBlob(oci::Sha256Digest("{}"), "{}").ok());
      manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                 R"("config":{"mediaType":"application/vnd.cncf.notary.signature","digest":")" +
                 oci::Sha256Digest("{}") + R"(","size":2},"layers":[)" +
                 R"({"mediaType":")" + blob.media_type + R"(","digest":")" + blob.digest +
                 R"(","size":)" + std::to_string(blob.size) + R"(}],"subject":{"mediaType":)"
                 R"("application/vnd.oci.image.manifest.v1+json","digest":")" + kImageDigest +
                 R"(","size":481}})";
    } else {
      const oci::Descriptor image = layout_->Resolve("v2").value();
      manifest = BuildSignatureManifest(
                     image, blob, {"9f5f5aecee24b5cfdc7a91f6d5ac5c3a5348feb17c934d403f59ac251549ea0d"},
                     ParseRfc3339("2023-03-14T08:10:02Z").value())
                     .value();
      EXPECT_TRUE(layout_->PushBlob(oci::Sha256Digest("{}"), "{}").ok());
    }
    auto pushed = layout_->PushManifest(oci::kOciManifestMediaType, manifest);
    EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
    return pushed->descriptor;
  }

  ImageVerification Verify(const std::string& reference, const std::string& policy) {
    ImageVerificationOptions options;
    options.clock = &clock_;
    Result<ImageVerification> v = VerifyImage(*layout_, kRepositoryName, reference,
                                              notary::TrustPolicy::ParseOci(policy).value(), store_,
                                              options);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ImageVerification{};
  }

  test::TempDir dir_;
  std::unique_ptr<oci::ImageLayout> layout_;
  notary::TrustStore store_ = notary::TrustStore::FromDirectory(kVectors / "verifier/testdata/truststore");
  FixedClock clock_{ParseRfc3339("2026-11-27T00:00:00Z").value()};
  std::string jws_;
  std::string cose_;
};

TEST_F(NotationLayoutTest, JwsSignatureVerifiesInLayoutMode) {
  const oci::Descriptor manifest = PushSignature(jws_, notary::kJwsMediaType);
  // notation-go pushes exactly this manifest for the same envelope and annotations.
  EXPECT_EQ(manifest.digest, "sha256:64300ad03f1dcd18136787363f3069c9598623221cbe76e3233d35266b7973d6");
  EXPECT_EQ(manifest.size, 793u);

  const ImageVerification v = Verify("v2", Policy("ca:alpine", kAlpineIdentity));
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.image.digest, kImageDigest);
  EXPECT_EQ(v.image.size, 481u);
  EXPECT_EQ(v.artifact_reference, std::string(kRepositoryName) + "@" + kImageDigest);
  ASSERT_NE(v.verified_signature(), nullptr);
  EXPECT_EQ(v.verified_signature()->envelope_media_type, notary::kJwsMediaType);
  EXPECT_TRUE(v.verified_signature()->job_arn.empty());  // not a signet signature
}

TEST_F(NotationLayoutTest, CoseSignatureVerifiesInLayoutMode) {
  PushSignature(cose_, notary::kCoseMediaType);
  const ImageVerification v = Verify(kImageDigest, Policy("ca:alpine", kAlpineIdentity));
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.verified_signature()->envelope_media_type, notary::kCoseMediaType);
}

TEST_F(NotationLayoutTest, TheLegacyManifestFormVerifies) {
  PushSignature(jws_, notary::kJwsMediaType, /*legacy=*/true);
  const ImageVerification v = Verify("v2", Policy("ca:alpine", kAlpineIdentity));
  EXPECT_TRUE(v.verified()) << v.reason;
}

TEST_F(NotationLayoutTest, BothSignaturesAreListed) {
  PushSignature(jws_, notary::kJwsMediaType);
  PushSignature(cose_, notary::kCoseMediaType);
  Result<SignatureList> list = ListSignatures(*layout_, "v2");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->signatures.size(), 2u);
  std::set<std::string> types;
  for (const ListedSignature& s : list->signatures) {
    EXPECT_TRUE(s.error.ok()) << s.error.ToString();
    types.insert(s.envelope_media_type);
    ASSERT_TRUE(s.signing_time.has_value());
    if (s.envelope_media_type == notary::kJwsMediaType) {
      EXPECT_EQ(s.signing_time, ParseRfc3339("2023-03-14T16:10:02+08:00").value());
    }
    EXPECT_FALSE(s.expiry.has_value());
    EXPECT_EQ(s.created, ParseRfc3339("2023-03-14T08:10:02Z").value());
  }
  EXPECT_EQ(types, (std::set<std::string>{"application/jose+json", "application/cose"}));
}

TEST_F(NotationLayoutTest, UntrustedSignerAndOtherIdentityFailAuthenticity) {
  PushSignature(jws_, notary::kJwsMediaType);
  const ImageVerification untrusted = Verify("v2", Policy("ca:valid-trust-store", kAlpineIdentity));
  EXPECT_EQ(untrusted.result, ImageVerificationResult::kFailed);
  EXPECT_EQ(untrusted.signatures[0].outcome->failed_check(), notary::VerificationCheck::kAuthenticity);
  EXPECT_THAT(untrusted.reason,
              HasSubstr("the signature's certificate chain does not contain any trusted certificate"));

  const ImageVerification other =
      Verify("v2", Policy("ca:alpine", "x509.subject: C=US, ST=WA, O=wabbit-networks.io"));
  EXPECT_EQ(other.result, ImageVerificationResult::kFailed);
  EXPECT_THAT(other.reason, HasSubstr("does not match the X.509 trusted identities"));
}

TEST_F(NotationLayoutTest, AnUnsignedLayoutHasNoSignature) {
  const ImageVerification v = Verify("v2", Policy("ca:alpine", kAlpineIdentity));
  EXPECT_EQ(v.result, ImageVerificationResult::kNoSignature);
  EXPECT_TRUE(ListSignatures(*layout_, "v2")->signatures.empty());
}

}  // namespace
}  // namespace signet::imagesig
