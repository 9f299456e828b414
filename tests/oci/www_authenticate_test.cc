#include "oci/www_authenticate.h"

#include <gtest/gtest.h>

namespace signet::oci {
namespace {

TEST(AuthChallengeTest, DockerHubBearer) {
  auto c = ParseAuthChallenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->Param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c->Param("service"), "registry.docker.io");
  EXPECT_EQ(c->Param("scope"), "repository:library/alpine:pull");
  EXPECT_EQ(c->Param("error"), "");
}

TEST(AuthChallengeTest, BasicWithSpacesAndCase) {
  auto c = ParseAuthChallenge(R"(  BASIC   Realm = "signet test" )");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->scheme, "basic");
  EXPECT_EQ(c->Param("realm"), "signet test");
}

TEST(AuthChallengeTest, EscapesTokensAndSeveralScopes) {
  auto c = ParseAuthChallenge(
      R"(Bearer realm="https://t/x?a=\"b\"", service=reg, scope="repository:a:pull repository:b:pull,push",error="insufficient_scope")");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->Param("realm"), R"(https://t/x?a="b")");
  EXPECT_EQ(c->Param("service"), "reg");
  EXPECT_EQ(c->Param("scope"), "repository:a:pull repository:b:pull,push");
  EXPECT_EQ(c->Param("error"), "insufficient_scope");
}

TEST(AuthChallengeTest, OnlyTheFirstChallengeIsRead) {
  auto c = ParseAuthChallenge(R"(Bearer realm="https://a/token", Basic realm="x")");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->Param("realm"), "https://a/token");
}

TEST(AuthChallengeTest, RejectsMalformed) {
  for (const char* bad : {"", "   ", R"(Bearer realm="unterminated)", "Bearer realm", "Bearer ,=x"}) {
    auto c = ParseAuthChallenge(bad);
    EXPECT_FALSE(c.ok()) << "'" << bad << "'";
    if (!c.ok()) { EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument); }
  }
}

}  // namespace
}  // namespace signet::oci
