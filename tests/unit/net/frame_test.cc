#include "userspace/net/frame.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/packet_builder.h"
#include "userspace/common/pcap_file.h"

namespace xdpxe::net {
namespace {

using ::xdpxe::testing::PacketBuilder;

const MacAddr kClient{{0x52, 0x54, 0x00, 0x18, 0x00, 0x07}};
const Ipv4Addr kServer = Ipv4Addr::FromOctets(198, 18, 0, 1);
const Ipv4Addr kHost = Ipv4Addr::FromOctets(198, 18, 0, 152);

TEST(FrameTest, ParsesPlainUdp) {
  auto bytes = PacketBuilder()
                   .Eth(kClient, MacAddr::Broadcast())
                   .Ipv4(kHost, kServer)
                   .Udp(1810, 69)
                   .Payload("hello")
                   .Build();
  ParseError why;
  auto f = ParseUdpFrame(bytes, &why);
  ASSERT_TRUE(f.has_value()) << ParseErrorName(why);
  EXPECT_EQ(f->src_mac, kClient);
  EXPECT_EQ(f->src_ip, kHost);
  EXPECT_EQ(f->dst_ip, kServer);
  EXPECT_EQ(f->src_port, 1810);
  EXPECT_EQ(f->dst_port, 69);
  EXPECT_EQ(std::string(f->payload.begin(), f->payload.end()), "hello");
  EXPECT_EQ(f->vlan_tags, 0);
  EXPECT_TRUE(UdpChecksumOk(*f));
}

TEST(FrameTest, ParsesVlanAndQinQ) {
  auto one = PacketBuilder().Vlan(100).Udp(68, 67).Payload("x").Build();
  auto f = ParseUdpFrame(one);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->vlan_id, 100);
  EXPECT_EQ(f->vlan_tags, 1);
  auto two = PacketBuilder().Vlan(7, 0x88a8).Vlan(200).Payload("x").Build();
  f = ParseUdpFrame(two);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->vlan_id, 200);
  EXPECT_EQ(f->vlan_tags, 2);
  auto three = PacketBuilder().Vlan(1).Vlan(2).Vlan(3).Build();
  ParseError why;
  EXPECT_FALSE(ParseUdpFrame(three, &why));
  EXPECT_EQ(why, ParseError::kTooManyVlanTags);
}

TEST(FrameTest, ParsesIpOptions) {
  auto bytes =
      PacketBuilder().IpOptions({0x94, 0x04, 0, 0}).Payload("ra").Build();
  auto f = ParseUdpFrame(bytes);
  ASSERT_TRUE(f);
  EXPECT_EQ(std::string(f->payload.begin(), f->payload.end()), "ra");
}

TEST(FrameTest, RejectsWithReason) {
  struct Case {
    std::vector<uint8_t> bytes;
    ParseError want;
  };
  std::vector<Case> cases = {
      {PacketBuilder().EtherType(0x0806).Build(), ParseError::kNotIpv4},
      {PacketBuilder().EtherType(0x86dd).Build(), ParseError::kNotIpv4},
      {PacketBuilder().Fragment(true, 0).Build(), ParseError::kFragment},
      {PacketBuilder().Fragment(false, 10).Build(), ParseError::kFragment},
      {PacketBuilder().IpProto(6).Build(), ParseError::kNotUdp},
      {PacketBuilder().Payload("abc").UdpLengthDelta(1).Build(),
       ParseError::kBadUdpLength},
      {PacketBuilder().Payload("abc").UdpLengthDelta(-4).Build(),
       ParseError::kBadUdpLength},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    ParseError why = ParseError::kOk;
    EXPECT_FALSE(ParseUdpFrame(cases[i].bytes, &why)) << i;
    EXPECT_EQ(why, cases[i].want) << i << " " << ParseErrorName(why);
  }
}

TEST(FrameTest, TruncatedAtEveryOffsetNeverParses) {
  auto bytes = PacketBuilder()
                   .Vlan(5)
                   .IpOptions({1, 1, 1, 1})
                   .Payload(std::string(300, 'p'))
                   .Build();
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    EXPECT_FALSE(ParseUdpFrame(cut)) << "len " << n;
  }
  EXPECT_TRUE(ParseUdpFrame(bytes));
}

TEST(FrameTest, IgnoresEthernetPadding) {
  auto bytes = PacketBuilder().Payload("a").Build();
  bytes.resize(60, 0);  // minimum Ethernet frame
  auto f = ParseUdpFrame(bytes);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload.size(), 1u);
  EXPECT_TRUE(UdpChecksumOk(*f));
}

TEST(FrameTest, WriteThenParseRoundTrip) {
  for (uint16_t vlan : {0, 42}) {
    UdpFrameSpec spec{.src_mac = MacAddr{{2, 0, 0, 0, 0, 1}},
                      .dst_mac = kClient,
                      .vlan_id = vlan,
                      .src = {kServer, 4011},
                      .dst = {kHost, 4011}};
    std::vector<uint8_t> buf(2048);
    size_t hl = UdpHeadersLen(spec);
    std::string msg = "payload built in place";
    std::copy(msg.begin(), msg.end(), buf.begin() + hl);
    size_t len = WriteUdpHeaders(buf, spec, msg.size());
    ASSERT_EQ(len, hl + msg.size());
    buf.resize(len);
    auto f = ParseUdpFrame(buf);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->vlan_id, vlan);
    EXPECT_EQ(f->src_port, 4011);
    EXPECT_EQ(f->dst_ip, kHost);
    EXPECT_EQ(f->dst_mac, kClient);
    EXPECT_NE(f->udp_checksum, 0);
    EXPECT_TRUE(UdpChecksumOk(*f));
    EXPECT_EQ(std::string(f->payload.begin(), f->payload.end()), msg);
    // A flipped payload bit must break the checksum.
    buf[hl] ^= 1;
    EXPECT_FALSE(UdpChecksumOk(*ParseUdpFrame(buf)));
  }
}

TEST(FrameTest, WriteRefusesSmallBuffer) {
  UdpFrameSpec spec;
  std::vector<uint8_t> buf(40);
  EXPECT_EQ(WriteUdpHeaders(buf, spec, 10), 0u);
}

// Every frame of the real captures that is IPv4/UDP parses with a valid
// checksum (the README says offload was off), and ARP does not parse.
TEST(FrameTest, RealCapturesParse) {
  auto frames =
      xdpxe::ReadPcap(xdpxe::testing::FixturePath("ovmf-x64-pxe-boot.pcap"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  int udp = 0, arp = 0;
  for (const auto& fr : *frames) {
    ParseError why;
    auto f = ParseUdpFrame(fr.data, &why);
    if (f) {
      ++udp;
      EXPECT_TRUE(UdpChecksumOk(*f)) << "frame " << fr.index;
    } else {
      EXPECT_EQ(why, ParseError::kNotIpv4) << "frame " << fr.index;
      ++arp;
    }
  }
  EXPECT_GT(udp, 250);
  EXPECT_GT(arp, 0);
}

}  // namespace
}  // namespace xdpxe::net
