#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

#include "core/arn.h"

namespace signet {
namespace {

TEST(IdsTest, UuidV4Shape) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewUuidV4();
    ASSERT_TRUE(IsValidUuid(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, ProfileVersionAndConfigIds) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string v = NewProfileVersionId();
    ASSERT_TRUE(IsValidProfileVersion(v)) << v;
    seen.insert(v);
    ASSERT_TRUE(IsValidCodeSigningConfigId(NewCodeSigningConfigId()));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, RandomBytesAreNotConstant) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

}  // namespace
}  // namespace signet
