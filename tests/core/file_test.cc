#include "core/file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace signet {
namespace {

namespace fs = std::filesystem;

class ReadSmallFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("signet-file-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path Write(const char* name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }
  fs::path dir_;
};

TEST_F(ReadSmallFileTest, ReadsUpToTheLimit) {
  auto r = ReadSmallFile(Write("ok", "12345"), 5, "a test file");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "12345");
  EXPECT_EQ(*ReadSmallFile(Write("empty", ""), 5, "a test file"), "");
}

TEST_F(ReadSmallFileTest, RefusesLargeMissingAndSpecialFiles) {
  auto big = ReadSmallFile(Write("big", "123456"), 5, "a test file");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("6 bytes, too large for a test file"), std::string::npos);
  auto missing = ReadSmallFile(dir_ / "missing", 5, "a test file");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot read"), std::string::npos);
  // A device never ends and a directory has no contents: neither is read.
  auto device = ReadSmallFile("/dev/zero", 5, "a test file");
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message().find("not a regular file"), std::string::npos);
  EXPECT_FALSE(ReadSmallFile(dir_, 5, "a test file").ok());
}

}  // namespace
}  // namespace signet
