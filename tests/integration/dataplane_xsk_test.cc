// AF_XDP port over a veth in a namespace lab, independent of bpf/: a
// minimal redirect-every-frame XDP program (raw instructions, as libbpf's
// old built-in xsk program) feeds an XskPort whose handler echoes each
// datagram back through Reserve/Commit. A client thread in the other
// namespace checks every echo arrives intact, from the right source.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/lab/lab.h"
#include "tests/testing/packet_builder.h"
#include "userspace/io/uring_loop.h"
#include "userspace/io/xsk_port.h"

namespace xdpxe::io {
namespace {

// XDP: return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
int LoadRedirectAll(int map_fd) {
  bpf_insn insns[] = {
      {BPF_LDX | BPF_MEM | BPF_W, 2, 1, 16, 0},
      {BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd},
      {0, 0, 0, 0, 0},
      {BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, XDP_PASS},
      {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  return bpf_prog_load(BPF_PROG_TYPE_XDP, "xi_redirect", "GPL", insns,
                       sizeof(insns) / sizeof(insns[0]), nullptr);
}

class Echo : public DatagramHandler {
 public:
  void OnDatagram(const net::Datagram& d) override {
    if (d.vlan_id != 0) last_vlan = d.vlan_id;
    std::span<uint8_t> room = port->Reserve(d.payload.size());
    if (room.empty()) return;
    std::memcpy(room.data(), d.payload.data(), d.payload.size());
    port->Commit(d.dst, d.src, d.src_mac, d.payload.size());
  }
  XskPort* port = nullptr;
  int last_vlan = 0;
};

TEST(DataplaneXskTest, EchoesThroughUmemFramesInBatches) {
  if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
  auto lan = lab::Lan::Create(
      {.prefix = "xi-", .tag = "xsk", .hosts = {"srv", "cli"}});
  ASSERT_TRUE(lan.ok()) << lan.status();
  const lab::Host& srv = (*lan)->host("srv");
  const lab::Host& cli = (*lan)->host("cli");
  // The catch-all program would swallow ARP: pin the neighbour instead.
  ASSERT_TRUE(lab::ShOk(absl::StrCat("ip -n ", cli.netns, " neigh add ",
                                     srv.ip.ToString(), " lladdr ",
                                     srv.mac.ToString(), " dev ", cli.ifname))
                  .ok());

  auto in_srv = lab::ScopedNetns::Enter(srv.netns);
  ASSERT_TRUE(in_srv.ok()) << in_srv.status();
  int map_fd = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "xi_xsks", 4, 4, 4, nullptr);
  ASSERT_GE(map_fd, 0);
  int prog_fd = LoadRedirectAll(map_fd);
  ASSERT_GE(prog_fd, 0) << strerror(errno);
  int ifindex = static_cast<int>(if_nametoindex(srv.ifname.c_str()));
  ASSERT_EQ(bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, nullptr), 0);

  auto loop = UringLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status();
  Echo echo;
  XskPortOptions opts;
  opts.interface = srv.ifname;
  opts.bind_mode = XskBindMode::kCopy;
  auto port = XskPort::Open(loop->get(), opts, &echo);
  ASSERT_TRUE(port.ok()) << port.status();
  echo.port = port->get();
  EXPECT_FALSE((*port)->zero_copy());
  uint32_t key = 0;
  int xsk_fd = (*port)->fd();
  ASSERT_EQ(bpf_map_update_elem(map_fd, &key, &xsk_fd, BPF_ANY), 0);

  constexpr int kCount = 2000;
  std::atomic<int> echoed{0};
  std::atomic<bool> intact{true};
  std::thread client([&] {
    auto in_cli = lab::ScopedNetns::Enter(cli.netns);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    timeval tv{0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(4242);
    to.sin_addr.s_addr = srv.ip.ToNetworkOrder();
    std::set<int> seen;
    for (int sent = 0; sent < kCount;) {
      // Bursts of 100, then read the echoes back: exercises RX batches and
      // one TX kick per batch, bounded by the socket buffer.
      for (int i = 0; i < 100; ++i, ++sent) {
        std::string msg = "echo-" + std::to_string(sent);
        sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to),
               sizeof(to));
      }
      char buf[64];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n;
      while ((n = recvfrom(fd, buf, sizeof(buf), 0,
                           reinterpret_cast<sockaddr*>(&from), &len)) > 0) {
        if (from.sin_port != htons(4242) || std::string(buf, 5) != "echo-") {
          intact = false;
        }
        seen.insert(std::atoi(std::string(buf + 5, n - 5).c_str()));
        echoed = static_cast<int>(seen.size());
        if (echoed == sent) break;
      }
    }
    close(fd);
  });
  for (int i = 0; i < 3000 && echoed < kCount; ++i) {
    ASSERT_TRUE((*loop)
                    ->RunOnce(net::Clock::now() + std::chrono::milliseconds(5))
                    .ok());
    (*port)->Flush();
  }
  client.join();
  EXPECT_TRUE(intact);
  // veth copy mode may drop a few under a burst; nearly all must echo.
  EXPECT_GE(echoed, kCount * 95 / 100);
  const PortCounters& c = (*port)->counters();
  EXPECT_GE(c.rx_packets, static_cast<uint64_t>(echoed.load()));
  EXPECT_LT(c.rx_batches, c.rx_packets);  // batched, not one per packet
  // The catch-all program also hands us the fresh interfaces' IGMP
  // reports (not UDP: dropped and counted); no datagram was.
  EXPECT_LE(c.rx_dropped, 4u);

