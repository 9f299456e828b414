#include "core/arn.h"

#include <gtest/gtest.h>

namespace signet {
namespace {

TEST(ArnTest, SigningProfileVersion) {
  auto a = ParseSigningProfileArn("arn:aws:signer:us-west-2:123456789012:/signing-profiles/my_profile/Ab3dE6gH9j");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->scope.region, "us-west-2");
  EXPECT_EQ(a->scope.account, "123456789012");
  EXPECT_EQ(a->profile_name, "my_profile");
  EXPECT_EQ(a->version, "Ab3dE6gH9j");
  EXPECT_EQ(a->ToString(), "arn:aws:signer:us-west-2:123456789012:/signing-profiles/my_profile/Ab3dE6gH9j");
  EXPECT_EQ(a->ProfileArn(), "arn:aws:signer:us-west-2:123456789012:/signing-profiles/my_profile");
  auto p = ParseSigningProfileArn(a->ProfileArn());
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->version.has_value());
}

TEST(ArnTest, RejectsBadProfileArns) {
  for (const char* bad : {
           "", "arn:aws:signer:us-east-1:000000000000", "arn:aws:lambda:us-east-1:000000000000:/signing-profiles/p1",
           "arn:aws:signer:us-east-1:000000000000:/signing-jobs/p1",
           "arn:aws:signer:us-east-1:000000000000:/signing-profiles/a",          // too short
           "arn:aws:signer:us-east-1:000000000000:/signing-profiles/bad-name",   // dash
           "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p1/short",
           "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p1/Ab3dE6gH9j/x",
           "arn:aws:signer:us-east-1:12345:/signing-profiles/p1", "nra:aws:signer:us-east-1:000000000000:/signing-profiles/p1"}) {
    auto r = ParseSigningProfileArn(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(ArnTest, SigningJob) {
  const std::string text = "arn:aws:signer:us-east-1:000000000000:/signing-jobs/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
  auto j = ParseSigningJobArn(text);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->job_id, "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
  EXPECT_EQ(j->ToString(), text);
  EXPECT_FALSE(ParseSigningJobArn("arn:aws:signer:us-east-1:000000000000:/signing-jobs/not-a-uuid").ok());
}

TEST(ArnTest, CodeSigningConfig) {
  const std::string text = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdefg";
  auto c = ParseCodeSigningConfigArn(text);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->config_id, "csc-0123456789abcdefg");
  EXPECT_EQ(c->ToString(), text);
  EXPECT_FALSE(ParseCodeSigningConfigArn("arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-SHORT").ok());
  EXPECT_FALSE(ParseCodeSigningConfigArn("arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789ABCDEFG").ok());
}

TEST(ArnTest, LambdaFunctionsAndLayers) {
  auto f = ParseLambdaResourceArn("arn:aws:lambda:us-east-1:000000000000:function:my-fn:PROD");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kind, LambdaResourceKind::kFunction);
  EXPECT_EQ(f->name, "my-fn");
  EXPECT_EQ(f->qualifier, "PROD");
  auto l = ParseLambdaResourceArn("arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->kind, LambdaResourceKind::kLayer);
  EXPECT_EQ(l->ToString(), "arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
  EXPECT_FALSE(ParseLambdaResourceArn("arn:aws:lambda:us-east-1:000000000000:layer:deps:latest").ok());
  EXPECT_FALSE(ParseLambdaResourceArn("arn:aws:lambda:us-east-1:000000000000:bucket:x").ok());
}

TEST(ArnTest, OtherPartitions) {
  auto a = ParseSigningProfileArn("arn:aws-cn:signer:cn-north-1:123456789012:/signing-profiles/p1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->scope.partition, "aws-cn");
}

}  // namespace
}  // namespace signet
