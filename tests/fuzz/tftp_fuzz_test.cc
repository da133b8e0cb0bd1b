// Deterministic mutation fuzzing of the TFTP side: the captures' RRQs and
// synthesized ACK/ERROR/DATA/OACK packets, mutated (seeded: bit flips,
// truncation, NUL insertion, option splicing), through the codec and
// through tftp::Server on port 69 and on live transfer ports, checking
// invariants rather than fixed outputs:
//   - ParseRequest accepts only a non-empty, NUL-free name and a known
//     mode, and what it accepts rebuilds to a request that parses the same;
//   - every datagram the server sends is an OACK, DATA or ERROR, goes to
//     the sender or to the transfer's client, never answers an ERROR, and
//     a DATA payload never exceeds the negotiated (MTU-capped) blksize;
//   - the table never exceeds its limits, and once the clock runs far
//     ahead every transfer has expired and no timer is left.
// Bounded by iteration count; a time limit is only a safety stop for slow
// sanitizer builds and never fails the test.
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/unit/tftp/tftp_test_util.h"
#include "userspace/common/pcap_file.h"
#include "userspace/net/frame.h"
#include "userspace/tftp/packet.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kSafetyStop = std::chrono::seconds(40);

std::vector<std::vector<uint8_t>> Seeds() {
  std::vector<std::vector<uint8_t>> seeds;
  for (const char* pcap : {"ovmf-x64-pxe-boot.pcap", "seabios-ipxe-boot.pcap",
                           "ovmf-x64-ipxe-rom-boot.pcap"}) {
    auto frames = ReadPcap(xdpxe::testing::FixturePath(pcap));
    if (!frames.ok()) continue;
    for (const PcapFrame& f : *frames) {
      auto udp = net::ParseUdpFrame(f.data, nullptr);
      if (udp && (udp->dst_port == 69 || PeekOpcode(udp->payload))) {
        if (udp->src_port == 67 || udp->src_port == 68 ||
            udp->src_port == 4011) {
          continue;
        }
        seeds.emplace_back(udp->payload.begin(), udp->payload.end());
      }
    }
  }
  seeds.push_back(testing::Rrq("f.bin", {{"blksize", "8"},
                                         {"windowsize", "3"},
                                         {"timeout", "1"},
                                         {"tsize", "0"}}));
  seeds.push_back(testing::Rrq("sub\\f.bin", {}, "netascii"));
  seeds.push_back(testing::Ack(0));
  seeds.push_back(testing::Ack(1));
  seeds.push_back(testing::Error(ErrorCode::kOptionRefused, "abort"));
  return seeds;
}

std::vector<uint8_t> Mutate(std::vector<uint8_t> p, std::mt19937& rng) {
  int n = 1 + int(rng() % 4);
  for (int i = 0; i < n; ++i) {
    switch (rng() % 7) {
      case 0:
        if (!p.empty()) p[rng() % p.size()] ^= uint8_t(1u << (rng() % 8));
        break;
      case 1:
        if (!p.empty()) p.resize(rng() % p.size());
        break;
      case 2:
        p.insert(p.begin() + (p.empty() ? 0 : rng() % p.size()), 0);
        break;
      case 3:
        if (!p.empty()) p[rng() % p.size()] = uint8_t(rng());
        break;
      case 4: {  // splice an option
        static const char* names[] = {"blksize", "TSIZE", "windowsize",
                                      "timeout", "x"};
        static const char* values[] = {"0",    "8",  "65464", "99999", "",
                                       "1468", "-1", "255",   "4"};
        std::string o =
            std::string(names[rng() % 5]) + '\0' + values[rng() % 9] + '\0';
        p.insert(p.end(), o.begin(), o.end());
        break;
      }
      case 5:
        if (p.size() >= 2) p[1] = uint8_t(rng() % 8);  // opcode
        break;
      case 6:
        if (p.size() >= 4) {  // block number
          p[2] = uint8_t(rng());
          p[3] = uint8_t(rng() % 4);
        }
        break;
    }
  }
  return p;
}

