#include "base/loopback.h"

#include "gtest/gtest.h"

namespace fanfare {
namespace {

TEST(LoopbackTest, OnlyThisMachinesAddressesAre) {
  for (const char* host : {"localhost", "[::1]", "127.0.0.1", "127.0.0.2", "127.255.255.254"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"127.evil.example", "127.1", "0x7f000001", "2130706433", "0.0.0.0",
                           "128.0.0.1", "example.com", "", "[::ffff:127.0.0.1]"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(LoopbackTest, AnAddressIsJudgedByItsHost) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:7600"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7600"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:0"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]"));
  EXPECT_FALSE(IsLoopbackAddress("127.evil.example:7600"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7600"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7600"));
}

}  // namespace
}  // namespace fanfare
