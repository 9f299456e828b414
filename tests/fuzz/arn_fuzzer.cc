// Fuzzes core's ARN parsers (core/arn.h): ParseArn and the typed parsers built on it.
//
// Invariants: every ARN that parses formats back to exactly the text it came from, and a typed
// ARN is also a generic ARN.
#include "core/arn.h"
#include "fuzz_check.h"

namespace signet {
namespace {

void FuzzArnParsers(std::string_view text) {
  const Result<Arn> arn = ParseArn(text);
  if (arn.ok()) SIGNET_FUZZ_CHECK(arn->ToString() == text);

  if (Result<SigningProfileArn> profile = ParseSigningProfileArn(text); profile.ok()) {
    SIGNET_FUZZ_CHECK(arn.ok());
    SIGNET_FUZZ_CHECK(profile->ToString() == text);
    SIGNET_FUZZ_CHECK(IsValidProfileName(profile->profile_name));
    SIGNET_FUZZ_CHECK(!profile->version || IsValidProfileVersion(*profile->version));
    Result<SigningProfileArn> unversioned = ParseSigningProfileArn(profile->ProfileArn());
    SIGNET_FUZZ_CHECK(unversioned.ok() && !unversioned->version &&
                      unversioned->profile_name == profile->profile_name);
  }
  if (Result<SigningJobArn> job = ParseSigningJobArn(text); job.ok()) {
    SIGNET_FUZZ_CHECK(arn.ok() && job->ToString() == text && IsValidUuid(job->job_id));
  }
  if (Result<CodeSigningConfigArn> csc = ParseCodeSigningConfigArn(text); csc.ok()) {
    SIGNET_FUZZ_CHECK(arn.ok() && csc->ToString() == text);
    SIGNET_FUZZ_CHECK(IsValidCodeSigningConfigId(csc->config_id));
  }
  if (Result<LambdaResourceArn> lambda = ParseLambdaResourceArn(text); lambda.ok()) {
    SIGNET_FUZZ_CHECK(arn.ok() && lambda->ToString() == text);
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  signet::FuzzArnParsers(signet::fuzz::AsBytes(data, size));
  return 0;
}
