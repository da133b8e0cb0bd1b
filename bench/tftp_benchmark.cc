// tftp_benchmark: DATA blocks the sans-I/O TFTP server produces per second
// on one core, lock-step (W=1, what iPXE does) and windowed (W=16), at
// blksize 1468 (1500-byte MTU), into a sink that discards. One iteration is
// one client ACK and the window it releases; the block is copied once, from
// the shared file snapshot into the sink's buffer, as on AF_XDP.
//
// The peer figure from the same run, BM_CopyOnly, is the floor: the bare
// 1468-byte copy into a frame buffer, with no protocol at all.
//
//   build-x/bench/tftp_benchmark --benchmark_min_time=1
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp::bench {

constexpr size_t kBlksize = 1468;
constexpr size_t kFileSize = 16 << 20;  // ~11,400 blocks per transfer
const net::Ipv4Addr kServerIp = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
const net::Ipv4Addr kClientIp = net::Ipv4Addr::FromOctets(198, 18, 0, 152);

class DiscardSink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    return std::span<uint8_t>(buf_).first(std::min(n, sizeof(buf_)));
  }
  void Commit(const net::Endpoint& from, const net::Endpoint&,
              const net::MacAddr&, size_t n) override {
    port = from.port;
    last_block = uint16_t(buf_[2] << 8 | buf_[3]);
    last_len = n;
    ++sent;
    benchmark::ClobberMemory();
  }
  uint16_t port = 0;
  uint16_t last_block = 0;
  size_t last_len = 0;
  uint64_t sent = 0;

 private:
  alignas(64) uint8_t buf_[9000];
};

// A TFTP root with one file, removed at exit.
class Root {
 public:
  Root() {
    std::string tmpl = "/tmp/xdpxe-tftp-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    path_ = tmpl;
    std::string content(kFileSize, '\0');
    std::mt19937 rng(1);
    for (char& c : content) c = char(rng());
    std::ofstream(path_ + "/nbp.efi", std::ios::binary) << content;
  }
  ~Root() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Root* g_root = nullptr;  // made in main, so every exit path removes it
Root& TheRoot() { return *g_root; }

void BM_DataBlocks(benchmark::State& state) {
  const int window = int(state.range(0));
  auto store = FileStore::Open(TheRoot().path());
  if (!store.ok()) {
    state.SkipWithError("no tftp root");
    return;
  }
  ServerConfig cfg;
  cfg.server_ip = kServerIp;
  Server server(cfg, *store);
  DiscardSink sink;
  net::Time now = net::Time(std::chrono::seconds(1000));
  uint16_t client_port = 2000;
  std::vector<uint8_t> rrq(128), ack(4);
  std::string ws = std::to_string(window);
  OptionPair opts[] = {{"blksize", "1468"}, {"windowsize", ws}};
  rrq.resize(BuildRequest(rrq, Opcode::kRrq, "nbp.efi", "octet", opts));
  net::Datagram d;
  d.src = {kClientIp, client_port};
  d.payload = ack;
  bool running = false;
  uint64_t blocks = 0;
  for (auto _ : state) {
    if (!running) {  // a new transfer when the last one finished
      d.src.port = ++client_port;
      d.dst = {kServerIp, kTftpPort};
      d.payload = rrq;
      server.OnDatagram(d, now, sink);
      d.dst.port = sink.port;
      d.payload = ack;
      BuildAck(ack, 0);
      running = true;
    }
    uint64_t before = sink.sent;
    server.OnDatagram(d, now, sink);
    blocks += sink.sent - before;
    BuildAck(ack, sink.last_block);
    if (sink.last_len < kBlksize + 4) running = server.active_transfers() > 0;
    now += std::chrono::microseconds(10);
    if ((blocks & 1023) == 0) server.OnTick(now, sink);
  }
  state.counters["blocks/s"] =
      benchmark::Counter(double(blocks), benchmark::Counter::kIsRate);
  state.counters["Gbit/s"] = benchmark::Counter(
      double(blocks) * kBlksize * 8 / 1e9, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(int64_t(blocks));
}
BENCHMARK(BM_DataBlocks)->Arg(1)->Arg(16)->ArgName("W");

// The peer: copying the block into a frame and nothing else.
void BM_CopyOnly(benchmark::State& state) {
  // The same memory the server copies from: the store's snapshot.
  auto store = FileStore::Open(TheRoot().path());
  absl::StatusOr<FileRef> snap =
      store.ok() ? (*store)->Get("nbp.efi") : store.status();
  if (!snap.ok()) {
    state.SkipWithError("no tftp root");
    return;
  }
  std::span<const uint8_t> file = (*snap)->octets();
  alignas(64) static uint8_t frame[9000];
  size_t off = 0;
  uint64_t blocks = 0;
  // A length the compiler cannot see, as in the server: a constant one
  // would be inlined as `rep movs`, which is not what the server runs.
  size_t len = kBlksize;
  benchmark::DoNotOptimize(len);
  for (auto _ : state) {
    for (int i = 0; i < 16; ++i) {  // a window's worth, like W=16
      std::memcpy(frame + 4, file.data() + off, len);
      benchmark::ClobberMemory();
      off += kBlksize;
      if (off + kBlksize > kFileSize) off = 0;
    }
    blocks += 16;
  }
  state.counters["blocks/s"] =
      benchmark::Counter(double(blocks), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(int64_t(blocks));
}
BENCHMARK(BM_CopyOnly);

}  // namespace xdpxe::tftp::bench

int main(int argc, char** argv) {
  benchmark::AddCustomContext("sizeof(tftp::Transfer)",
                              std::to_string(sizeof(xdpxe::tftp::Transfer)));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  xdpxe::tftp::bench::Root root;
  xdpxe::tftp::bench::g_root = &root;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
