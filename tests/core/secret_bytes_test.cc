#include "core/secret_bytes.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace signet {
namespace {

TEST(SecretBytesTest, HoldsAndMoves) {
  SecretBytes a("key material");
  EXPECT_EQ(a.size(), 12u);
  EXPECT_EQ(a.reveal(), "key material");
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.reveal(), "key material");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  SecretBytes c;
  c = b;
  EXPECT_TRUE(c == b);
  c.Resize(3);
  EXPECT_EQ(c.reveal(), "key");
  EXPECT_FALSE(c == b);
}

TEST(SecretBytesTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(SecretBytesTest, NotPrintableOrConvertible) {
  static_assert(!std::is_convertible_v<SecretBytes, std::string>);
  static_assert(!std::is_convertible_v<SecretBytes, std::string_view>);
  std::string s = "secret";
  SecureWipe(s);
  EXPECT_EQ(s, std::string(6, '\0'));
}

}  // namespace
}  // namespace signet
