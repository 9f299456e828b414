#include "oci/reference.h"

#include <gtest/gtest.h>

namespace signet::oci {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ReferenceTest, DockerHubDefaults) {
  auto ref = ParseReference("alpine");
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_EQ(ref->registry, "docker.io");
  EXPECT_EQ(ref->repository, "library/alpine");
  EXPECT_EQ(ref->tag, "latest");
  EXPECT_EQ(ref->digest, "");
  EXPECT_EQ(ref->ToString(), "docker.io/library/alpine:latest");
  EXPECT_EQ(RegistryHost(ref->registry), "registry-1.docker.io");

  auto user = ParseReference("someone/app:1.2");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->registry, "docker.io");
  EXPECT_EQ(user->repository, "someone/app");
  EXPECT_EQ(user->tag, "1.2");

  auto index = ParseReference("index.docker.io/library/busybox");
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->registry, "docker.io");
  EXPECT_EQ(index->repository, "library/busybox");
}

TEST(ReferenceTest, LocalhostAndPorts) {
  auto ref = ParseReference("localhost:5000/team/app:v1");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->registry, "localhost:5000");
  EXPECT_EQ(ref->repository, "team/app");
  EXPECT_EQ(ref->tag, "v1");
  EXPECT_EQ(RegistryHost(ref->registry), "localhost:5000");

  auto bare = ParseReference("localhost/app");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->registry, "localhost");
  EXPECT_EQ(bare->repository, "app");  // no library/ outside Docker Hub

  auto ip = ParseReference("127.0.0.1:41234/signet/app@" + kDigest);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->registry, "127.0.0.1:41234");
  EXPECT_EQ(ip->tag, "");
  EXPECT_EQ(ip->digest, kDigest);
  EXPECT_EQ(ip->Identifier(), kDigest);
  EXPECT_EQ(ip->ToString(), "127.0.0.1:41234/signet/app@" + kDigest);

  auto v6 = ParseReference("[::1]:5000/app:v1");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->registry, "[::1]:5000");
}

TEST(ReferenceTest, TagAndDigestTogether) {
  auto ref = ParseReference("ghcr.io/org/app:v2@" + kDigest);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->registry, "ghcr.io");
  EXPECT_EQ(ref->tag, "v2");
  EXPECT_EQ(ref->digest, kDigest);
  EXPECT_EQ(ref->Identifier(), kDigest);  // the digest wins
}

TEST(ReferenceTest, RejectsMalformed) {
  const char* bad[] = {
      "",
      "UPPER/app",                          // upper-case repository
      "ghcr.io/org/app:-tag",               // tag starts with '-'
      "ghcr.io/org/app:",                   // empty tag
      "ghcr.io/org//app",                   // empty component
      "ghcr.io/org/app_",                   // trailing separator
      "ghcr.io/org/a---b.-c",               // mixed separators
      "ghcr.io/org/app@sha256:abc",         // short digest
      "ghcr.io/org/app@md5:0123",           // unknown algorithm
      "ghcr.io:abc/app",                    // bad port
      "ghcr.io/app@sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // upper hex
  };
  for (const char* text : bad) {
    auto ref = ParseReference(text);
    EXPECT_FALSE(ref.ok()) << text << " parsed as " << ref->ToString();
    if (!ref.ok()) { EXPECT_EQ(ref.status().code(), ErrorCode::kInvalidArgument) << text; }
  }
  EXPECT_FALSE(ParseReference("ghcr.io/app:" + std::string(129, 'a')).ok());
  EXPECT_TRUE(ParseReference("ghcr.io/app:" + std::string(128, 'a')).ok());
}

TEST(ReferenceTest, RepositoryGrammar) {
  EXPECT_TRUE(IsValidRepository("a/b.c/d_e/f__g/h--i"));
  EXPECT_FALSE(IsValidRepository("a/b___c"));
  EXPECT_FALSE(IsValidRepository("a/.b"));
  EXPECT_FALSE(IsValidRepository(std::string(256, 'a')));
  EXPECT_TRUE(IsValidTag("v1.0-rc_1"));
  EXPECT_FALSE(IsValidTag(".v1"));
}

}  // namespace
}  // namespace signet::oci
