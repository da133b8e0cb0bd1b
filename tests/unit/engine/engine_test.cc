// Tests engine::Engine with a fake sink and clock: routing by port (67/4011
// to ProxyDHCP, 69 and the transfer range to TFTP, the rest dropped and
// counted), a real PXE DISCOVER from the OVMF capture, a TFTP transfer
// through timers, reload with a transfer running, boot events.
#include "userspace/engine/engine.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fake_sink.h"
#include "tests/testing/fixtures.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/classify.h"
#include "userspace/net/frame.h"

namespace xdpxe::engine {
namespace {

using testing::FakeClock;
using testing::FakeSink;

const net::Ipv4Addr kServer = net::Ipv4Addr::FromOctets(198, 18, 20, 1);
const net::Endpoint kClient{net::Ipv4Addr::FromOctets(198, 18, 20, 50), 2000};
const net::MacAddr kClientMac{{0x52, 0x54, 0x00, 0x20, 0x00, 0x50}};

class Recorder : public EventListener {
 public:
  void OnDhcpReply(const net::Datagram&, const dhcp::ReplyInfo& info) override {
    dhcp_macs.push_back(info.client_mac);
  }
  void OnTransferEvent(const tftp::TransferEvent& e) override {
    kinds.push_back(e.kind);
  }
  void OnDhcpNoReply(const net::Datagram&,
                     const dhcp::ReplyInfo& info) override {
    no_replies.push_back(info);
  }
  std::vector<net::MacAddr> dhcp_macs;
  std::vector<dhcp::ReplyInfo> no_replies;
  std::vector<tftp::TransferEventKind> kinds;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xdpxe-engine-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::ofstream(root_ + "/boot.bin") << std::string(1300, 'b');
    auto files = tftp::FileStore::Open(root_);
    ASSERT_TRUE(files.ok()) << files.status();
    files_ = *files;
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }
  EngineConfig Config(bool dhcp = true) {
    EngineConfig c;
    if (dhcp) {
      auto d = std::make_shared<dhcp::ResponderConfig>();
      d->server_ip = kServer;
      c.dhcp = d;
    }
    c.tftp.server_ip = kServer;
    return c;
  }
  static net::Datagram Dgram(uint16_t dst_port,
                             const std::vector<uint8_t>& payload,
                             net::Endpoint src = kClient) {
    net::Datagram d;
    d.src = src;
    d.dst = {kServer, dst_port};
    d.src_mac = kClientMac;
    d.payload = payload;
    return d;
  }
  static std::vector<uint8_t> Rrq(const std::string& file) {
    std::vector<uint8_t> p = {0, 1};
    for (char c : file) p.push_back(static_cast<uint8_t>(c));
    p.push_back(0);
    for (char c : std::string("octet")) p.push_back(static_cast<uint8_t>(c));
    p.push_back(0);
    return p;
  }
  // The OVMF capture's first PXE DISCOVER (the frame is kept alive here).
  std::optional<net::UdpFrame> FirstPxeDiscover() {
    auto frames = ReadPcap(testing::FixturePath("ovmf-x64-pxe-boot.pcap"));
    if (!frames.ok()) return std::nullopt;
    frames_ = *std::move(frames);
    for (const PcapFrame& f : frames_) {
      auto u = net::ParseUdpFrame(f.data);
      if (u && u->dst_port == 67 &&
          dhcp::ClassifyBootRequest(u->payload) == dhcp::SteerClass::kPxe) {
        return u;
      }
    }
    return std::nullopt;
  }
  static std::vector<uint8_t> Ack(uint16_t block) {
    return {0, 4, static_cast<uint8_t>(block >> 8),
            static_cast<uint8_t>(block)};
  }

