// io_benchmark: the data plane end to end over a veth in a namespace lab
// (root), xdpxe on AF_XDP, xdpxe on UDP sockets, and tftpd-hpa (the peer)
// on the same link in the same run:
//   BM_AckToData/<server>   lock-step TFTP (blksize 512, no options, what
//                           iPXE's own client does): time from the client's
//                           ACK k to DATA k+1, p50/p99 in the counters;
//   BM_DataPps/<server>     blksize 1468 + windowsize 64 (tftpd-hpa has no
//                           RFC 7440: it runs lock-step): DATA packets/s
//                           one client receives.
// The client is a plain UDP socket in the client namespace; both ends share
// the machine, so the figures compare servers, not absolute NIC speed.
//
//   sudo build-io/bench/io_benchmark
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "tests/integration/lab/serve_lab.h"

namespace xdpxe {
namespace {

using Clock = std::chrono::steady_clock;

lab::ServeLab* g_lab = nullptr;
constexpr char kFile[] = "bench.bin";
constexpr size_t kFileSize = 96 << 20;  // outlasts any iteration count

// Starts `server` ("xdp", "socket", "tftpd-hpa") in the lab's srv host.
class ServerUnderTest {
 public:
  explicit ServerUnderTest(const std::string& server) {
    if (server == "tftpd-hpa") {
      auto p = lab::Process::Spawn(
          {"ip", "netns", "exec", g_lab->srv().netns, "/usr/sbin/in.tftpd",
           "-L", "-s", "-a", g_lab->srv().ip.ToString() + ":69", g_lab->root()},
          g_lab->dir() + "/tftpd.log");
      if (p.ok()) peer_ = std::move(*p);
      usleep(300000);
      ok_ = peer_.running();
    } else {
      ok_ = g_lab->StartServer(server, {"--quiet"}).ok();
    }
  }
  ~ServerUnderTest() {
    if (peer_.running()) {
      peer_.Signal(SIGTERM);
      peer_.Wait(2000);
    } else {
      (void)g_lab->StopServer();
    }
  }
  bool ok() const { return ok_; }

 private:
  lab::Process peer_;
  bool ok_ = false;
};

// A TFTP client on one UDP socket in the client namespace.
class Client {
 public:
  Client() {
    ns_ = std::move(*lab::ScopedNetns::Enter(g_lab->cli().netns));
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    timeval tv{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int buf = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    server_.sin_family = AF_INET;
    server_.sin_port = htons(69);
    server_.sin_addr.s_addr = g_lab->srv().ip.ToNetworkOrder();
  }
  ~Client() {
    // ERROR 0 ends the transfer on the server side.
    const uint8_t err[] = {0, 5, 0, 0, 'b', 'y', 'e', 0};
    if (tid_.sin_port != 0) Send(err, sizeof(err));
    close(fd_);
  }
  void Rrq(const std::vector<std::string>& options) {
    std::string p("\0\1", 2);
    p += kFile;
    p.push_back('\0');
    p += "octet";
    p.push_back('\0');
    for (const std::string& o : options) {
      p += o;
      p.push_back('\0');
    }
    sendto(fd_, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&server_),
           sizeof(server_));
  }
  // Receives one packet from the transfer; returns opcode (0: timeout) and
  // the block number.
  int Recv(uint16_t* block) {
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(fd_, buf_, sizeof(buf_), 0,
                         reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 4) return 0;
    tid_ = from;
    *block = static_cast<uint16_t>((buf_[2] << 8) | buf_[3]);
    return buf_[1];
  }
  std::string_view Last(size_t n) const {
    return {reinterpret_cast<const char*>(buf_), n};
  }
  void Ack(uint16_t block) {
    const uint8_t ack[] = {0, 4, static_cast<uint8_t>(block >> 8),
                           static_cast<uint8_t>(block)};
    Send(ack, sizeof(ack));
  }

