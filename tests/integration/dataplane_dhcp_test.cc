// ProxyDHCP beside a real primary DHCP server, on both backends: dnsmasq
// (addresses only) in its own namespace on the same LAN as xdpxe. A PXE
// DISCOVER (the OVMF capture's, from the client's MAC) gets both offers —
// the address from dnsmasq, the boot server from xdpxe — and the 4011
// request gets the boot file; an ordinary client gets only dnsmasq's offer.
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/lab/serve_lab.h"
#include "tests/testing/fixtures.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/classify.h"
#include "userspace/net/frame.h"

namespace xdpxe {
namespace {

struct Reply {
  net::Ipv4Addr server_id;  // option 54
  net::Ipv4Addr yiaddr;
  std::string vendor_class;  // option 60
  std::string file;
};

std::optional<Reply> ParseReply(const uint8_t* p, size_t n, uint32_t xid) {
  if (n < 240 || p[0] != 2) return std::nullopt;
  uint32_t got_xid = (uint32_t{p[4]} << 24) | (p[5] << 16) | (p[6] << 8) | p[7];
  if (got_xid != xid) return std::nullopt;
  Reply r;
  r.yiaddr = net::Ipv4Addr::FromOctets(p[16], p[17], p[18], p[19]);
  r.file.assign(reinterpret_cast<const char*>(p + 108),
                strnlen(reinterpret_cast<const char*>(p + 108), 128));
  for (size_t i = 240; i + 1 < n && p[i] != 255;) {
    if (p[i] == 0) {
      ++i;
      continue;
    }
    uint8_t code = p[i], len = p[i + 1];
    if (i + 2 + len > n) break;
    const uint8_t* v = p + i + 2;
    if (code == 54 && len == 4) {
      r.server_id = net::Ipv4Addr::FromOctets(v[0], v[1], v[2], v[3]);
    }
    if (code == 60)
      r.vendor_class.assign(reinterpret_cast<const char*>(v), len);
    i += 2 + len;
  }
  return r;
}

// The capture's PXE DISCOVER and 4011 REQUEST payloads.
struct CapturedRequests {
  std::vector<uint8_t> discover;
  std::vector<uint8_t> request4011;
};
CapturedRequests FromOvmfCapture() {
  CapturedRequests c;
  auto frames = ReadPcap(testing::FixturePath("ovmf-x64-pxe-boot.pcap"));
  if (!frames.ok()) return c;
  for (const PcapFrame& f : *frames) {
    auto u = net::ParseUdpFrame(f.data);
    if (!u) continue;
    if (c.discover.empty() && u->dst_port == 67 &&
        dhcp::ClassifyBootRequest(u->payload) == dhcp::SteerClass::kPxe) {
      c.discover.assign(u->payload.begin(), u->payload.end());
    }
    if (c.request4011.empty() && u->dst_port == 4011) {
      c.request4011.assign(u->payload.begin(), u->payload.end());
    }
  }
  return c;
}

// Sends `payload` (chaddr and xid replaced) from the client namespace,
// from port `sport` to `to`, and collects replies for up to `wait`, or
// until `want` replies arrived.
std::vector<Reply> Exchange(const lab::Host& cli, std::vector<uint8_t> payload,
                            uint16_t sport, net::Endpoint to, uint32_t xid,
                            size_t want, std::chrono::milliseconds wait) {
  std::vector<Reply> out;
  auto in_cli = lab::ScopedNetns::Enter(cli.netns);
  if (!in_cli.ok()) return out;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cli.ifname.c_str(),
             static_cast<socklen_t>(cli.ifname.size()));
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_port = htons(sport);
  bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof(me));
  timeval tv{0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  payload[4] = xid >> 24, payload[5] = xid >> 16, payload[6] = xid >> 8;
  payload[7] = xid;
  payload[10] = 0x80;  // broadcast flag: replies to 255.255.255.255
  std::memcpy(&payload[28], cli.mac.bytes.data(), 6);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(to.port);
  dst.sin_addr.s_addr = to.addr.ToNetworkOrder();
  const auto end = std::chrono::steady_clock::now() + wait;
  auto next_send = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < end && out.size() < want) {
    if (std::chrono::steady_clock::now() >= next_send) {  // like firmware
      sendto(fd, payload.data(), payload.size(), 0,
             reinterpret_cast<sockaddr*>(&dst), sizeof(dst));
      next_send += std::chrono::seconds(1);
    }
    uint8_t buf[1500];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) continue;
    auto r = ParseReply(buf, static_cast<size_t>(n), xid);
    if (!r) continue;
    bool dup = false;
    for (const Reply& o : out) {
      dup |= o.server_id == r->server_id && o.yiaddr == r->yiaddr;
    }
    if (!dup) out.push_back(*r);
  }
  close(fd);
  return out;
}

class DataplaneDhcpTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
    auto l = lab::ServeLab::Create(std::string("d") + GetParam()[0], {"dhcp"});
    ASSERT_TRUE(l.ok()) << l.status();
    lab_ = std::move(*l);
    auto dnsmasq = lab::StartDnsmasq(lab_->host("dhcp"), lab_->dir());
    ASSERT_TRUE(dnsmasq.ok()) << dnsmasq.status();
    dnsmasq_ = std::move(*dnsmasq);
    ASSERT_TRUE(lab_->StartServer(GetParam(), {"--dhcp"}).ok())
        << lab_->ServerLog();
    reqs_ = FromOvmfCapture();
    ASSERT_FALSE(reqs_.discover.empty());
    ASSERT_FALSE(reqs_.request4011.empty());
  }
  void TearDown() override {
    if (lab_ && lab_->server().running()) {
      EXPECT_TRUE(lab_->StopServer().ok()) << lab_->ServerLog();
    }
  }
  std::unique_ptr<lab::ServeLab> lab_;
  lab::Process dnsmasq_;
  CapturedRequests reqs_;
};

TEST_P(DataplaneDhcpTest, PxeDiscoverGetsBothOffersAnd4011GetsTheFile) {
  const net::Ipv4Addr primary = lab_->host("dhcp").ip;
  const net::Ipv4Addr proxy = lab_->srv().ip;
  std::vector<Reply> offers = Exchange(lab_->cli(), reqs_.discover, 68,
                                       {net::Ipv4Addr::Broadcast(), 67},
                                       0x1a2b3c01, 2, std::chrono::seconds(6));
  ASSERT_EQ(offers.size(), 2u) << lab_->ServerLog() << dnsmasq_.ReadLog();
  const Reply* from_primary = nullptr;
  const Reply* from_proxy = nullptr;
  for (const Reply& r : offers) {
    if (r.server_id == primary) from_primary = &r;
    if (r.server_id == proxy) from_proxy = &r;
  }
  ASSERT_NE(from_primary, nullptr);
  ASSERT_NE(from_proxy, nullptr);
  EXPECT_FALSE(from_primary->yiaddr.IsAny());  // an address
  EXPECT_TRUE(from_proxy->yiaddr.IsAny());     // proxy: boot info only
  EXPECT_EQ(from_proxy->vendor_class, "PXEClient");

  // UEFI's second step: DHCPREQUEST to the proxy on 4011.
  std::vector<Reply> acks =
      Exchange(lab_->cli(), reqs_.request4011, 4011, {proxy, 4011}, 0x1a2b3c02,
               1, std::chrono::seconds(4));
  ASSERT_EQ(acks.size(), 1u) << lab_->ServerLog();
  EXPECT_EQ(acks[0].server_id, proxy);
  EXPECT_EQ(acks[0].file, "snp_x64.efi");
}

