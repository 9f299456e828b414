#include "oci/registry_credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/encoding.h"
#include "testing/temp_dir.h"

namespace signet::oci {
namespace {

std::filesystem::path WriteConfig(const test::TempDir& dir, const std::string& json) {
  const auto path = dir / "config.json";
  std::ofstream(path) << json;
  return path;
}

TEST(RegistryCredentialsTest, ReadsAuthsEntries) {
  test::TempDir dir;
  const auto path = WriteConfig(dir, R"({"auths":{
      "localhost:5000":{"auth":")" + Base64Encode("alice:pa:ss") + R"("},
      "https://ghcr.io":{"auth":")" + Base64Encode("bob:token") + R"("},
      "https://index.docker.io/v1/":{"auth":")" + Base64Encode("carol:hub") + R"("}}})");
  auto local = ReadDockerConfigCredentials(path, "localhost:5000");
  ASSERT_TRUE(local.ok() && local->has_value()) << local.status().ToString();
  EXPECT_EQ((*local)->username, "alice");
  EXPECT_EQ((*local)->password.reveal(), "pa:ss");  // only the first ':' separates
  auto ghcr = ReadDockerConfigCredentials(path, "ghcr.io");
  ASSERT_TRUE(ghcr.ok() && ghcr->has_value());
  EXPECT_EQ((*ghcr)->username, "bob");
  auto hub = ReadDockerConfigCredentials(path, "docker.io");
  ASSERT_TRUE(hub.ok() && hub->has_value());
  EXPECT_EQ((*hub)->username, "carol");
  auto other = ReadDockerConfigCredentials(path, "quay.io");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());  // anonymous
}

TEST(RegistryCredentialsTest, MissingFileIsAnonymous) {
  test::TempDir dir;
  auto none = ReadDockerConfigCredentials(dir / "absent.json", "ghcr.io");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(RegistryCredentialsTest, HelpersAreNamedNotRun) {
  test::TempDir dir;
  auto path = WriteConfig(dir, R"({"credHelpers":{"ghcr.io":"gh"},"credsStore":"desktop",
                                   "auths":{"quay.io":{}}})");
  auto gh = ReadDockerConfigCredentials(path, "ghcr.io");
  EXPECT_EQ(gh.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(gh.status().message().find("docker-credential-gh"), std::string::npos);
  auto quay = ReadDockerConfigCredentials(path, "quay.io");
  EXPECT_NE(quay.status().message().find("docker-credential-desktop"), std::string::npos);
  // A credsStore alone says nothing about this registry: anonymous.
  auto other = ReadDockerConfigCredentials(path, "example.com");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST(RegistryCredentialsTest, MalformedEntries) {
  test::TempDir dir;
  auto path = WriteConfig(dir, R"({"auths":{"a.io":{"auth":"bm8tY29sb24="}}})");  // "no-colon"
  EXPECT_EQ(ReadDockerConfigCredentials(path, "a.io").status().code(), ErrorCode::kInvalidArgument);
  path = WriteConfig(dir, "{not json");
  EXPECT_EQ(ReadDockerConfigCredentials(path, "a.io").status().code(), ErrorCode::kInvalidArgument);
}

TEST(RegistryCredentialsTest, DefaultPathFollowsDockerConfig) {
  const char* home = std::getenv("HOME");
  const std::string saved_home = home != nullptr ? home : "";
  ::setenv("DOCKER_CONFIG", "/somewhere", 1);
  EXPECT_EQ(DefaultDockerConfigPath(), std::filesystem::path("/somewhere/config.json"));
  ::unsetenv("DOCKER_CONFIG");
  ::setenv("HOME", "/home/x", 1);
  EXPECT_EQ(DefaultDockerConfigPath(), std::filesystem::path("/home/x/.docker/config.json"));
  ::setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace signet::oci
