// The XDP program on the real captures and on crafted frames, katran style:
// a declarative table of (frame, expected counter), each run through
// bpf_prog_test_run_opts on the real program. Every frame must move exactly
// one verdict counter by one packet and its byte count, and return
// XDP_PASS (steered frames fall back to XDP_PASS because the test's XSKMAP
// is empty, and then also bump steer_no_socket).
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

struct Case {
  std::string name;
  std::vector<uint8_t> frame;
  int stat;
};

// gtest prints a failing parameter with this instead of its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

constexpr char kOvmf[] = "ovmf-x64-pxe-boot.pcap";
constexpr char kSeabios[] = "seabios-ipxe-boot.pcap";
constexpr char kOvmfRom[] = "ovmf-x64-ipxe-rom-boot.pcap";
constexpr char kAavmf[] = "aavmf-arm64-pxe-boot-head.pcap";

const Ipv4Addr kServer = Ipv4Addr::FromOctets(198, 18, 0, 1);
const Ipv4Addr kClient = Ipv4Addr::FromOctets(198, 18, 0, 152);

std::vector<Case> CaptureCases() {
  return {
      {"ovmf_pxe_discover", CaptureFrame(kOvmf, 1), XDPXE_STAT_STEER_DHCP_PXE},
      {"ovmf_proxy_offer_to_client", CaptureFrame(kOvmf, 2),
       XDPXE_STAT_PASS_NOT_OURS},
      {"ovmf_arp", CaptureFrame(kOvmf, 3), XDPXE_STAT_PASS_NOT_IPV4},
      {"ovmf_primary_offer", CaptureFrame(kOvmf, 6), XDPXE_STAT_PASS_NOT_OURS},
      {"ovmf_pxe_request", CaptureFrame(kOvmf, 7), XDPXE_STAT_STEER_DHCP_PXE},
      {"ovmf_4011_request", CaptureFrame(kOvmf, 11), XDPXE_STAT_STEER_PROXY},
      {"ovmf_4011_ack_to_client", CaptureFrame(kOvmf, 12),
       XDPXE_STAT_PASS_NOT_OURS},
      {"ovmf_tftp_rrq", CaptureFrame(kOvmf, 13), XDPXE_STAT_STEER_TFTP},
      {"ovmf_tftp_oack_to_client", CaptureFrame(kOvmf, 14),
       XDPXE_STAT_PASS_NOT_OURS},
      {"ovmf_tftp_error", CaptureFrame(kOvmf, 15), XDPXE_STAT_STEER_TFTP_XFER},
      {"ovmf_tftp_ack", CaptureFrame(kOvmf, 18), XDPXE_STAT_STEER_TFTP_XFER},
      {"ovmf_tftp_data_to_client", CaptureFrame(kOvmf, 19),
       XDPXE_STAT_PASS_NOT_OURS},
      {"ovmf_ipxe_discover", CaptureFrame(kOvmf, 257),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"ovmf_ipxe_request", CaptureFrame(kOvmf, 260),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"ovmf_ipxe_rrq_autoexec", CaptureFrame(kOvmf, 269),
       XDPXE_STAT_STEER_TFTP},
      {"seabios_ipxe_discover", CaptureFrame(kSeabios, 1),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"seabios_icmp_ping_check", CaptureFrame(kSeabios, 8),
       XDPXE_STAT_PASS_NOT_UDP},
      {"seabios_ipxe_request", CaptureFrame(kSeabios, 11),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"seabios_tftp_ack", CaptureFrame(kSeabios, 20),
       XDPXE_STAT_STEER_TFTP_XFER},
      {"ovmf_rom_ipxe_discover", CaptureFrame(kOvmfRom, 1),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"aavmf_pxe_discover", CaptureFrame(kAavmf, 1),
       XDPXE_STAT_STEER_DHCP_PXE},
      {"aavmf_4011_request", CaptureFrame(kAavmf, 11), XDPXE_STAT_STEER_PROXY},
  };
}

std::vector<uint8_t> Bootp(std::initializer_list<std::vector<uint8_t>> opts) {
  std::vector<uint8_t> o;
  for (const auto& v : opts) o.insert(o.end(), v.begin(), v.end());
  o.push_back(255);
  return BootRequest(o);
}

std::vector<uint8_t> Dhcp(const std::vector<uint8_t>& payload) {
  return PacketBuilder()
      .Ipv4(Ipv4Addr::Any(), Ipv4Addr::Broadcast())
      .Udp(68, 67)
      .Payload(payload)
      .Build();
}

std::vector<uint8_t> ToServer(uint16_t dport, std::string_view payload,
                              Ipv4Addr dst = kServer) {
  return PacketBuilder()
      .Ipv4(kClient, dst)
      .Udp(1811, dport)
      .Payload(payload)
      .Build();
}