TEST_P(DataplaneDhcpTest, OrdinaryClientGetsOnlyThePrimarysOffer) {
  // A DISCOVER without any PXE mark: 53=1 and end.
  std::vector<uint8_t> plain(300, 0);
  plain[0] = 1, plain[1] = 1, plain[2] = 6;
  plain[236] = 99, plain[237] = 130, plain[238] = 83, plain[239] = 99;
  plain[240] = 53, plain[241] = 1, plain[242] = 1, plain[243] = 255;
  // Wait the full window: a proxy offer would come as fast as dnsmasq's.
  std::vector<Reply> offers =
      Exchange(lab_->cli(), plain, 68, {net::Ipv4Addr::Broadcast(), 67},
               0x1a2b3c03, 2, std::chrono::seconds(3));
  ASSERT_EQ(offers.size(), 1u) << lab_->ServerLog();
  EXPECT_EQ(offers[0].server_id, lab_->host("dhcp").ip);
  EXPECT_FALSE(offers[0].yiaddr.IsAny());
}

// DESIGN.md "primary DHCP server on the same host": dnsmasq in xdpxe's own
// namespace holds UDP 67. xdpxe notices, has XDP pass port 67 to the
// kernel (dnsmasq keeps every DISCOVER) and reads copies from AF_PACKET;
// both answer the PXE client.
TEST(DataplaneDhcpSameHostTest, BothServersAnswerThePxeClient) {
  if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
  auto l = lab::ServeLab::Create("dsame");
  ASSERT_TRUE(l.ok()) << l.status();
  auto& lab = *l;
  auto dnsmasq = lab::StartDnsmasq(lab->srv(), lab->dir());
  ASSERT_TRUE(dnsmasq.ok()) << dnsmasq.status();
  // dnsmasq must hold port 67 before xdpxe looks (bounded: 10 s).
  bool dnsmasq_bound = false;
  for (int i = 0; i < 500 && !dnsmasq_bound; ++i) {
    dnsmasq_bound =
        lab::Sh(lab->srv().Exec("ss -uln sport = :67")).out.find(":67") !=
        std::string::npos;
    if (!dnsmasq_bound) usleep(20000);
  }
  ASSERT_TRUE(dnsmasq_bound) << "dnsmasq did not bind port 67 in 10 s";
  ASSERT_TRUE(lab->StartServer("xdp", {"--dhcp"}).ok()) << lab->ServerLog();
  EXPECT_NE(lab->ServerLog().find("PXE requests read from AF_PACKET"),
            std::string::npos)
      << lab->ServerLog();
  CapturedRequests reqs = FromOvmfCapture();
  ASSERT_FALSE(reqs.discover.empty());
  std::vector<Reply> offers =
      Exchange(lab->cli(), reqs.discover, 68, {net::Ipv4Addr::Broadcast(), 67},
               0x1a2b3c11, 2, std::chrono::seconds(6));
  ASSERT_EQ(offers.size(), 2u) << lab->ServerLog() << dnsmasq->ReadLog();
  // Both replies name the same server address: tell them apart by yiaddr.
  int with_address = 0, proxy = 0;
  for (const Reply& r : offers) {
    EXPECT_EQ(r.server_id, lab->srv().ip);
    if (r.yiaddr.IsAny() && r.vendor_class == "PXEClient") ++proxy;
    if (!r.yiaddr.IsAny()) ++with_address;
  }
  EXPECT_EQ(with_address, 1);
  EXPECT_EQ(proxy, 1);
  std::vector<Reply> acks =
      Exchange(lab->cli(), reqs.request4011, 4011, {lab->srv().ip, 4011},
               0x1a2b3c12, 1, std::chrono::seconds(4));
  ASSERT_EQ(acks.size(), 1u) << lab->ServerLog();
  EXPECT_EQ(acks[0].file, "snp_x64.efi");
  EXPECT_TRUE(lab->StopServer().ok()) << lab->ServerLog();
}

INSTANTIATE_TEST_SUITE_P(Backends, DataplaneDhcpTest,
                         ::testing::Values("socket", "xdp"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace xdpxe