  // 802.1Q: a frame tagged VLAN 100 is echoed tagged VLAN 100 (the port
  // learned the client MAC's VLAN), seen by a raw socket on the client.
  // The bridge moves tags into skb metadata, where XDP cannot see them; the
  // LAN side of the server's veth puts them back inline when it may not
  // offload them (as a NIC with rx-vlan-offload off delivers them).
  {
    ASSERT_TRUE(
        lab::ShOk(absl::StrCat(
                      "for ns in $(ip netns list | awk '/^",
                      cli.netns.substr(0, cli.netns.size() - 3),
                      "lan/{print $1}'); do ip netns exec $ns ethtool -K srvp "
                      "txvlan off >/dev/null; done"))
            .ok());
    std::atomic<int> tag{-1};
    std::thread raw([&] {
      auto in_cli = lab::ScopedNetns::Enter(cli.netns);
      int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
      int one = 1;
      setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
      timeval tv{0, 100000};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      sockaddr_ll ll{};
      ll.sll_family = AF_PACKET;
      ll.sll_protocol = htons(ETH_P_ALL);
      ll.sll_ifindex = static_cast<int>(if_nametoindex(cli.ifname.c_str()));
      bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof(ll));
      std::vector<uint8_t> f = testing::PacketBuilder()
                                   .Eth(cli.mac, srv.mac)
                                   .Vlan(100)
                                   .Ipv4(cli.ip, srv.ip)
                                   .Udp(5555, 4242)
                                   .Payload("tagged")
                                   .Build();
      for (int i = 0; i < 30 && tag < 0; ++i) {
        send(fd, f.data(), f.size(), 0);
        for (int j = 0; j < 5 && tag < 0; ++j) {
          uint8_t buf[2048];
          alignas(cmsghdr) char ctrl[256];
          iovec iov{buf, sizeof(buf)};
          msghdr m{};
          m.msg_iov = &iov;
          m.msg_iovlen = 1;
          m.msg_control = ctrl;
          m.msg_controllen = sizeof(ctrl);
          ssize_t n = recvmsg(fd, &m, 0);
          if (n <= 0) break;
          // The echo: from the server's MAC, payload "tagged". The tag is
          // in the aux data (veth strips it on receive) or inline.
          if (std::memcmp(buf + 6, srv.mac.bytes.data(), 6) != 0) continue;
          if (std::string(reinterpret_cast<char*>(buf) + n - 6, 6) !=
              "tagged") {
            continue;
          }
          int t = 0;
          for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
              tpacket_auxdata aux;
              std::memcpy(&aux, CMSG_DATA(c), sizeof(aux));
              if (aux.tp_status & TP_STATUS_VLAN_VALID)
                t = aux.tp_vlan_tci & 0xfff;
            }
          }
          if (t == 0 && buf[12] == 0x81 && buf[13] == 0x00) {
            t = ((buf[14] << 8) | buf[15]) & 0xfff;
          }
          tag = t;
        }
      }
      close(fd);
    });
    for (int i = 0; i < 600 && tag < 0; ++i) {
      ASSERT_TRUE(
          (*loop)
              ->RunOnce(net::Clock::now() + std::chrono::milliseconds(5))
              .ok());
      (*port)->Flush();
    }
    raw.join();
    EXPECT_EQ(echo.last_vlan, 100);  // the XSK saw the tag
    EXPECT_EQ(tag, 100);             // and the reply carried it
  }

  // More sends than TX frames, without a Flush between them: when the pool
  // runs dry Reserve itself submits, kicks and reclaims completions, so
  // frames recycle instead of the sink reporting full.
  XskPort* x = port->get();
  EXPECT_TRUE(x->Reserve(4096).empty());  // larger than a frame's room
  const net::Endpoint from{srv.ip, 4242}, to{cli.ip, 9};  // discard port
  const uint64_t kicks = x->counters().tx_kicks;
  int committed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::span<uint8_t> room = x->Reserve(16);
    if (room.empty()) break;
    std::memset(room.data(), 'z', 16);
    x->Commit(from, to, cli.mac, 16);
    ++committed;
  }
  EXPECT_EQ(committed, 5000);
  EXPECT_GT(x->counters().tx_kicks, kicks);
  for (int i = 0; i < 100 && x->tx_frames_free() < 2048; ++i) {
    x->Flush();  // copy mode completes inside the kick; retry if busy
    usleep(1000);
  }
  EXPECT_EQ(x->tx_frames_free(), 2048u);  // every frame came back
  port->reset();
  loop->reset();
  bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, nullptr);
  close(prog_fd);
  close(map_fd);
}

