// How `signet` finds signetd and its credentials (cli/aws_connection.h), with the environment
// and the AWS shared files of a temporary directory, and where `signet sign zip` writes.
#include "cli/aws_connection.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "cli/sign_zip.h"
#include "testing/temp_dir.h"

namespace signet::cli {
namespace {

class AwsConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_["HOME"] = dir_.path().string();
    credentials_ = (dir_.path() / "credentials").string();
    config_ = (dir_.path() / "config").string();
    env_["AWS_SHARED_CREDENTIALS_FILE"] = credentials_;
    env_["AWS_CONFIG_FILE"] = config_;
    Write(credentials_,
          "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n"
          "\n[ci]\n  aws_access_key_id=AKIACI  \naws_secret_access_key = ci-secret\r\n"
          "aws_session_token = ci-token\n");
    Write(config_, "[default]\nregion = eu-west-1\n[profile ci]\nregion = ap-south-1\n"
                   "[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = cfg\n");
  }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }

  EnvLookup Env() const {
    return [env = env_](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
  }

  AwsConnection Resolve(ConnectionFlags flags = {}) {
    Result<AwsConnection> c = ResolveConnection(flags, Env());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : AwsConnection{};
  }

  ::signet::test::TempDir dir_;
  std::map<std::string, std::string> env_;
  std::string credentials_;
  std::string config_;
};

TEST_F(AwsConnectionTest, DefaultProfileEndpointAndRegion) {
  const AwsConnection c = Resolve();
  EXPECT_EQ(c.endpoint, kDefaultEndpoint);
  EXPECT_EQ(c.credentials.access_key_id, "AKIADEFAULT");
  EXPECT_EQ(c.credentials.secret_access_key, SecretBytes(std::string("default-secret")));
  EXPECT_TRUE(c.credentials.session_token.empty());
  EXPECT_EQ(c.credentials.region, "eu-west-1");
  EXPECT_TRUE(c.environment.empty());
}

TEST_F(AwsConnectionTest, EnvironmentKeysWinUnlessAnAwsProfileIsNamed) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_SESSION_TOKEN"] = "env-token";
  env_["AWS_PROFILE"] = "ci";
  AwsConnection c = Resolve();
  EXPECT_EQ(c.credentials.access_key_id, "AKIAENV");
  EXPECT_EQ(c.credentials.session_token, "env-token");
  EXPECT_EQ(c.credentials.region, "ap-south-1");  // AWS_PROFILE still picks the region

  c = Resolve(ConnectionFlags{.aws_profile = "ci"});
  EXPECT_EQ(c.credentials.access_key_id, "AKIACI");
  EXPECT_EQ(c.credentials.secret_access_key, SecretBytes(std::string("ci-secret")));
  EXPECT_EQ(c.credentials.session_token, "ci-token");

  env_["AWS_REGION"] = "us-west-2";
  env_["AWS_DEFAULT_REGION"] = "us-east-2";
  EXPECT_EQ(Resolve().credentials.region, "us-west-2");
  env_.erase("AWS_REGION");
  EXPECT_EQ(Resolve().credentials.region, "us-east-2");

  env_.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(ResolveConnection({}, Env()).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AwsConnectionTest, KeysInTheConfigFileAndMissingProfiles) {
  EXPECT_EQ(Resolve(ConnectionFlags{.aws_profile = "cfg"}).credentials.access_key_id, "AKIACFG");
  Result<AwsConnection> missing = ResolveConnection({.aws_profile = "nope"}, Env());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("profile 'nope'"), std::string::npos);
  EXPECT_NE(missing.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);

  env_["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere";  // expanded like the AWS CLI does
  env_["AWS_CONFIG_FILE"] = "~/nothing";
  Write((dir_.path() / "elsewhere").string(),
        "[default]\naws_access_key_id = AKIATILDE\naws_secret_access_key = s\n");
  const AwsConnection c = Resolve();
  EXPECT_EQ(c.credentials.access_key_id, "AKIATILDE");
  EXPECT_EQ(c.credentials.region, "us-east-1");

  Write((dir_.path() / "elsewhere").string(), "[default]\naws_access_key_id = AKIAHALF\n");
  EXPECT_EQ(ResolveConnection({}, Env()).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AwsConnectionTest, EndpointAndEnvironmentFromFlagsThenVariables) {
  env_["SIGNET_ENDPOINT"] = "http://signet.internal:8700";
  env_["SIGNET_ENV"] = "staging";
  AwsConnection c = Resolve();
  EXPECT_EQ(c.endpoint, "http://signet.internal:8700");
  EXPECT_EQ(c.environment, "staging");
  c = Resolve(ConnectionFlags{.endpoint = "https://x:1", .environment = "prod"});
  EXPECT_EQ(c.endpoint, "https://x:1");
  EXPECT_EQ(c.environment, "prod");
  EXPECT_TRUE(Connect(c).ok());
  c.endpoint = "ftp://x";
  EXPECT_FALSE(Connect(c).ok());
}

TEST(SignZipTest, DefaultSignedPath) {
  EXPECT_EQ(DefaultSignedPath("function.zip"), "function.signed.zip");
  EXPECT_EQ(DefaultSignedPath("dir.v2/app.zip"), "dir.v2/app.signed.zip");
  EXPECT_EQ(DefaultSignedPath("package"), "package.signed.zip");
  EXPECT_EQ(DefaultSignedPath(".zip"), ".zip.signed.zip");
}

TEST(DescribeAwsErrorTest, CodeAndMessageFromTheJsonError) {
  api::AwsResponse r;
  r.status = 404;
  r.headers = {{"x-amzn-ErrorType", "ResourceNotFoundException"}};
  r.body = R"({"message":"signing profile x does not exist"})";
  EXPECT_EQ(DescribeAwsError(r), "ResourceNotFoundException: signing profile x does not exist");
  r.headers.clear();
  r.body = R"({"code":"ValidationException","Message":"bad"})";
  EXPECT_EQ(DescribeAwsError(r), "ValidationException: bad");
  r.body = "<html>proxy error</html>";
  EXPECT_EQ(DescribeAwsError(r), "HTTP 404: <html>proxy error</html>");
}

}  // namespace
}  // namespace signet::cli
