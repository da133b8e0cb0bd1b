// ns per packet of the XDP program (bpf/xdpxe_xdp.bpf.c), measured in the
// kernel by bpf_prog_test_run_opts with repeat (opts.duration, katran's
// method), next to its peer: the same decision made in userspace by
// net::ParseUdpFrame + dhcp::ClassifyBootRequest (the model the BPF tests
// check agreement against). Needs root.
//
//   sudo build/bench/xdp_benchmark --benchmark_counters_tabular=true
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tests/bpf/xdp_tester.h"
#include "tests/testing/packet_builder.h"

namespace xdpxe::testing {
namespace {

constexpr int kRepeat = 20000;

std::vector<uint8_t> PxeDiscover() {
  return CaptureFrame("ovmf-x64-pxe-boot.pcap", 1);
}
std::vector<uint8_t> IpxeDiscover() {
  return CaptureFrame("seabios-ipxe-boot.pcap", 1);
}
std::vector<uint8_t> TftpAck() {
  return CaptureFrame("ovmf-x64-pxe-boot.pcap", 18);
}
// Not ours: TFTP DATA from the server to a client (what a busy segment is
// full of), then an ARP.
std::vector<uint8_t> NonMatching() {
  return CaptureFrame("ovmf-x64-pxe-boot.pcap", 19);
}
std::vector<uint8_t> Arp() { return CaptureFrame("ovmf-x64-pxe-boot.pcap", 3); }
// Worst case for the option walk: a 1514-byte DISCOVER of single-byte pads
// with option 60 at the very end.
std::vector<uint8_t> PaddedDiscover() {
  std::vector<uint8_t> opts(1514 - 282 - 11, 0);
  auto o = Opt(60, "PXEClient");
  opts.insert(opts.end(), o.begin(), o.end());
  return PacketBuilder()
      .Ipv4(net::Ipv4Addr::Any(), net::Ipv4Addr::Broadcast())
      .Udp(68, 67)
      .Payload(BootRequest(opts))
      .Build();
}

XdpTester* Tester() {
  static XdpTester* t = [] {
    auto loaded = XdpTester::Load();
    if (!loaded.ok()) {
      std::fprintf(stderr, "xdp_benchmark: %s (run as root)\n",
                   std::string(loaded.status().message()).c_str());
      return static_cast<XdpTester*>(nullptr);
    }
    (*loaded)->SetConfig(CaptureConfig()).IgnoreError();
    return loaded->release();
  }();
  return t;
}

void BM_Xdp(benchmark::State& state, std::vector<uint8_t> (*make)(),
            int want_stat) {
  XdpTester* t = Tester();
  if (t == nullptr) {
    state.SkipWithError("cannot load the XDP program (needs root)");
    return;
  }
  const std::vector<uint8_t> frame = make();
  auto r = t->Run(frame);
  if (!r.ok() || r->stat != want_stat) {
    state.SkipWithError(
        ("unexpected verdict " + StatName(r.ok() ? r->stat : -1)).c_str());
    return;
  }
  double total_ns = 0;
  for (auto _ : state) {
    auto ns = t->NsPerPacket(frame, kRepeat);
    if (!ns.ok()) {
      state.SkipWithError("test_run failed");
      return;
    }
    total_ns += *ns;
    state.SetIterationTime(double(*ns) * kRepeat * 1e-9);
  }
  state.SetItemsProcessed(state.iterations() * kRepeat);
  state.counters["ns_per_pkt"] = total_ns / double(state.iterations());
  state.counters["frame_bytes"] = double(frame.size());
}

// The peer: the same verdict from the userspace parsers, per packet.
void BM_Userspace(benchmark::State& state, std::vector<uint8_t> (*make)(),
                  int want_stat) {
  const std::vector<uint8_t> frame = make();
  const struct xdpxe_config cfg = CaptureConfig();
  if (ModelVerdict(frame, cfg) != want_stat) {
    state.SkipWithError("unexpected verdict");
    return;
  }
  for (auto _ : state) {
    int v = ModelVerdict(frame, cfg);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_pkt"] = benchmark::Counter(
      double(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ns_per_pkt"] = benchmark::Counter(
      1e-9 * double(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

#define XDPXE_BENCH_PAIR(name, make, stat)    \
  BENCHMARK_CAPTURE(BM_Xdp, name, make, stat) \
      ->UseManualTime()                       \
      ->Iterations(50);                       \
  BENCHMARK_CAPTURE(BM_Userspace, name, make, stat)

XDPXE_BENCH_PAIR(pxe_discover, PxeDiscover, XDPXE_STAT_STEER_DHCP_PXE);
XDPXE_BENCH_PAIR(ipxe_discover, IpxeDiscover, XDPXE_STAT_STEER_DHCP_IPXE);
XDPXE_BENCH_PAIR(tftp_ack, TftpAck, XDPXE_STAT_STEER_TFTP_XFER);
XDPXE_BENCH_PAIR(non_matching_udp, NonMatching, XDPXE_STAT_PASS_NOT_OURS);
XDPXE_BENCH_PAIR(non_matching_arp, Arp, XDPXE_STAT_PASS_NOT_IPV4);
XDPXE_BENCH_PAIR(padded_1514_discover, PaddedDiscover,
                 XDPXE_STAT_STEER_DHCP_PXE);

}  // namespace
}  // namespace xdpxe::testing

BENCHMARK_MAIN();