// A server namespace of a two-host LAN, entered, for tests of one port's
// own behaviour (no XDP program: nothing is received).
class XskPortLabTest : public ::testing::Test {
 protected:
  void Enter(const char* tag) {
    if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
    auto lan = lab::Lan::Create(
        {.prefix = "xi-", .tag = tag, .hosts = {"srv", "cli"}});
    ASSERT_TRUE(lan.ok()) << lan.status();
    lan_ = std::move(*lan);
    auto in_srv = lab::ScopedNetns::Enter(srv().netns);
    ASSERT_TRUE(in_srv.ok()) << in_srv.status();
    in_srv_ = std::move(*in_srv);
  }
  const lab::Host& srv() const { return lan_->host("srv"); }
  const lab::Host& cli() const { return lan_->host("cli"); }
  XskPortOptions CopyMode() const {
    XskPortOptions opts;
    opts.interface = srv().ifname;
    opts.bind_mode = XskBindMode::kCopy;
    return opts;
  }
  // Queues `n` 16-byte datagrams to the client's discard port.
  void Queue(XskPort* x, int n) {
    const net::Endpoint from{srv().ip, 4242}, to{cli().ip, 9};
    for (int i = 0; i < n; ++i) {
      std::span<uint8_t> room = x->Reserve(16);
      ASSERT_FALSE(room.empty());
      std::memset(room.data(), 'q', 16);
      x->Commit(from, to, cli().mac, 16);
    }
  }
  // Flushes until every TX frame is back (copy mode completes inside the
  // kick; a busy one is retried), bounded at ~100 ms.
  static void FlushUntilAllComplete(XskPort* x) {
    for (int i = 0; i < 100 && x->tx_frames_free() < 2048; ++i) {
      x->Flush();
      usleep(1000);
    }
    EXPECT_EQ(x->tx_frames_free(), 2048u);
  }

