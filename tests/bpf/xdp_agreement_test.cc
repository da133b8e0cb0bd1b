// Agreement: the XDP program and the userspace classifier (net::ParseUdpFrame
// + dhcp::ClassifyBootRequest + the port/address rules, see ModelVerdict)
// decide the same counter for thousands of seeded random and mutated frames.
// Nothing the userspace parser rejects may be steered, nothing it accepts may
// be passed, and the pass reasons must match too.
#include <linux/bpf.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/bpf/xdp_test_base.h"
#include "tests/bpf/xdp_tester.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/packet_builder.h"
#include "userspace/common/pcap_file.h"

namespace xdpxe::testing {
namespace {

using net::Ipv4Addr;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  uint32_t U(uint32_t n) {
    return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_);
  }
  bool P(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string Bytes(size_t n) {
    std::string s(n, 0);
    for (auto& c : s) c = static_cast<char>(U(256));
    return s;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[U(v.size())];
  }

  // A BOOTP request whose options mix what clients send with the shapes
  // that sit on the classifier's boundaries.
  std::vector<uint8_t> Bootp(size_t max_options_bytes) {
    std::vector<uint8_t> o;
    const int n = U(12);
    for (int i = 0; i < n && o.size() < max_options_bytes; ++i) {
      switch (U(10)) {
        case 0:
          o.insert(o.end(), U(P(0.1) ? 1500 : 8), 0);  // pads
          break;
        case 1:
        case 2: {
          static const std::vector<std::string> kVendor = {
              "PXEClient:Arch:00007:UNDI:003000",
              "PXEClient",
              "PXEClien",
              "HTTPClient:Arch:00016",
              "HTTPClient",
              "HTTPClien",
              "xPXEClient",
              "MSFT 5.0",
              "",
              "pxeclient"};
          std::string v = P(0.8) ? Pick(kVendor) : Bytes(U(40));
          Append(&o, Opt(60, v));
          break;
        }
        case 3:
        case 4: {
          static const std::vector<std::string> kUser = {
              "iPXE", "iPX", "gPXE", "xxiPXE", "iPXEiPXE", "IPXE", ""};
          std::string v = P(0.7) ? Pick(kUser) : Bytes(U(200));
          if (P(0.2)) v.insert(U(v.size() + 1), "iPXE");
          Append(&o, Opt(77, v));
          break;
        }
        case 5:
          if (P(0.3)) Append(&o, Opt(52, std::string(1, char(1 + U(3)))));
          break;
        case 6:
          if (P(0.3)) {
            o.push_back(255);
            if (P(0.5)) Append(&o, Opt(60, "PXEClient"));
          }
          break;
        default:
          Append(&o, Opt(uint8_t(1 + U(254)), Bytes(U(P(0.1) ? 255 : 20))));
      }
    }
    if (P(0.1) && !o.empty()) o.resize(U(o.size()));  // cut anywhere
    if (P(0.05)) o.push_back(uint8_t(1 + U(254)));    // code, no length
    if (P(0.5)) o.push_back(255);
    std::vector<uint8_t> p = BootRequest(o);
    if (P(0.05)) p[0] = uint8_t(U(4));
    if (P(0.05)) p[2] = uint8_t(14 + U(6));
    if (P(0.03)) p[236 + U(4)] ^= uint8_t(1 + U(255));
    if (P(0.03)) p.resize(U(p.size()));
    return p;
  }

  std::vector<uint8_t> Frame(size_t max_len) {
    static const std::vector<uint16_t> kPorts = {
        67, 67, 67, 68, 69, 4011, 32767, 32768, 40000, 60999, 61000, 53};
    static const std::vector<Ipv4Addr> kDst = {
        Ipv4Addr::FromOctets(198, 18, 0, 1), Ipv4Addr::Broadcast(),
        Ipv4Addr::FromOctets(198, 18, 0, 2), Ipv4Addr::Any()};
    PacketBuilder b;
    int tags = P(0.8) ? 0 : int(U(4));
    for (int i = 0; i < tags; ++i)
      b.Vlan(uint16_t(U(4096)), P(0.5) ? 0x8100 : 0x88a8);
    if (P(0.03)) b.EtherType(P(0.5) ? 0x86dd : 0x0806);
    if (P(0.1)) b.IpOptions(std::vector<uint8_t>(U(41), 1));
    if (P(0.03)) b.Fragment(P(0.5), uint16_t(U(2) * U(8192)));
    if (P(0.03)) b.IpProto(P(0.5) ? 6 : 1);
    if (P(0.03)) b.UdpLengthDelta(int(U(20)) - 10);
    const uint16_t dport = Pick(kPorts);
    b.Ipv4(Ipv4Addr::FromOctets(198, 18, 0, 152), Pick(kDst))
        .Udp(uint16_t(U(65536)), dport);
    const size_t room = max_len - 14 - 16 - 60 - 8 - 240;
    if (dport == 67 || P(0.2)) {
      b.Payload(Bootp(room));
    } else {
      b.Payload(Bytes(U(100)));
    }
    std::vector<uint8_t> f = b.Build();
    if (P(0.05)) f.resize(60 > f.size() ? 60 : f.size() + U(16), 0);  // padding
    if (f.size() > max_len) f.resize(max_len);
    return f;
  }

  // Flips, overwrites or cuts bytes of a real frame.
  std::vector<uint8_t> Mutate(std::vector<uint8_t> f) {
    const int n = 1 + U(4);
    for (int i = 0; i < n && !f.empty(); ++i) {
      switch (U(5)) {
        case 0:
          f[U(f.size())] = uint8_t(U(256));
          break;
        case 1: {  // header bytes, where decisions are made
          size_t at = U(std::min<size_t>(f.size(), 64));
          f[at] ^= uint8_t(1 << U(8));
          break;
        }
        case 2:  // options area
          if (f.size() > 282) f[282 + U(f.size() - 282)] = uint8_t(U(256));
          break;
        case 3:
          f.resize(std::max<size_t>(14, U(f.size() + 1)));
          break;
        default:
          if (f.size() > 282) {
            size_t at = 282 + U(f.size() - 282);
            f[at] = P(0.5) ? 60 : 77;
          }
      }
    }
    return f;
  }

 private:
  static void Append(std::vector<uint8_t>* o, const std::vector<uint8_t>& v) {
    o->insert(o->end(), v.begin(), v.end());
  }
  std::mt19937 rng_;
};

class XdpAgreementTest : public XdpTest {
 protected:
  void SetUp() override {
    XdpTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    max_len_ = t_->MaxFrameLen();
    ASSERT_GE(max_len_, 1514u);
  }

