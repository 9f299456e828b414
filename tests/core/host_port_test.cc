#include "core/host_port.h"

#include <gtest/gtest.h>

namespace signet {
namespace {

TEST(HostPortTest, SplitsNamesAddressesAndBracketedIpv6) {
  struct Case {
    const char* text;
    const char* host;
    std::optional<std::string_view> port;
    bool bracketed;
  };
  for (const Case& c :
       {Case{"example.com", "example.com", std::nullopt, false},
        Case{"example.com:5000", "example.com", "5000", false},
        Case{"127.0.0.1:", "127.0.0.1", "", false}, Case{"[::1]", "::1", std::nullopt, true},
        Case{"[::1]:8700", "::1", "8700", true}, Case{"[]", "", std::nullopt, true},
        Case{":80", "", "80", false}}) {
    const std::optional<HostPort> parts = SplitHostPort(c.text);
    ASSERT_TRUE(parts.has_value()) << c.text;
    EXPECT_EQ(parts->host, c.host) << c.text;
    EXPECT_EQ(parts->port, c.port) << c.text;
    EXPECT_EQ(parts->bracketed, c.bracketed) << c.text;
  }
}

TEST(HostPortTest, RefusesBrokenBrackets) {
  for (const char* text : {"[::1", "[::1]x", "[::1]5000", "[::1]/"}) {
    EXPECT_FALSE(SplitHostPort(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace signet
