// Tests io::UdpPort on loopback (no root): multishot receive with the
// provided-buffer ring, IP_PKTINFO destination, sends from the right port,
// lazily opened transfer ports, TX slot exhaustion.
#include "userspace/io/udp_port.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "gtest/gtest.h"

namespace xdpxe::io {
namespace {

const net::Ipv4Addr kLo = net::Ipv4Addr::FromOctets(127, 0, 0, 1);

uint16_t FreeUdpPort() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  close(fd);
  return ntohs(sin.sin_port);
}

// A client socket with a receive timeout so a broken port fails the test
// instead of hanging it.
class Client {
 public:
  Client() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
    socklen_t len = sizeof(sin);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    port_ = ntohs(sin.sin_port);
  }
  ~Client() { close(fd_); }
  void SendTo(uint16_t port, const std::string& s) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd_, s.data(), s.size(), 0, reinterpret_cast<sockaddr*>(&to),
           sizeof(to));
  }
  // Returns "" on timeout; *from_port receives the sender's port.
  std::string Recv(uint16_t* from_port) {
    char buf[2048];
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0,
                         reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return "";
    *from_port = ntohs(from.sin_port);
    return std::string(buf, static_cast<size_t>(n));
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class Collect : public DatagramHandler {
 public:
  void OnDatagram(const net::Datagram& d) override {
    got.push_back(d);
    payloads.emplace_back(d.payload.begin(), d.payload.end());
  }
  std::vector<net::Datagram> got;
  std::vector<std::string> payloads;
};

class UdpPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = UringLoop::Create();
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = std::move(*loop);
  }
  // Runs the loop until `pred` holds, at most 200 rounds of 10 ms.
  template <typename P>
  bool RunUntil(P pred) {
    for (int i = 0; i < 200 && !pred(); ++i) {
      if (!loop_->RunOnce(net::Clock::now() + std::chrono::milliseconds(10))
               .ok()) {
        return false;
      }
    }
    return pred();
  }
  std::unique_ptr<UringLoop> loop_;
  Collect rx_;
};

TEST_F(UdpPortTest, ReceivesWithDestinationAndRepliesFromThePort) {
  uint16_t p = FreeUdpPort();
  auto port = UdpPort::Open(loop_.get(), {.interface = "", .ports = {p}}, &rx_);
  ASSERT_TRUE(port.ok()) << port.status();
  Client c;
  for (int i = 0; i < 5; ++i) c.SendTo(p, "hello" + std::to_string(i));
  ASSERT_TRUE(RunUntil([&] { return rx_.got.size() == 5; }));
  EXPECT_EQ(rx_.payloads[4], "hello4");
  EXPECT_EQ(rx_.got[0].src, (net::Endpoint{kLo, c.port()}));
  EXPECT_EQ(rx_.got[0].dst, (net::Endpoint{kLo, p}));

  std::span<uint8_t> room = (*port)->Reserve(4);
  ASSERT_EQ(room.size(), 4u);
  std::memcpy(room.data(), "pong", 4);
  (*port)->Commit({kLo, p}, {kLo, c.port()}, net::MacAddr{}, 4);
  ASSERT_TRUE(RunUntil([&] { return (*port)->counters().tx_packets == 1; }));
  uint16_t from = 0;
  EXPECT_EQ(c.Recv(&from), "pong");
  EXPECT_EQ(from, p);
  EXPECT_EQ((*port)->counters().rx_packets, 5u);
}

TEST_F(UdpPortTest, OpensATransferPortOnFirstSendAndKeepsIt) {
  uint16_t p = FreeUdpPort();
  uint16_t t = FreeUdpPort();
  auto port = UdpPort::Open(
      loop_.get(), {.interface = "", .ports = {p}, .lazy_lo = t, .lazy_hi = t},
      &rx_);
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ((*port)->open_sockets(), 1u);
  Client c;
  auto room = (*port)->Reserve(3);
  std::memcpy(room.data(), "abc", 3);
  (*port)->Commit({kLo, t}, {kLo, c.port()}, net::MacAddr{}, 3);
  EXPECT_EQ((*port)->open_sockets(), 2u);
  ASSERT_TRUE(RunUntil([&] { return (*port)->counters().tx_packets == 1; }));
  uint16_t from = 0;
  EXPECT_EQ(c.Recv(&from), "abc");
  EXPECT_EQ(from, t);
  // The client answers the transfer port: it is armed for receive.
  c.SendTo(t, "ack");
  ASSERT_TRUE(RunUntil([&] { return rx_.got.size() == 1; }));
  EXPECT_EQ(rx_.got[0].dst.port, t);
  // A port outside both sets cannot be sent from.
  room = (*port)->Reserve(1);
  (*port)->Commit({kLo, static_cast<uint16_t>(t ^ 1)}, {kLo, c.port()},
                  net::MacAddr{}, 1);
  EXPECT_EQ((*port)->counters().tx_errors, 1u);
}

TEST_F(UdpPortTest, RunsOutOfTxSlotsUntilCompletionsReturnThem) {
  uint16_t p = FreeUdpPort();
  auto port = UdpPort::Open(
      loop_.get(), {.interface = "", .ports = {p}, .tx_slots = 1}, &rx_);
  ASSERT_TRUE(port.ok()) << port.status();
  Client c;
  ASSERT_FALSE((*port)->Reserve(1).empty());
  ASSERT_FALSE((*port)->Reserve(1).empty());  // same slot, not committed
  (*port)->Commit({kLo, p}, {kLo, c.port()}, net::MacAddr{}, 1);
  EXPECT_TRUE((*port)->Reserve(1).empty());
  EXPECT_EQ((*port)->counters().tx_no_room, 1u);
  ASSERT_TRUE(RunUntil([&] { return (*port)->tx_slots_free() == 1; }));
  EXPECT_FALSE((*port)->Reserve(1).empty());
  EXPECT_TRUE((*port)->Reserve(4096).empty());  // larger than a slot
}

TEST_F(UdpPortTest, PortInUseIsOneClearError) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin));
  socklen_t len = sizeof(sin);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  uint16_t p = ntohs(sin.sin_port);
  auto port = UdpPort::Open(loop_.get(), {.interface = "", .ports = {p}}, &rx_);
  close(fd);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(port.status().message().find(std::to_string(p)), std::string::npos);
}

TEST_F(UdpPortTest, ManyDatagramsRecycleTheBufferRing) {
  uint16_t p = FreeUdpPort();
  auto port = UdpPort::Open(
      loop_.get(), {.interface = "", .ports = {p}, .rx_buffers = 8}, &rx_);
  ASSERT_TRUE(port.ok()) << port.status();
  Client c;
  size_t sent = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 4; ++i, ++sent) c.SendTo(p, "x");
    ASSERT_TRUE(RunUntil([&] { return rx_.got.size() == sent; })) << round;
  }
  EXPECT_EQ(rx_.got.size(), 80u);
}

}  // namespace
}  // namespace xdpxe::io
