// The parts of the image commands that need no registry or signetd: how REF and the registry
// flags open a repository (cli/image_target.h), where Notation's configuration is looked for
// (cli/verify_image.h), and `signet trust export --data-dir` (cli/trust_export.h). The commands
// against a real registry and signetd: tests/integration/image_cli_test.sh.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/image_target.h"
#include "cli/trust_export.h"
#include "cli/verify_image.h"
#include "core/file.h"
#include "oci/image_layout.h"
#include "testing/temp_dir.h"

namespace signet::cli {
namespace {

namespace fs = std::filesystem;

EnvLookup MapEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ImageTargetTest, RegistryReferenceNamesRepositoryAndIdentifier) {
  RegistryFlags flags;
  flags.insecure_registries = {"127.0.0.1:5000"};
  std::istringstream in;
  Result<ImageTarget> target = OpenImageTarget("127.0.0.1:5000/team/app:v1", flags, in);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->repository_name, "127.0.0.1:5000/team/app");
  EXPECT_EQ(target->identifier, "v1");
  EXPECT_FALSE(target->is_layout);
  const std::string digest = "sha256:" + std::string(64, 'a');
  target = OpenImageTarget("127.0.0.1:5000/team/app@" + digest, flags, in);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->identifier, digest);
}

TEST(ImageTargetTest, MalformedReferenceIsInvalidArgument) {
  std::istringstream in;
  Result<ImageTarget> target = OpenImageTarget("Registry/UPPER:v1", {}, in);
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.status().code(), ErrorCode::kInvalidArgument);
}

TEST(ImageTargetTest, CredentialFlagsMustBeConsistent) {
  std::istringstream in;
  RegistryFlags password_only;
  password_only.password = "pw";
  EXPECT_NE(OpenImageTarget("localhost:5000/app:v1", password_only, in)
                .status().message().find("needs --username"),
            std::string::npos);
  RegistryFlags both = password_only;
  both.username = "u";
  both.password_stdin = true;
  EXPECT_NE(OpenImageTarget("localhost:5000/app:v1", both, in).status().message().find("exclude"),
            std::string::npos);
  RegistryFlags user_only;
  user_only.username = "u";
  EXPECT_EQ(OpenImageTarget("localhost:5000/app:v1", user_only, in).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(ImageTargetTest, PasswordStdinReadsOneLine) {
  RegistryFlags flags;
  flags.username = "u";
  flags.password_stdin = true;
  std::istringstream in("s3cret pass\r\nmore\n");
  EXPECT_TRUE(OpenImageTarget("localhost:5000/app:v1", flags, in).ok());
  std::istringstream empty("");
  EXPECT_EQ(OpenImageTarget("localhost:5000/app:v1", flags, empty).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(ImageTargetTest, LayoutReferenceIsATagOrDigestInIt) {
  test::TempDir dir;
  const fs::path layout = dir.path() / "My_Images.v2";
  ASSERT_TRUE(oci::ImageLayout::Open(layout, /*create=*/true).ok());
  RegistryFlags flags;
  flags.oci_layout = layout.string();
  std::istringstream in;
  Result<ImageTarget> target = OpenImageTarget("v1", flags, in);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_TRUE(target->is_layout);
  EXPECT_EQ(target->identifier, "v1");
  EXPECT_EQ(target->repository_name, "local/my-images-v2");
  EXPECT_EQ(OpenImageTarget("localhost:5000/app:v1", flags, in).status().code(),
            ErrorCode::kInvalidArgument);
  flags.username = "u";
  EXPECT_EQ(OpenImageTarget("v1", flags, in).status().code(), ErrorCode::kInvalidArgument);
}

TEST(ImageTargetTest, MissingLayoutIsNotFound) {
  RegistryFlags flags;
  flags.oci_layout = "/nonexistent/signet/layout";
  std::istringstream in;
  EXPECT_EQ(OpenImageTarget("v1", flags, in).status().code(), ErrorCode::kNotFound);
}

TEST(NotationConfigDirTest, FollowsNotationConfigThenXdgThenHome) {
  EXPECT_EQ(NotationConfigDir(MapEnv({{"NOTATION_CONFIG", "/n"}, {"XDG_CONFIG_HOME", "/x"},
                                      {"HOME", "/h"}})),
            "/n");
  EXPECT_EQ(NotationConfigDir(MapEnv({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})), "/x/notation");
  EXPECT_EQ(NotationConfigDir(MapEnv({{"HOME", "/h"}})), "/h/.config/notation");
}

class TrustExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(data_);
    root_pem_ = ReadSmallFile(std::string(SIGNET_TESTDATA_DIR) +
                                  "/notation-vectors/notation-go/verifier/testdata/truststore/"
                                  "x509/ca/valid-trust-store/NotationTestRoot.pem",
                              1 << 20, "test root")
                    .value();
    ASSERT_TRUE(WriteFileAtomically(data_ / "root-ca.pem", root_pem_).ok());
    options_.data_dir = data_.string();
  }
  int Run() {
    out_.str("");
    err_.str("");
    return RunTrustExport(options_, MapEnv({}), out_, err_);
  }

  test::TempDir dir_;
  fs::path data_ = dir_.path() / "data";
  std::string root_pem_;
  TrustExportOptions options_;
  std::ostringstream out_, err_;
};

TEST_F(TrustExportTest, WritesThePemToStdout) {
  ASSERT_EQ(Run(), 0) << err_.str();
  EXPECT_NE(out_.str().find("-----BEGIN CERTIFICATE-----"), std::string::npos);
}

TEST_F(TrustExportTest, WritesANotationSigningAuthorityStoreAndAFile) {
  options_.trust_store = (dir_.path() / "truststore").string();
  options_.store_name = "acme";
  options_.output = (dir_.path() / "root.pem").string();
  ASSERT_EQ(Run(), 0) << err_.str();
  EXPECT_TRUE(out_.str().empty());
  const fs::path stored = dir_.path() / "truststore/x509/signingAuthority/acme/signet-root.pem";
  EXPECT_EQ(ReadSmallFile(stored, 1 << 20, "").value(),
            ReadSmallFile(options_.output, 1 << 20, "").value());
  EXPECT_NE(err_.str().find("signingAuthority:acme"), std::string::npos);
}

TEST_F(TrustExportTest, RefusesABadStoreNameAndAMissingRoot) {
  options_.store_name = "../escape";
  EXPECT_EQ(Run(), 2);
  options_.store_name = "signet";
  options_.data_dir = (dir_.path() / "nowhere").string();
  EXPECT_EQ(Run(), 2);
  EXPECT_NE(err_.str().find("root-ca.pem"), std::string::npos);
}

TEST_F(TrustExportTest, RefusesSomethingThatIsNotACertificateAndWritesNothing) {
  ASSERT_TRUE(WriteFileAtomically(data_ / "root-ca.pem", "not a certificate").ok());
  options_.output = (dir_.path() / "root.pem").string();
  EXPECT_EQ(Run(), 2);
  EXPECT_FALSE(fs::exists(options_.output));
}

}  // namespace
}  // namespace signet::cli
