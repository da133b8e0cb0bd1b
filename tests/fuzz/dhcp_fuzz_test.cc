// Deterministic mutation fuzzing of the DHCP side: the captures' client
// requests, mutated (seeded, structure-aware: option codes and lengths,
// overload, truncation, splicing), through ClassifyBootRequest,
// ParseMessage, Describe and ProxyResponder::Handle, checking invariants
// rather than fixed outputs:
//   - the codec never rejects a steered message (classifier contract);
//   - a reply is sent only with verdict kReplied, parses, answers the same
//     xid and chaddr, is a BOOTREPLY, fits the reservation, and goes to one
//     of the four legal destinations;
//   - builder output for random option sets parses back to the same data.
// Bounded by iteration count (deterministic); a time limit is only a
// safety stop for slow sanitizer builds and never fails the test.
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fake_sink.h"
#include "tests/testing/fixtures.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/classify.h"
#include "userspace/dhcp/message.h"
#include "userspace/dhcp/responder.h"
#include "userspace/net/frame.h"

namespace xdpxe::dhcp {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSafetyStop = std::chrono::seconds(8);

std::vector<std::vector<uint8_t>> Corpus() {
  std::vector<std::vector<uint8_t>> out;
  for (const char* f :
       {"ovmf-x64-pxe-boot.pcap", "seabios-ipxe-boot.pcap",
        "ovmf-x64-ipxe-rom-boot.pcap", "aavmf-arm64-pxe-boot-head.pcap"}) {
    auto frames = ReadPcap(xdpxe::testing::FixturePath(f));
    EXPECT_TRUE(frames.ok()) << frames.status();
    if (!frames.ok()) continue;
    for (const auto& fr : *frames) {
      auto u = net::ParseUdpFrame(fr.data);
      if (u && (u->dst_port == 67 || u->dst_port == 4011)) {
        out.emplace_back(u->payload.begin(), u->payload.end());
      }
    }
  }
  return out;
}

// Offsets of the option code bytes of p's options field (best effort).
std::vector<size_t> OptionOffsets(const std::vector<uint8_t>& p) {
  std::vector<size_t> offs;
  size_t off = kOffOptions;
  while (off + 1 < p.size() && p[off] != opt::kEnd) {
    if (p[off] == opt::kPad) {
      ++off;
      continue;
    }
    offs.push_back(off);
    off += 2 + p[off + 1];
  }
  return offs;
}

void Mutate(std::vector<uint8_t>& p, std::mt19937& rng,
            const std::vector<std::vector<uint8_t>>& corpus) {
  static constexpr uint8_t kCodes[] = {0,  1,  43, 52, 53, 54, 55,  57,
                                       60, 61, 77, 93, 94, 97, 175, 255};
  const int edits = 1 + int(rng() % 4);
  for (int k = 0; k < edits && p.size() > 1; ++k) {
    const auto offs = OptionOffsets(p);
    const size_t any = rng() % p.size();
    switch (rng() % 9) {
      case 0:
        p[any] ^= uint8_t(1u << (rng() % 8));
        break;
      case 1:  // change an option's code
        if (!offs.empty()) p[offs[rng() % offs.size()]] = kCodes[rng() % 16];
        break;
      case 2:  // change an option's length
        if (!offs.empty()) {
          uint8_t& len = p[offs[rng() % offs.size()] + 1];
          len = uint8_t(rng() % 3 == 0 ? rng() : len + int(rng() % 5) - 2);
        }
        break;
      case 3:  // add an overload option at the front
        if (p.size() >= kOffOptions) {
          p.insert(p.begin() + kOffOptions, {52, 1, uint8_t(rng() % 5)});
        }
        break;
      case 4:  // fill file/sname with option-ish bytes
        for (size_t i = kOffSname; i < std::min(kOffCookie, p.size()); ++i) {
          p[i] = rng() % 3 ? uint8_t(0) : kCodes[rng() % 16];
        }
        break;
      case 5:
        p.resize(any);
        break;
      case 6: {  // splice the tail of another request
        const auto& o = corpus[rng() % corpus.size()];
        const size_t from = kOffOptions + rng() % (o.size() - kOffOptions);
        p.resize(std::min(p.size(), any + 1));
        p.insert(p.end(), o.begin() + from, o.end());
        break;
      }
      case 7:  // header fields that steer the responder
        if (const size_t at =
                std::array<size_t, 6>{0, 1, 2, 10, 12, 24}[rng() % 6];
            at < p.size()) {
          p[at] = uint8_t(rng() % 4 == 0 ? rng() : rng() % 3);
        }
        break;
      case 8:
        p.insert(p.begin() + any, uint8_t(rng()));
        break;
    }
  }
}

void CheckReply(const net::Datagram& d, const Message& req,
                const xdpxe::testing::SentDatagram& s, const ReplyInfo& info,
                const ResponderConfig& cfg) {
  Message rep;
  ASSERT_EQ(ParseMessage(s.payload, &rep), ParseError::kOk);
  EXPECT_EQ(rep.header().op, kBootReply);
  EXPECT_EQ(rep.header().xid, req.header().xid);
  EXPECT_EQ(rep.header().chaddr, req.header().chaddr);
  EXPECT_TRUE(rep.header().yiaddr.IsAny());
  EXPECT_EQ(rep.Get(opt::kServerId).Ip(), cfg.server_ip);
  EXPECT_EQ(s.from, (net::Endpoint{cfg.server_ip, d.dst.port}));
  EXPECT_EQ(s.to, info.to);
  const BootpHeader& h = req.header();
  const bool legal = s.to == d.src || s.to == net::Endpoint{h.giaddr, 67} ||
                     s.to == net::Endpoint{net::Ipv4Addr::Broadcast(), 68} ||
                     s.to == net::Endpoint{h.ciaddr, 68};
  EXPECT_TRUE(legal) << s.to.ToString();
  if (s.to.addr.IsBroadcast()) {
    EXPECT_TRUE(s.mac.IsBroadcast());
  }
  EXPECT_LE(s.payload.size(), 1500u);
}

TEST(DhcpFuzzTest, MutatedCaptureRequestsThroughEverything) {
  const auto corpus = Corpus();
  ASSERT_EQ(corpus.size(), 17u);  // 15 requests + 2 ACKs sent to 4011
  auto cfg = std::make_shared<ResponderConfig>();
  cfg->server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
  cfg->boot.http.efi_x64 = "http://198.18.0.1/x64.efi";
  ProxyResponder responder(cfg);
  std::mt19937 rng(0x5eed);
  const auto start = Clock::now();
  int replied = 0, rejected = 0, iterations = 0;
  for (; iterations < 60000; ++iterations) {
    if (Clock::now() - start > kSafetyStop) break;
    std::vector<uint8_t> p = corpus[rng() % corpus.size()];
    Mutate(p, rng, corpus);
    const SteerClass c = ClassifyBootRequest(p);
    Message m;
    const ParseError e = ParseMessage(p, &m);
    if (e != ParseError::kOk) {
      ++rejected;
      ASSERT_FALSE(IsSteered(c)) << ParseErrorName(e);
    } else {
      ASSERT_FALSE(Describe(m).empty());
    }
    net::Datagram d;
    d.dst = {cfg->server_ip, rng() % 2 ? uint16_t{67} : uint16_t{4011}};
    d.src = {rng() % 2 ? net::Ipv4Addr::Any()
                       : net::Ipv4Addr::FromOctets(198, 18, 0, 152),
             uint16_t(d.dst.port == 67 ? 68 : 4011)};
    d.src_mac = *net::MacAddr::Parse("52:54:00:18:00:07");
    d.payload = p;
    xdpxe::testing::FakeSink sink;
    ReplyInfo info;
    const Verdict v = responder.Handle(d, sink, &info);
    ASSERT_EQ(sink.sent().size(), v == Verdict::kReplied ? 1u : 0u);
    if (e != ParseError::kOk || c == SteerClass::kMalformed) {
      ASSERT_EQ(v, Verdict::kMalformed);
    }
    if (v == Verdict::kReplied) {
      ++replied;
      CheckReply(d, m, sink.sent()[0], info, *cfg);
      if (HasFatalFailure() || HasNonfatalFailure()) {
        FAIL() << "iteration " << iterations << "\n" << Describe(m);
      }
    }
  }
  EXPECT_GT(iterations, 1000);
  EXPECT_GT(replied, iterations / 20);
  EXPECT_GT(rejected, iterations / 20);
}

TEST(DhcpFuzzTest, BuilderOutputParsesBack) {
  std::mt19937 rng(42);
  const auto start = Clock::now();
  std::vector<uint8_t> buf(4096);
  for (int round = 0; round < 3000; ++round) {
    if (Clock::now() - start > kSafetyStop) break;
    std::vector<std::pair<uint8_t, std::vector<uint8_t>>> opts;
    MessageBuilder b(buf);
    b.set_op(kBootRequest).set_xid(uint32_t(rng()));
    const int n = int(rng() % 12);
    for (int i = 0; i < n; ++i) {
      uint8_t code = uint8_t(1 + rng() % 254);
      if (code == opt::kOverload) code = opt::kHostName;
      bool dup = false;
      for (auto& o : opts) dup = dup || o.first == code;
      if (dup) continue;
      std::vector<uint8_t> data(rng() % 3 == 0 ? rng() % 700 : rng() % 20);
      for (auto& x : data) x = uint8_t(rng());
      b.Add(code, data);
      opts.emplace_back(code, std::move(data));
    }
    const size_t len = b.Finish();
    ASSERT_GT(len, 0u);
    Message m;
    ASSERT_EQ(ParseMessage(std::span(buf).first(len), &m), ParseError::kOk);
    ASSERT_EQ(m.option_count(), opts.size());
    for (const auto& [code, data] : opts) {
      ASSERT_TRUE(m.Get(code).Equals(data)) << int(code);
    }
  }
}

}  // namespace
}  // namespace xdpxe::dhcp