std::vector<Case> CraftedCases() {
  const std::string ack("\x00\x04\x00\x01", 4);
  std::vector<uint8_t> ipv6 = PacketBuilder().EtherType(0x86dd).Build();
  return {
      {"ordinary_dhcp_client",
       Dhcp(Bootp(
           {Opt(53, "\x01"), Opt(61, "\x01RTUVWX"), Opt(55, "\x01\x03\x06")})),
       XDPXE_STAT_PASS_DHCP_ORDINARY},
      {"windows_vendor_class",
       Dhcp(Bootp({Opt(53, "\x01"), Opt(60, "MSFT 5.0")})),
       XDPXE_STAT_PASS_DHCP_ORDINARY},
      {"http_client", Dhcp(Bootp({Opt(60, "HTTPClient:Arch:00016")})),
       XDPXE_STAT_STEER_DHCP_PXE},
      {"pxe_client_exact", Dhcp(Bootp({Opt(60, "PXEClient")})),
       XDPXE_STAT_STEER_DHCP_PXE},
      {"pxe_client_prefix_too_short", Dhcp(Bootp({Opt(60, "PXEClien")})),
       XDPXE_STAT_PASS_DHCP_ORDINARY},
      {"ipxe_inside_user_class", Dhcp(Bootp({Opt(77, "xx-iPXE-yy")})),
       XDPXE_STAT_STEER_DHCP_IPXE},
      {"user_class_without_ipxe", Dhcp(Bootp({Opt(77, "gPXE")})),
       XDPXE_STAT_PASS_DHCP_ORDINARY},
      {"overload_beats_pxe",
       Dhcp(Bootp({Opt(60, "PXEClient"), Opt(52, "\x03")})),
       XDPXE_STAT_PASS_DHCP_OVERLOAD},
      {"bootreply_to_67", Dhcp([] {
         auto p = Bootp({Opt(60, "PXEClient")});
         p[0] = 2;
         return p;
       }()),
       XDPXE_STAT_PASS_DHCP_NOT_REQUEST},
      {"hlen_17", Dhcp([] {
         auto p = Bootp({Opt(60, "PXEClient")});
         p[2] = 17;
         return p;
       }()),
       XDPXE_STAT_PASS_DHCP_MALFORMED},
      {"bad_cookie", Dhcp([] {
         auto p = Bootp({Opt(60, "PXEClient")});
         p[239] = 0x64;
         return p;
       }()),
       XDPXE_STAT_PASS_DHCP_MALFORMED},
      {"short_bootp", Dhcp(std::vector<uint8_t>(239, 1)),
       XDPXE_STAT_PASS_DHCP_MALFORMED},
      {"arp", PacketBuilder().EtherType(0x0806).Build(),
       XDPXE_STAT_PASS_NOT_IPV4},
      {"ipv6", ipv6, XDPXE_STAT_PASS_NOT_IPV4},
      {"tcp_to_server_69",
       PacketBuilder().Ipv4(kClient, kServer).IpProto(6).Udp(1, 69).Build(),
       XDPXE_STAT_PASS_NOT_UDP},
      {"dns_to_server", ToServer(53, "q"), XDPXE_STAT_PASS_NOT_OURS},
      {"port_below_range", ToServer(32767, ack), XDPXE_STAT_PASS_NOT_OURS},
      {"range_low_end", ToServer(32768, ack), XDPXE_STAT_STEER_TFTP_XFER},
      {"range_high_end", ToServer(60999, ack), XDPXE_STAT_STEER_TFTP_XFER},
      {"port_above_range", ToServer(61000, ack), XDPXE_STAT_PASS_NOT_OURS},
      {"tftp_rrq_other_address",
       ToServer(69, "\x00\x01x", Ipv4Addr::FromOctets(198, 18, 0, 9)),
       XDPXE_STAT_PASS_NOT_OURS},
      {"4011_other_address",
       ToServer(4011, "x", Ipv4Addr::FromOctets(198, 18, 0, 2)),
       XDPXE_STAT_PASS_NOT_OURS},
      {"4011_broadcast", ToServer(4011, "x", Ipv4Addr::Broadcast()),
       XDPXE_STAT_PASS_NOT_OURS},
  };
}

class XdpFixtureTest : public XdpTest,
                       public ::testing::WithParamInterface<Case> {};

TEST_P(XdpFixtureTest, VerdictAndCounter) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.frame.empty()) << "fixture frame missing";
  auto r = t_->Run(c.frame);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->action, XDP_PASS);
  EXPECT_EQ(StatName(r->stat), StatName(c.stat));
  EXPECT_EQ(r->moved, 1);
  EXPECT_EQ(r->bytes, c.frame.size());
  EXPECT_EQ(r->no_socket, c.stat < XDPXE_STAT_STEER_NO_SOCKET);
  // The userspace model agrees on every table entry, too.
  EXPECT_EQ(StatName(ModelVerdict(c.frame, CaptureConfig())), StatName(c.stat));
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Captures, XdpFixtureTest,
                         ::testing::ValuesIn(CaptureCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Crafted, XdpFixtureTest,
                         ::testing::ValuesIn(CraftedCases()), CaseName);

TEST(XdpProgramLoad, VerifierAcceptsProgram) {
  XDPXE_NEED_ROOT();
  auto t = XdpTester::Load();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_GT((*t)->verified_insns(), 0u);
  // Headroom against the verifier's 1M-instruction limit on other kernels.
  EXPECT_LT((*t)->verified_insns(), 200000u);
  RecordProperty("verified_insns", std::to_string((*t)->verified_insns()));
  std::printf("verified_insns=%u\n", (*t)->verified_insns());
}

}  // namespace
}  // namespace xdpxe::testing