  std::string root_;
  std::vector<PcapFrame> frames_;
  std::shared_ptr<tftp::FileStore> files_;
  FakeSink sink_;
  FakeClock clock_;
  Recorder events_;
};

TEST_F(EngineTest, PxeDiscoverFromTheOvmfCaptureGetsAProxyOffer) {
  std::optional<net::UdpFrame> discover = FirstPxeDiscover();
  ASSERT_TRUE(discover.has_value()) << "no PXE DISCOVER in the capture";
  Engine engine(Config(), files_, &events_);
  net::Datagram d;
  d.src = {discover->src_ip, discover->src_port};
  d.dst = {discover->dst_ip, discover->dst_port};
  d.src_mac = discover->src_mac;
  d.payload = discover->payload;
  engine.OnDatagram(d, clock_.now(), sink_);

  ASSERT_EQ(sink_.sent().size(), 1u);
  const testing::SentDatagram& offer = sink_.sent()[0];
  EXPECT_EQ(offer.from, (net::Endpoint{kServer, 67}));
  EXPECT_EQ(offer.to.port, 68);
  ASSERT_GE(offer.payload.size(), 240u);
  EXPECT_EQ(offer.payload[0], 2);  // BOOTREPLY
  Counters c = engine.counters();
  EXPECT_EQ(c[Counter::kDhcp], 1u);
  EXPECT_EQ(c[Counter::kDhcpReplies], 1u);
  EXPECT_EQ(c.dhcp_verdicts[size_t(dhcp::Verdict::kReplied)], 1u);
  ASSERT_EQ(events_.dhcp_macs.size(), 1u);
  EXPECT_EQ(events_.dhcp_macs[0], discover->src_mac);
}

// An x64 UEFI client when no x64 boot file is configured: no reply, and the
// operator hears of it through the boot log (OnDhcpNoReply), with the arch.
TEST_F(EngineTest, PxeClientWithNoBootFileIsReportedNotAnswered) {
  std::optional<net::UdpFrame> discover = FirstPxeDiscover();
  ASSERT_TRUE(discover.has_value());
  EngineConfig cfg = Config();
  auto d = std::make_shared<dhcp::ResponderConfig>(*cfg.dhcp);
  d->boot.files.efi_x64 = "";
  cfg.dhcp = d;
  Engine engine(cfg, files_, &events_);
  engine.OnDatagram(net::ToDatagram(*discover), clock_.now(), sink_);
  EXPECT_TRUE(sink_.sent().empty());
  ASSERT_EQ(events_.no_replies.size(), 1u);
  EXPECT_EQ(events_.no_replies[0].verdict, dhcp::Verdict::kNoBootFile);
  EXPECT_EQ(events_.no_replies[0].client_mac, discover->src_mac);
  EXPECT_EQ(events_.no_replies[0].arch, 7);
  EXPECT_TRUE(events_.dhcp_macs.empty());
}

TEST_F(EngineTest, OrdinaryDhcpOnPort67IsCountedNotAnswered) {
  Engine engine(Config(), files_, &events_);
  std::vector<uint8_t> bootp(300, 0);
  bootp[0] = 1;  // BOOTREQUEST without PXE marks
  bootp[1] = 1;
  bootp[2] = 6;
  bootp[236] = 99, bootp[237] = 130, bootp[238] = 83, bootp[239] = 99;
  bootp[240] = 53, bootp[241] = 1, bootp[242] = 1, bootp[243] = 255;
  engine.OnDatagram(Dgram(67, bootp, {net::Ipv4Addr::Any(), 68}), clock_.now(),
                    sink_);
  EXPECT_TRUE(sink_.sent().empty());
  Counters c = engine.counters();
  EXPECT_EQ(c[Counter::kDhcp], 1u);
  EXPECT_EQ(c[Counter::kDhcpReplies], 0u);
  EXPECT_EQ(c.dhcp_verdicts[size_t(dhcp::Verdict::kNotPxe)], 1u);
}

TEST_F(EngineTest, TftpRrqStartsATransferThatTimersDrive) {
  Engine engine(Config(), files_, &events_);
  EXPECT_EQ(engine.NextDeadline(), net::Time::max());
  engine.OnDatagram(Dgram(69, Rrq("boot.bin")), clock_.now(), sink_);
  ASSERT_EQ(sink_.sent().size(), 1u);
  testing::SentDatagram data = sink_.Take()[0];
  EXPECT_EQ(data.to, kClient);
  EXPECT_EQ(data.mac, kClientMac);
  EXPECT_GE(data.from.port, 61000);  // the transfer's own TID port
  ASSERT_GE(data.payload.size(), 4u);
  EXPECT_EQ(data.payload[1], 3);  // DATA
  EXPECT_EQ(data.payload[3], 1);  // block 1
  EXPECT_EQ(data.payload.size(), 4u + 512);
  EXPECT_EQ(engine.active_transfers(), 1u);
  EXPECT_NE(engine.NextDeadline(), net::Time::max());

  // No ACK: the retransmit timer resends block 1.
  clock_.Advance(std::chrono::seconds(2));
  ASSERT_GE(clock_.now(), engine.NextDeadline());
  engine.OnTick(clock_.now(), sink_);
  ASSERT_EQ(sink_.sent().size(), 1u);
  EXPECT_EQ(sink_.Take()[0].payload[3], 1);

  // ACKs to the transfer port run it to the end (1300 = 512+512+276).
  for (uint16_t b = 1; b <= 3; ++b) {
    engine.OnDatagram(Dgram(data.from.port, Ack(b)), clock_.now(), sink_);
  }
  EXPECT_EQ(engine.active_transfers(), 0u);
  Counters c = engine.counters();
  EXPECT_EQ(c[Counter::kTftp], 4u);
  EXPECT_GE(c[Counter::kTicks], 1u);
  ASSERT_EQ(events_.kinds.size(), 2u);
  EXPECT_EQ(events_.kinds[0], tftp::TransferEventKind::kStarted);
  EXPECT_EQ(events_.kinds[1], tftp::TransferEventKind::kDone);
}

TEST_F(EngineTest, OtherPortsAreDroppedAndCounted) {
  Engine engine(Config(), files_, &events_);
  for (uint16_t port : {53, 68, 80, 4012, 60999}) {
    engine.OnDatagram(Dgram(port, {1, 2, 3}), clock_.now(), sink_);
  }
  EXPECT_TRUE(sink_.sent().empty());
  EXPECT_EQ(engine.counters()[Counter::kDroppedPort], 5u);
  EXPECT_EQ(engine.counters()[Counter::kRxDatagrams], 5u);
}

TEST_F(EngineTest, WithoutProxyDhcpDhcpIsCountedAndTftpStillServes) {
  Engine engine(Config(/*dhcp=*/false), files_, &events_);
  engine.OnDatagram(Dgram(4011, std::vector<uint8_t>(300, 0)), clock_.now(),
                    sink_);
  EXPECT_TRUE(sink_.sent().empty());
  EXPECT_EQ(engine.counters()[Counter::kDhcpDisabled], 1u);
  engine.OnDatagram(Dgram(69, Rrq("boot.bin")), clock_.now(), sink_);
  EXPECT_EQ(sink_.sent().size(), 1u);
}

TEST_F(EngineTest, ReloadKeepsTheRunningTransfer) {
  Engine engine(Config(), files_, &events_);
  engine.OnDatagram(Dgram(69, Rrq("boot.bin")), clock_.now(), sink_);
  const uint16_t tid = sink_.Take()[0].from.port;

  EngineConfig next = Config(/*dhcp=*/false);
  next.tftp.port_lo = 62000;
  next.tftp.port_hi = 62999;
  ASSERT_TRUE(engine.Reload(next).ok());
  // The old transfer still answers on its old port...
  engine.OnDatagram(Dgram(tid, Ack(1)), clock_.now(), sink_);
  ASSERT_EQ(sink_.sent().size(), 1u);
  EXPECT_EQ(sink_.Take()[0].payload[3], 2);
  // ...new transfers use the new range, ProxyDHCP is now off.
  engine.OnDatagram(Dgram(69, Rrq("boot.bin"), {kClient.addr, 2001}),
                    clock_.now(), sink_);
  ASSERT_EQ(sink_.sent().size(), 1u);
  EXPECT_GE(sink_.sent()[0].from.port, 62000);
  EXPECT_LE(sink_.sent()[0].from.port, 62999);
  engine.OnDatagram(Dgram(67, std::vector<uint8_t>(300, 0)), clock_.now(),
                    sink_);
  EXPECT_EQ(engine.counters()[Counter::kDhcpDisabled], 1u);

  EngineConfig bad = Config();
  bad.tftp.port_lo = 5000;
  bad.tftp.port_hi = 4000;
  EXPECT_FALSE(engine.Reload(bad).ok());
}

TEST_F(EngineTest, TxFullDropsAndTheTimerRecovers) {
  Engine engine(Config(), files_, &events_);
  sink_.set_full(true);
  engine.OnDatagram(Dgram(69, Rrq("boot.bin")), clock_.now(), sink_);
  EXPECT_TRUE(sink_.sent().empty());
  sink_.set_full(false);
  clock_.Advance(std::chrono::seconds(2));
  engine.OnTick(clock_.now(), sink_);
  ASSERT_EQ(sink_.sent().size(), 1u);
  EXPECT_EQ(sink_.sent()[0].payload[1], 3);
}

}  // namespace
}  // namespace xdpxe::engine
