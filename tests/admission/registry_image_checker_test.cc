// RegistryImageChecker: how imagesig's verification maps onto the webhook's verdicts, and that a
// registry that cannot be reached, or a deadline already passed, is inconclusive (never verified).
// The verified, failed-check and revocation paths against a real registry are in
// tests/integration/admission_registry_test.sh.
#include "admission/registry_image_checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace signet::admission {
namespace {

using ::testing::HasSubstr;
using Verdict = ImageCheckResult::Verdict;

constexpr char kDigest[] = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

oci::Reference Ref(const std::string& text) {
  Result<oci::Reference> r = oci::ParseReference(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : oci::Reference{};
}

imagesig::ImageVerification Verification(imagesig::ImageVerificationResult result) {
  imagesig::ImageVerification v;
  v.result = result;
  v.image.digest = kDigest;
  v.reason = "the reason";
  return v;
}

notary::TrustPolicy StrictPolicy() {
  Result<notary::TrustPolicy> policy = notary::TrustPolicy::ParseOci(
      R"({"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
          "signatureVerification":{"level":"strict"},"trustStores":["ca:x"],
          "trustedIdentities":["*"]}]})");
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return *policy;
}

TEST(ImageCheckResultForTest, VerifiedAndSkippedAreVerifiedWithTheDigest) {
  const oci::Reference image = Ref("registry.io/app:v1");
  ImageCheckResult r =
      ImageCheckResultFor(image, Verification(imagesig::ImageVerificationResult::kVerified));
  EXPECT_EQ(r.verdict, Verdict::kVerified);
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.failed_check, "");
  r = ImageCheckResultFor(image, Verification(imagesig::ImageVerificationResult::kSkipped));
  EXPECT_EQ(r.verdict, Verdict::kVerified);
  EXPECT_EQ(r.message, "the reason");
}

TEST(ImageCheckResultForTest, NoSignatureFails) {
  ImageCheckResult r = ImageCheckResultFor(
      Ref("registry.io/app:v1"), Verification(imagesig::ImageVerificationResult::kNoSignature));
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.failed_check, "no signature");
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.message, "the reason");
}

TEST(ImageCheckResultForTest, AnUnreadableSignatureFailsIntegrity) {
  imagesig::ImageVerification v = Verification(imagesig::ImageVerificationResult::kFailed);
  v.signatures.emplace_back().error = InvalidArgumentError("envelope is not JSON");
  ImageCheckResult r = ImageCheckResultFor(Ref("registry.io/app:v1"), v);
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.failed_check, "integrity");
}

TEST(ImageCheckResultForTest, CouldNotCompleteIsInconclusive) {
  ImageCheckResult r = ImageCheckResultFor(
      Ref("registry.io/app:v1"), Verification(imagesig::ImageVerificationResult::kCouldNotComplete));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.failed_check, "");
}

TEST(ImageCheckResultForTest, ErrorsAreInconclusiveButAMissingImageFails) {
  const oci::Reference image = Ref(std::string("registry.io/app@") + kDigest);
  ImageCheckResult r = ImageCheckResultFor(image, UnavailableError("connection refused"));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_EQ(r.digest, kDigest);  // known from the reference
  EXPECT_THAT(r.message, HasSubstr("registry.io/app@sha256:"));
  EXPECT_THAT(r.message, HasSubstr("connection refused"));
  r = ImageCheckResultFor(image, PermissionDeniedError("requires a login"));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);

  r = ImageCheckResultFor(Ref("registry.io/app:v1"),
                          NotFoundError("manifest v1 not found in registry registry.io"));
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.failed_check, "no signature");
  EXPECT_EQ(r.digest, "");
  r = ImageCheckResultFor(image, NotFoundError("no applicable trust policy for the artifact"));
  EXPECT_EQ(r.failed_check, "authenticity");
}

TEST(RegistryImageCheckerTest, APassedDeadlineIsInconclusiveWithoutTheRegistry) {
  RegistryImageChecker checker({}, nullptr, SystemClock());
  ImageCheckResult r = checker.Check(Ref("registry.invalid/app:v1"), StrictPolicy(),
                                     notary::TrustStore(), std::chrono::steady_clock::now());
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_THAT(r.message, HasSubstr("deadline passed"));
}

TEST(RegistryImageCheckerTest, AnUnreachableRegistryIsInconclusive) {
  RegistrySettings registries;
  registries.insecure = {"127.0.0.1:1"};
  RegistryImageChecker checker(registries, nullptr, SystemClock());
  const auto start = std::chrono::steady_clock::now();
  ImageCheckResult r = checker.Check(Ref("127.0.0.1:1/app:v1"), StrictPolicy(),
                                     notary::TrustStore(), start + std::chrono::seconds(5));
  EXPECT_EQ(r.verdict, Verdict::kInconclusive);
  EXPECT_THAT(r.message, HasSubstr("could not verify 127.0.0.1:1/app:v1"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace signet::admission