TEST(TftpFuzzTest, CodecInvariants) {
  auto seeds = Seeds();
  ASSERT_GE(seeds.size(), 5u);
  std::mt19937 rng(1);
  const auto start = SteadyClock::now();
  for (int i = 0; i < 30000 && SteadyClock::now() - start < kSafetyStop; ++i) {
    std::vector<uint8_t> p = Mutate(seeds[rng() % seeds.size()], rng);
    Request r;
    RequestParse res = ParseRequest(p, &r);
    if (res == RequestParse::kOk) {
      ASSERT_FALSE(r.filename.empty());
      ASSERT_EQ(r.filename.find('\0'), std::string_view::npos);
      std::vector<uint8_t> again(p.size() + 64);
      again.resize(BuildRequest(again, r.opcode, r.filename,
                                r.mode == Mode::kOctet ? "octet" : "netascii"));
      Request r2;
      ASSERT_EQ(ParseRequest(again, &r2), RequestParse::kOk);
      ASSERT_EQ(r2.filename, r.filename);
      ASSERT_EQ(r2.mode, r.mode);
    }
    ParseData(p);
    ParseAck(p);
    ParseOack(p);
    if (auto e = ParseError(p)) {
      ASSERT_EQ(e->message.find('\0'), std::string_view::npos);
    }
  }
}

TEST(TftpFuzzTest, ServerInvariants) {
  testing::TempDir root;
  root.Write("f.bin", testing::RandomContent(3000, 1));
  root.Write("sub/f.bin", "line\nline\r\n");
  root.Write("snp_x64.efi", testing::RandomContent(20000, 2));
  root.Write("autoexec.ipxe", "#!ipxe\nchain http://x/\n");
  auto store = FileStore::Open(root.path());
  ASSERT_TRUE(store.ok());
  auto seeds = Seeds();
  std::mt19937 rng(2);
  const auto start = SteadyClock::now();
  for (int round = 0; round < 300 && SteadyClock::now() - start < kSafetyStop;
       ++round) {
    ServerConfig cfg;
    cfg.server_ip = testing::kServerIp;
    cfg.port_lo = 62000;
    cfg.port_hi = 62000 + uint16_t(rng() % 8);
    cfg.mtu = uint16_t(576 + rng() % 1000);
    cfg.max_transfers = 1 + rng() % 6;
    cfg.max_per_client = 1 + rng() % 3;
    cfg.retransmit_timeout = milliseconds(50 + rng() % 500);
    cfg.max_retries = uint8_t(rng() % 4);
    cfg.idle_timeout = milliseconds(1000 + rng() % 4000);
    Server server(cfg, *store);
    xdpxe::testing::FakeSink sink;
    xdpxe::testing::FakeClock clock;
    for (int step = 0; step < 200; ++step) {
      std::vector<uint8_t> p = Mutate(seeds[rng() % seeds.size()], rng);
      if (rng() % 3 == 0) p = seeds[rng() % seeds.size()];  // valid ones too
      net::Endpoint from{testing::kClientIp, uint16_t(2000 + rng() % 4)};
      if (rng() % 8 == 0) from.addr = net::Ipv4Addr::FromOctets(198, 18, 0, 9);
      uint16_t port = rng() % 3 == 0 ? 69 : uint16_t(cfg.port_lo + rng() % 9);
      bool was_error = PeekOpcode(p) == Opcode::kError;
      server.OnDatagram(testing::Dgram(from, {testing::kServerIp, port}, p),
                        clock.now(), sink);
      for (const auto& s : sink.Take()) {
        std::optional<Opcode> op = PeekOpcode(s.payload);
        ASSERT_TRUE(op == Opcode::kOack || op == Opcode::kData ||
                    op == Opcode::kError);
        ASSERT_FALSE(was_error && op == Opcode::kError && s.to == from);
        if (op == Opcode::kData) {
          ASSERT_LE(s.payload.size(), size_t(cfg.mtu) - 28);
        }
      }
      ASSERT_LE(server.active_transfers(), cfg.max_transfers);
      clock.Advance(milliseconds(rng() % 300));
      if (server.NextDeadline() <= clock.now()) {
        server.OnTick(clock.now(), sink);
        for (const auto& s : sink.Take()) {
          ASSERT_TRUE(PeekOpcode(s.payload).has_value());
        }
      }
    }
    clock.Advance(std::chrono::hours(1));
    server.OnTick(clock.now(), sink);
    ASSERT_EQ(server.active_transfers(), 0u);
    ASSERT_EQ(server.NextDeadline(), net::Time::max());
  }
}

}  // namespace
}  // namespace xdpxe::tftp