 private:
  void Send(const uint8_t* p, size_t n) {
    sendto(fd_, p, n, 0, reinterpret_cast<sockaddr*>(&tid_), sizeof(tid_));
  }
  std::unique_ptr<lab::ScopedNetns> ns_;
  int fd_ = -1;
  sockaddr_in server_{};
  sockaddr_in tid_{};
  uint8_t buf_[2048];
};

const char* ServerName(int i) {
  static const char* const kNames[] = {"xdp", "socket", "tftpd-hpa"};
  return kNames[i];
}

void BM_AckToData(benchmark::State& state) {
  ServerUnderTest server(ServerName(static_cast<int>(state.range(0))));
  if (!server.ok()) {
    state.SkipWithError("server did not start");
    return;
  }
  state.SetLabel(ServerName(static_cast<int>(state.range(0))));
  Client c;
  c.Rrq({});
  uint16_t block = 0;
  if (c.Recv(&block) != 3 || block != 1) {
    state.SkipWithError("no DATA 1");
    return;
  }
  std::vector<double> us;
  us.reserve(static_cast<size_t>(state.max_iterations));
  uint16_t expect = 1;
  for (auto _ : state) {
    auto t0 = Clock::now();
    c.Ack(expect);
    ++expect;
    int op;
    do {
      op = c.Recv(&block);
    } while (op == 3 && block != expect);  // a retransmitted old block
    auto t1 = Clock::now();
    double s = std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(s);
    us.push_back(s * 1e6);
    if (op != 3) {
      state.SkipWithError("transfer stalled");
      break;
    }
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[us.size() * 99 / 100];
  }
}

void BM_DataPps(benchmark::State& state) {
  ServerUnderTest server(ServerName(static_cast<int>(state.range(0))));
  if (!server.ok()) {
    state.SkipWithError("server did not start");
    return;
  }
  state.SetLabel(ServerName(static_cast<int>(state.range(0))));
  Client c;
  c.Rrq({"blksize", "1468", "windowsize", "64"});
  uint16_t block = 0;
  int op = c.Recv(&block);
  uint16_t window = 1;
  uint16_t last = 0;  // highest in-order block
  if (op == 6) {      // OACK: windowsize granted?
    window = c.Last(64).find("windowsize") != std::string_view::npos ? 64 : 1;
    c.Ack(0);
  } else if (op == 3 && block == 1) {
    last = 1;
    c.Ack(1);
  } else {
    state.SkipWithError("no OACK/DATA");
    return;
  }
  int64_t packets = 0;
  for (auto _ : state) {
    op = c.Recv(&block);
    if (op != 3) {
      state.SkipWithError("transfer stalled");
      break;
    }
    ++packets;
    if (block == static_cast<uint16_t>(last + 1)) {
      last = block;
      if (last % window == 0) c.Ack(last);
    } else {
      c.Ack(last);  // a gap: ask for the rest again (RFC 7440)
    }
  }
  state.counters["data_pps"] = benchmark::Counter(static_cast<double>(packets),
                                                  benchmark::Counter::kIsRate);
  state.counters["window"] = window;
}

BENCHMARK(BM_AckToData)
    ->DenseRange(0, 2)
    ->Iterations(20000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DataPps)
    ->DenseRange(0, 2)
    ->Iterations(60000)
    ->UseRealTime()  // the client sleeps in recv: rate per wall second
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace xdpxe

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (geteuid() != 0) {
    std::fprintf(stderr, "io_benchmark: needs root (network namespaces)\n");
    return 1;
  }
  auto lab = xdpxe::lab::ServeLab::Create("bench");
  if (!lab.ok()) {
    std::fprintf(stderr, "io_benchmark: %s\n", lab.status().ToString().c_str());
    return 1;
  }
  xdpxe::g_lab = lab->get();
  chmod((*lab)->dir().c_str(), 0755);  // tftpd-hpa drops to user tftp
  if (!(*lab)->AddFile(xdpxe::kFile, xdpxe::kFileSize).ok()) return 1;
  chmod(((*lab)->root() + "/" + xdpxe::kFile).c_str(), 0644);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
