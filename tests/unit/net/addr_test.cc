#include "userspace/net/addr.h"

#include "gtest/gtest.h"

namespace xdpxe::net {
namespace {

TEST(Ipv4AddrTest, ParsesAndFormats) {
  auto a = Ipv4Addr::Parse("198.18.0.1");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->value, 0xc6120001u);
  EXPECT_EQ(a->ToString(), "198.18.0.1");
  EXPECT_EQ(Ipv4Addr::FromOctets(198, 18, 0, 1), *a);
}

TEST(Ipv4AddrTest, RejectsMalformed) {
  for (const char* s : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3",
                        "a.b.c.d", "1.2.3.-4", "1.2.3.4 ", "0001.2.3.4"}) {
    EXPECT_FALSE(Ipv4Addr::Parse(s).has_value()) << s;
  }
}

TEST(Ipv4AddrTest, NetworkOrderRoundTrip) {
  Ipv4Addr a = Ipv4Addr::FromOctets(10, 1, 2, 3);
  EXPECT_EQ(Ipv4Addr::FromNetworkOrder(a.ToNetworkOrder()), a);
  uint8_t b[4];
  a.ToBytes(b);
  EXPECT_EQ(b[0], 10);
  EXPECT_EQ(b[3], 3);
}

TEST(MacAddrTest, ParsesAndFormats) {
  auto m = MacAddr::Parse("52:54:00:18:00:0B");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->ToString(), "52:54:00:18:00:0b");
  EXPECT_TRUE(MacAddr::Parse("52-54-00-18-00-0b").has_value());
  EXPECT_FALSE(MacAddr::Parse("52:54:00:18:00").has_value());
  EXPECT_FALSE(MacAddr::Parse("52:54:00:18:00:0g").has_value());
  EXPECT_TRUE(MacAddr::Broadcast().IsBroadcast());
  EXPECT_TRUE(MacAddr{}.IsZero());
}

TEST(EndpointTest, Formats) {
  Endpoint e{Ipv4Addr::FromOctets(198, 18, 0, 1), 4011};
  EXPECT_EQ(e.ToString(), "198.18.0.1:4011");
}

}  // namespace
}  // namespace xdpxe::net
