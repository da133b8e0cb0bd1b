// Edge cases of the XDP program's parser and option walk: truncation at
// every byte, option lengths past the end, option 60/77 at the very end of a
// maximum-size options area, VLAN/QinQ, fragments, IP options, padding, and
// the config map changed between packets. Each expectation is also checked
// against the userspace model (ModelVerdict).
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/bpf/xdp_test_base.h"
#include "tests/bpf/xdp_tester.h"
#include "tests/testing/packet_builder.h"

namespace xdpxe::testing {
namespace {

using net::Ipv4Addr;

const Ipv4Addr kServer = Ipv4Addr::FromOctets(198, 18, 0, 1);
const Ipv4Addr kClient = Ipv4Addr::FromOctets(198, 18, 0, 152);

class XdpEdgeTest : public XdpTest {
 protected:
  // Runs `frame`; expects `stat` from both the program and the model.
  void Expect(const std::vector<uint8_t>& frame, int stat,
              const std::string& what) {
    auto r = t_->Run(frame);
    ASSERT_TRUE(r.ok()) << what << ": " << r.status();
    EXPECT_EQ(StatName(r->stat), StatName(stat)) << what;
    EXPECT_EQ(r->action, XDP_PASS) << what;
    EXPECT_EQ(r->moved, 1) << what;
    EXPECT_EQ(StatName(ModelVerdict(frame, cfg_)), StatName(stat)) << what;
  }
  int Verdict(const std::vector<uint8_t>& frame) {
    auto r = t_->Run(frame);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->stat : -1;
  }
};

std::vector<uint8_t> DhcpFrame(const std::vector<uint8_t>& payload) {
  return PacketBuilder()
      .Ipv4(Ipv4Addr::Any(), Ipv4Addr::Broadcast())
      .Udp(68, 67)
      .Payload(payload)
      .Build();
}

// The UDP payload of the OVMF PXE DISCOVER (frame 1).
std::vector<uint8_t> OvmfDiscoverPayload() {
  std::vector<uint8_t> f = CaptureFrame("ovmf-x64-pxe-boot.pcap", 1);
  if (f.size() < 42) return {};
  return std::vector<uint8_t>(f.begin() + 42, f.end());
}

TEST_F(XdpEdgeTest, DiscoverFrameTruncatedAtEveryOffset) {
  const auto frame = CaptureFrame("ovmf-x64-pxe-boot.pcap", 1);
  ASSERT_EQ(frame.size(), 389u);
  Expect(frame, XDPXE_STAT_STEER_DHCP_PXE, "whole frame");
  // test_run needs an Ethernet header; below it there is no frame to see.
  for (size_t n = 14; n < frame.size(); ++n) {
    Expect({frame.begin(), frame.begin() + n}, XDPXE_STAT_PASS_MALFORMED,
           "frame cut to " + std::to_string(n));
  }
}

TEST_F(XdpEdgeTest, BootpPayloadTruncatedAtEveryOffset) {
  const auto payload = OvmfDiscoverPayload();
  ASSERT_EQ(payload.size(), 347u);
  int steered = 0, malformed = 0;
  for (size_t k = 0; k <= payload.size(); ++k) {
    auto frame = DhcpFrame({payload.begin(), payload.begin() + k});
    int stat = ModelVerdict(frame, cfg_);
    if (k < 240) {
      EXPECT_EQ(stat, XDPXE_STAT_PASS_DHCP_MALFORMED);
    }
    steered += stat == XDPXE_STAT_STEER_DHCP_PXE;
    malformed += stat == XDPXE_STAT_PASS_DHCP_MALFORMED;
    Expect(frame, stat, "payload cut to " + std::to_string(k));
  }
  // Cut between options after 60 (or with 255 dropped) still steers; cut
  // inside an option is malformed.
  EXPECT_GE(steered, 2);
  EXPECT_GT(malformed, 240);
}

TEST_F(XdpEdgeTest, OptionLengthPastTheEnd) {
  std::vector<uint8_t> opts = Opt(60, "PXEClient");
  opts[1] = 10;  // one byte more than the payload has
  Expect(DhcpFrame(BootRequest(opts)), XDPXE_STAT_PASS_DHCP_MALFORMED,
         "60 len 10 with 9 bytes");
  opts = Opt(60, "PXEClient");
  opts.push_back(93);  // a code without its length byte
  Expect(DhcpFrame(BootRequest(opts)), XDPXE_STAT_PASS_DHCP_MALFORMED,
         "trailing code without length");
  opts = Opt(77, "iPXE");
  opts.push_back(0);  // trailing pad is fine
  Expect(DhcpFrame(BootRequest(opts)), XDPXE_STAT_STEER_DHCP_IPXE,
         "trailing pad");
  opts = Opt(60, "PXEClient");
  opts.push_back(255);
  opts.push_back(60);  // garbage after the end option is ignored
  Expect(DhcpFrame(BootRequest(opts)), XDPXE_STAT_STEER_DHCP_PXE,
         "bytes after 255");
}

// Pads the options area so the frame is exactly `frame_len` bytes with
// `last` as the final option (no end option).
std::vector<uint8_t> FrameEndingWith(size_t frame_len,
                                     const std::vector<uint8_t>& last) {
  const size_t headers = 14 + 20 + 8 + 240;
  std::vector<uint8_t> opts(frame_len - headers - last.size(), 0);
  opts.insert(opts.end(), last.begin(), last.end());
  return DhcpFrame(BootRequest(opts));
}

TEST_F(XdpEdgeTest, ClassOptionAtTheVeryEndOfAMaximumSizeMessage) {
  const size_t max_len = t_->MaxFrameLen();
  ASSERT_GE(max_len, 1514u);
  ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  // The walk's bound covers the whole options area of the largest frame.
  EXPECT_LE(max_len - (14 + 20 + 8 + 240), size_t{XDPXE_MAX_OPT_WALK});
  RecordProperty("max_linear_frame", std::to_string(max_len));
  for (size_t len : {size_t{1514}, max_len}) {
    const std::string n = std::to_string(len);
    auto f = FrameEndingWith(len, Opt(60, "PXEClient"));
    ASSERT_EQ(f.size(), len);
    Expect(f, XDPXE_STAT_STEER_DHCP_PXE, "60 at the end of " + n);
    Expect(FrameEndingWith(len, Opt(77, "iPXE")), XDPXE_STAT_STEER_DHCP_IPXE,
           "77 at the end of " + n);
    Expect(FrameEndingWith(len, Opt(60, "MSFT 5.0")),
           XDPXE_STAT_PASS_DHCP_ORDINARY, "ordinary " + n);
    auto cut = FrameEndingWith(len, Opt(60, "PXEClient"));
    cut[cut.size() - 10] = 10;  // the length now runs one past the end
    Expect(cut, XDPXE_STAT_PASS_DHCP_MALFORMED, "60 overruns " + n);
  }
  // "iPXE" as the last 4 bytes of a 255-byte option 77.
  std::string uc(251, 'x');
  uc += "iPXE";
  Expect(FrameEndingWith(max_len, Opt(77, uc)), XDPXE_STAT_STEER_DHCP_IPXE,
         "iPXE at the end of a long 77");
}

TEST_F(XdpEdgeTest, VlanAndQinQ) {
  const auto payload = OvmfDiscoverPayload();
  auto b = PacketBuilder()
               .Ipv4(Ipv4Addr::Any(), Ipv4Addr::Broadcast())
               .Udp(68, 67)
               .Payload(payload);
  Expect(PacketBuilder(b).Vlan(100).Build(), XDPXE_STAT_STEER_DHCP_PXE,
         "802.1Q");
  Expect(PacketBuilder(b).Vlan(10, 0x88a8).Vlan(100).Build(),
         XDPXE_STAT_STEER_DHCP_PXE, "QinQ");
  Expect(PacketBuilder(b).Vlan(1).Vlan(2).Vlan(3).Build(),
         XDPXE_STAT_PASS_NOT_IPV4, "three tags");
  Expect(PacketBuilder()
             .Vlan(7)
             .Ipv4(kClient, kServer)
             .Udp(1811, 69)
             .Payload(std::string("\x00\x01x\x00octet\x00", 9))
             .Build(),
         XDPXE_STAT_STEER_TFTP, "tagged RRQ");
  auto tagged = PacketBuilder(b).Vlan(100).Build();
  Expect({tagged.begin(), tagged.begin() + 16}, XDPXE_STAT_PASS_MALFORMED,
         "cut inside the tag");
}

TEST_F(XdpEdgeTest, FragmentsAreNeverSteered) {
  const auto payload = OvmfDiscoverPayload();
  auto b = PacketBuilder()
               .Ipv4(Ipv4Addr::Any(), Ipv4Addr::Broadcast())
               .Udp(68, 67)
               .Payload(payload);
  Expect(PacketBuilder(b).Fragment(true, 0).Build(), XDPXE_STAT_PASS_FRAGMENT,
         "first fragment");
  Expect(PacketBuilder(b).Fragment(false, 185).Build(),
         XDPXE_STAT_PASS_FRAGMENT, "last fragment");
  Expect(PacketBuilder()
             .Ipv4(kClient, kServer)
             .Udp(1811, 4011)
             .Fragment(true, 0)
             .Payload(payload)
             .Build(),
         XDPXE_STAT_PASS_FRAGMENT, "4011 fragment");
}

TEST_F(XdpEdgeTest, IpOptionsEveryHeaderLength) {
  const auto payload = OvmfDiscoverPayload();
  for (size_t words = 0; words <= 10; ++words) {
    std::vector<uint8_t> opts(words * 4, 1);  // NOPs
    auto b = PacketBuilder()
                 .Ipv4(Ipv4Addr::Any(), Ipv4Addr::Broadcast())
                 .IpOptions(opts)
                 .Udp(68, 67)
                 .Payload(payload);
    Expect(b.Build(), XDPXE_STAT_STEER_DHCP_PXE,
           "IHL " + std::to_string(5 + words));
    Expect(PacketBuilder()
               .Ipv4(kClient, kServer)
               .IpOptions(opts)
               .Udp(1811, 61000)
               .Payload(std::string("\x00\x04\x00\x01", 4))
               .Build(),
           XDPXE_STAT_PASS_NOT_OURS,
           "ACK above range, IHL " + std::to_string(5 + words));
  }
  auto f = PacketBuilder().Ipv4(kClient, kServer).Udp(1, 69).Build();
  for (uint8_t ihl = 0; ihl < 5; ++ihl) {
    f[14] = 0x40 | ihl;
    Expect(f, XDPXE_STAT_PASS_MALFORMED, "IHL " + std::to_string(ihl));
  }
  f[14] = 0x65;  // version 6 in an IPv4 EtherType
  Expect(f, XDPXE_STAT_PASS_MALFORMED, "version 6");
}

TEST_F(XdpEdgeTest, LengthsAndPadding) {
  auto ack = PacketBuilder()
                 .Ipv4(kClient, kServer)
                 .Udp(1811, 40000)
                 .Payload(std::string("\x00\x04\x00\x01", 4))
                 .Build();
  auto padded = ack;
  padded.resize(60, 0);  // Ethernet minimum frame
  Expect(padded, XDPXE_STAT_STEER_TFTP_XFER, "padded ACK");
  Expect(PacketBuilder()
             .Ipv4(kClient, kServer)
             .Udp(1811, 40000)
             .UdpLengthDelta(1)
             .Payload(std::string("\x00\x04\x00\x01", 4))
             .Build(),
         XDPXE_STAT_PASS_MALFORMED, "UDP length past the IP payload");
  Expect(PacketBuilder()
             .Ipv4(kClient, kServer)
             .Udp(1811, 40000)
             .UdpLengthDelta(-5)
             .Payload(std::string("\x00\x04\x00\x01", 4))
             .Build(),
         XDPXE_STAT_PASS_MALFORMED, "UDP length below 8");
  // The options walk stops at the UDP length, not at the frame end: a PXE
  // option in the Ethernet padding is not part of the message.
  auto dhcp = DhcpFrame(BootRequest(Opt(53, "\x01")));
  auto tail = Opt(60, "PXEClient");
  dhcp.insert(dhcp.end(), tail.begin(), tail.end());
  Expect(dhcp, XDPXE_STAT_PASS_DHCP_ORDINARY, "PXEClient in the padding");
}

TEST_F(XdpEdgeTest, ConfigChangesApplyToTheNextPacket) {
  const auto discover = CaptureFrame("ovmf-x64-pxe-boot.pcap", 1);
  const auto req4011 = CaptureFrame("ovmf-x64-pxe-boot.pcap", 11);
  Expect(discover, XDPXE_STAT_STEER_DHCP_PXE, "default");

  cfg_.flags = XDPXE_F_PASS_DHCP;
  ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  Expect(discover, XDPXE_STAT_PASS_DHCP_CONFIG, "pass-dhcp");
  Expect(req4011, XDPXE_STAT_STEER_PROXY, "4011 with pass-dhcp");

  cfg_.flags = XDPXE_F_PASS_ALL;
  ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  Expect(discover, XDPXE_STAT_PASS_DISABLED, "pass-all");
  Expect(req4011, XDPXE_STAT_PASS_DISABLED, "4011 with pass-all");
  Expect(CaptureFrame("ovmf-x64-pxe-boot.pcap", 3), XDPXE_STAT_PASS_NOT_IPV4,
         "ARP with pass-all");

  cfg_.flags = 0;
  cfg_.server_ip = Ipv4Addr::FromOctets(198, 18, 0, 7).ToNetworkOrder();
  ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  Expect(req4011, XDPXE_STAT_PASS_NOT_OURS, "4011 to a former address");
  Expect(discover, XDPXE_STAT_STEER_DHCP_PXE, "67 does not need the address");

  cfg_.server_ip = 0;
  ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  Expect(req4011, XDPXE_STAT_PASS_NOT_OURS, "no server address");
}

}  // namespace
}  // namespace xdpxe::testing
