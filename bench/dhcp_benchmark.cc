// ProxyDHCP cost per request, on real requests from the bundled captures:
//   BM_Handle*   parse + classify the client + boot policy + reply built in
//                place into a fixed TX buffer (ProxyResponder::Handle), the
//                whole per-request work of the DHCP side;
//   BM_Parse*    ParseMessage alone;  BM_Classify*  the steering rule alone;
//   BM_HandleOrdinaryClient  the reject path for a non-PXE client.
//
//   build/bench/dhcp_benchmark --benchmark_min_time=0.2
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "tests/testing/fixtures.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/classify.h"
#include "userspace/dhcp/message.h"
#include "userspace/dhcp/responder.h"
#include "userspace/net/frame.h"

namespace xdpxe::dhcp {
namespace {

// One request of a capture, owning its bytes.
struct Sample {
  std::vector<uint8_t> frame;
  net::Datagram d;
};

Sample Load(const char* fixture, int index) {
  auto frames = ReadPcap(xdpxe::testing::FixturePath(fixture));
  if (!frames.ok()) {
    std::fprintf(stderr, "%s\n", frames.status().ToString().c_str());
    std::exit(1);
  }
  for (auto& f : *frames) {
    if (f.index != index) continue;
    Sample s;
    s.frame = std::move(f.data);
    auto u = net::ParseUdpFrame(s.frame);
    if (!u) break;
    s.d.src = {u->src_ip, u->src_port};
    s.d.dst = {u->dst_ip, u->dst_port};
    s.d.src_mac = u->src_mac;
    s.d.payload = u->payload;
    return s;
  }
  std::fprintf(stderr, "%s: no UDP frame #%d\n", fixture, index);
  std::exit(1);
}

// Like a UMEM frame: reply room without allocation.
class FrameSink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    return n <= sizeof(buf_) ? std::span<uint8_t>(buf_, n)
                             : std::span<uint8_t>();
  }
  void Commit(const net::Endpoint&, const net::Endpoint&, const net::MacAddr&,
              size_t n) override {
    bytes_ += n;
  }
  size_t bytes_ = 0;

 private:
  alignas(64) uint8_t buf_[2048];
};

std::shared_ptr<const ResponderConfig> Config() {
  auto c = std::make_shared<ResponderConfig>();
  c->server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
  return c;
}

void RunHandle(benchmark::State& state, const Sample& s, Verdict want) {
  ProxyResponder r(Config());
  FrameSink sink;
  ReplyInfo info;
  if (r.Handle(s.d, sink, &info) != want) {
    state.SkipWithError("unexpected verdict");
    return;
  }
  for (auto _ : state) {
    Verdict v = r.Handle(s.d, sink, &info);
    benchmark::DoNotOptimize(v);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

const Sample& OvmfDiscover() {
  static const Sample s = Load("ovmf-x64-pxe-boot.pcap", 1);
  return s;
}
const Sample& Ovmf4011Request() {
  static const Sample s = Load("ovmf-x64-pxe-boot.pcap", 11);
  return s;
}
const Sample& IpxeDiscover() {
  static const Sample s = Load("ovmf-x64-pxe-boot.pcap", 257);
  return s;
}
// The primary's OFFER bounced back as if it were a client request is not
// realistic; an ordinary client is the OVMF DISCOVER with option 60 renamed.
const Sample& OrdinaryDiscover() {
  static const Sample s = [] {
    Sample o = Load("ovmf-x64-pxe-boot.pcap", 1);
    auto p = o.d.payload;
    std::vector<uint8_t>& f = o.frame;
    const size_t at = size_t(p.data() - f.data());
    for (size_t i = at + 240; i + 2 < f.size(); ++i) {
      if (f[i] == 'P' && f[i + 1] == 'X' && f[i + 2] == 'E') f[i] = 'Q';
    }
    return o;
  }();
  return s;
}

void BM_HandleOvmfDiscover(benchmark::State& state) {
  RunHandle(state, OvmfDiscover(), Verdict::kReplied);
}
void BM_HandleOvmf4011Request(benchmark::State& state) {
  RunHandle(state, Ovmf4011Request(), Verdict::kReplied);
}
void BM_HandleIpxeDiscover(benchmark::State& state) {
  RunHandle(state, IpxeDiscover(), Verdict::kReplied);
}
void BM_HandleOrdinaryClient(benchmark::State& state) {
  RunHandle(state, OrdinaryDiscover(), Verdict::kNotPxe);
}

void BM_ParseOvmfDiscover(benchmark::State& state) {
  const Sample& s = OvmfDiscover();
  Message m;
  for (auto _ : state) {
    ParseError e = ParseMessage(s.d.payload, &m);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ClassifyOvmfDiscover(benchmark::State& state) {
  const Sample& s = OvmfDiscover();
  for (auto _ : state) {
    SteerClass c = ClassifyBootRequest(s.d.payload);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ClassifyIpxeDiscover(benchmark::State& state) {
  const Sample& s = IpxeDiscover();
  for (auto _ : state) {
    SteerClass c = ClassifyBootRequest(s.d.payload);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_HandleOvmfDiscover);
BENCHMARK(BM_HandleOvmf4011Request);
BENCHMARK(BM_HandleIpxeDiscover);
BENCHMARK(BM_HandleOrdinaryClient);
BENCHMARK(BM_ParseOvmfDiscover);
BENCHMARK(BM_ClassifyOvmfDiscover);
BENCHMARK(BM_ClassifyIpxeDiscover);

}  // namespace
}  // namespace xdpxe::dhcp

BENCHMARK_MAIN();