  std::unique_ptr<lab::Lan> lan_;
  std::unique_ptr<lab::ScopedNetns> in_srv_;
  Echo none_;
};

// A queue held by another AF_XDP socket: Open waits busy_wait for it to
// free (as it does for a moment after a SIGKILLed server exits), then
// fails with one clear line. Freed within the wait, the port opens and
// works — its rings survive the failed binds in between.
TEST_F(XskPortLabTest, WaitsForABusyQueueThenSaysWhoHoldsIt) {
  ASSERT_NO_FATAL_FAILURE(Enter("xbusy"));
  if (IsSkipped()) return;
  auto loop_a = UringLoop::Create();
  auto loop_b = UringLoop::Create();
  ASSERT_TRUE(loop_a.ok() && loop_b.ok());
  auto holder = XskPort::Open(loop_a->get(), CopyMode(), &none_);
  ASSERT_TRUE(holder.ok()) << holder.status();

  XskPortOptions opts = CopyMode();
  opts.bind_mode = XskBindMode::kAuto;  // a zero-copy try, then copy
  opts.busy_wait = absl::Milliseconds(300);
  const auto t0 = std::chrono::steady_clock::now();
  auto refused = XskPort::Open(loop_b->get(), opts, &none_);
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists)
      << refused.status();
  EXPECT_NE(refused.status().message().find("another AF_XDP socket still "
                                            "holds the queue after 300ms"),
            std::string::npos)
      << refused.status();
  EXPECT_GE(waited, std::chrono::milliseconds(300));

  // The holder goes away while the next Open waits.
  opts.busy_wait = absl::Seconds(10);
  std::thread release([&] {
    usleep(200000);
    holder->reset();
  });
  auto port = XskPort::Open(loop_b->get(), opts, &none_);
  release.join();
  ASSERT_TRUE(port.ok()) << port.status();
  // Its rings work: frames go out and every one completes.
  ASSERT_NO_FATAL_FAILURE(Queue(port->get(), 100));
  FlushUntilAllComplete(port->get());
  EXPECT_EQ((*port)->counters().tx_packets, 100u);
  port->reset();
}

// An interface taken down under a port: the kick fails with ENETDOWN, the
// frames stay queued and counted, and FlushPending does not ask the
// worker to retry every millisecond; back up, the next Flush sends them.
TEST_F(XskPortLabTest, DownInterfaceKeepsFramesWithoutBusyRetries) {
  ASSERT_NO_FATAL_FAILURE(Enter("xdown"));
  if (IsSkipped()) return;
  auto loop = UringLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status();
  auto port = XskPort::Open(loop->get(), CopyMode(), &none_);
  ASSERT_TRUE(port.ok()) << port.status();
  XskPort* x = port->get();
  const std::string link =
      absl::StrCat("ip -n ", srv().netns, " link set ", srv().ifname);
  ASSERT_TRUE(lab::ShOk(link + " down").ok());

  ASSERT_NO_FATAL_FAILURE(Queue(x, 10));
  x->Flush();
  EXPECT_GE(x->counters().tx_errors, 1u);
  EXPECT_EQ(x->tx_frames_free(), 2048u - 10);  // still queued
  EXPECT_FALSE(x->FlushPending());

  ASSERT_TRUE(lab::ShOk(link + " up").ok());
  FlushUntilAllComplete(x);
  EXPECT_FALSE(x->FlushPending());
  port->reset();
}

}  // namespace
}  // namespace xdpxe::io