  // Runs every frame through both; fails with the first few disagreements.
  void Agree(const std::vector<std::vector<uint8_t>>& frames,
             const struct xdpxe_config& cfg) {
    ASSERT_TRUE(t_->SetConfig(cfg).ok());
    int bad = 0;
    for (const auto& f : frames) {
      auto r = t_->Run(f);
      ASSERT_TRUE(r.ok()) << r.status();
      const int want = ModelVerdict(f, cfg);
      seen_[want]++;
      if (r->stat != want || r->moved != 1) {
        if (++bad <= 5) {
          std::string hex;
          for (uint8_t b : f) hex += Hex(b);
          ADD_FAILURE() << "xdp " << StatName(r->stat) << " vs userspace "
                        << StatName(want) << " for " << f.size()
                        << "-byte frame " << hex;
        }
      }
    }
    EXPECT_EQ(bad, 0) << "disagreements out of " << frames.size();
  }

  static std::string Hex(uint8_t b) {
    char buf[3];
    std::snprintf(buf, sizeof(buf), "%02x", b);
    return buf;
  }

  size_t max_len_ = 0;
  std::map<int, int> seen_;
};

TEST_F(XdpAgreementTest, RandomFrames) {
  Gen g(20261203);
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < 6000; ++i) frames.push_back(g.Frame(max_len_));
  Agree(frames, CaptureConfig());
  // The generator reaches both sides of every boundary it aims at.
  for (int stat :
       {XDPXE_STAT_STEER_DHCP_PXE, XDPXE_STAT_STEER_DHCP_IPXE,
        XDPXE_STAT_STEER_PROXY, XDPXE_STAT_STEER_TFTP,
        XDPXE_STAT_STEER_TFTP_XFER, XDPXE_STAT_PASS_NOT_IPV4,
        XDPXE_STAT_PASS_NOT_UDP, XDPXE_STAT_PASS_FRAGMENT,
        XDPXE_STAT_PASS_MALFORMED, XDPXE_STAT_PASS_NOT_OURS,
        XDPXE_STAT_PASS_DHCP_ORDINARY, XDPXE_STAT_PASS_DHCP_NOT_REQUEST,
        XDPXE_STAT_PASS_DHCP_MALFORMED, XDPXE_STAT_PASS_DHCP_OVERLOAD}) {
    EXPECT_GE(seen_[stat], 10) << StatName(stat);
  }
}

TEST_F(XdpAgreementTest, MutatedCaptureFrames) {
  std::vector<std::vector<uint8_t>> base;
  for (const char* pcap :
       {"ovmf-x64-pxe-boot.pcap", "seabios-ipxe-boot.pcap",
        "ovmf-x64-ipxe-rom-boot.pcap", "aavmf-arm64-pxe-boot-head.pcap"}) {
    auto frames = ReadPcap(FixturePath(pcap));
    ASSERT_TRUE(frames.ok()) << frames.status();
    for (const auto& f : *frames) base.push_back(f.data);
  }
  ASSERT_GT(base.size(), 300u);
  Gen g(4011);
  std::vector<std::vector<uint8_t>> frames = base;  // unmutated, too
  for (int i = 0; i < 4000; ++i) frames.push_back(g.Mutate(g.Pick(base)));
  Agree(frames, CaptureConfig());
  EXPECT_GE(seen_[XDPXE_STAT_STEER_DHCP_PXE], 10);
  EXPECT_GE(seen_[XDPXE_STAT_STEER_DHCP_IPXE], 10);
  EXPECT_GE(seen_[XDPXE_STAT_PASS_DHCP_MALFORMED], 10);
}

TEST_F(XdpAgreementTest, RandomFramesUnderEveryConfig) {
  Gen g(67);
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < 1000; ++i) frames.push_back(g.Frame(max_len_));
  struct xdpxe_config cfg = CaptureConfig();
  for (uint32_t flags : {0u, uint32_t{XDPXE_F_PASS_DHCP},
                         uint32_t{XDPXE_F_PASS_ALL}, uint32_t{XDPXE_F_ALL}}) {
    cfg.flags = flags;
    Agree(frames, cfg);
  }
  cfg.flags = 0;
  cfg.server_ip = 0;
  Agree(frames, cfg);
  cfg = CaptureConfig();
  cfg.tftp_port_lo = 61000;
  cfg.tftp_port_hi = 65535;
  Agree(frames, cfg);
  EXPECT_GT(seen_[XDPXE_STAT_PASS_DHCP_CONFIG], 10);
  EXPECT_GT(seen_[XDPXE_STAT_PASS_DISABLED], 10);
}

}  // namespace
}  // namespace xdpxe::testing
