// Interoperability with real TFTP clients (curl, atftp, tftp-hpa's tftp):
// the sans-I/O tftp::Server behind a minimal UDP-socket loop on 127.0.0.1
// (listen port and transfer ports from a random block below the host's
// ip_local_port_range), each client fetching a file that is then compared
// byte for byte. Covers RFC 1350 (no options), blksize + tsize (curl),
// windowsize (atftp) and block-number rollover with a real client.
// No root needed; the client binaries come from tools/install-deps.sh.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp {
namespace {

const net::Ipv4Addr kLoopback = net::Ipv4Addr::FromOctets(127, 0, 0, 1);
constexpr int kPorts = 9;  // listen port + 8 transfer ports

// Sends each datagram from the socket bound to its source port.
class SocketSink : public net::TxSink {
 public:
  explicit SocketSink(const std::vector<std::pair<uint16_t, int>>& fds)
      : fds_(fds) {}
  std::span<uint8_t> Reserve(size_t n) override {
    buf_.resize(n);
    return buf_;
  }
  void Commit(const net::Endpoint& from, const net::Endpoint& to,
              const net::MacAddr&, size_t n) override {
    for (auto [port, fd] : fds_) {
      if (port != from.port) continue;
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(to.port);
      sa.sin_addr.s_addr = to.addr.ToNetworkOrder();
      sendto(fd, buf_.data(), n, 0, reinterpret_cast<sockaddr*>(&sa),
             sizeof(sa));
    }
  }

 private:
  const std::vector<std::pair<uint16_t, int>>& fds_;
  std::vector<uint8_t> buf_;
};

class Loopback {
 public:
  explicit Loopback(std::shared_ptr<FileStore> store) {
    std::mt19937 rng{uint32_t(getpid())};
    for (int attempt = 0; attempt < 50 && fds_.empty(); ++attempt) {
      uint16_t base = uint16_t(20000 + rng() % 10000);
      if (BindAll(base)) base_ = base;
    }
    if (fds_.empty()) return;
    ServerConfig cfg;
    cfg.server_ip = kLoopback;
    cfg.listen_port = base_;
    cfg.port_lo = base_ + 1;
    cfg.port_hi = base_ + kPorts - 1;
    cfg.mtu = 9000;
    cfg.retransmit_timeout = std::chrono::milliseconds(500);
    server_ = std::make_unique<Server>(cfg, std::move(store));
    thread_ = std::thread([this] { Run(); });
  }
  ~Loopback() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto [port, fd] : fds_) close(fd);
  }
  bool ok() const { return server_ != nullptr; }
  uint16_t port() const { return base_; }
  Counters counters() const { return server_->counters(); }

 private:
  bool BindAll(uint16_t base) {
    for (int i = 0; i < kPorts; ++i) {
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(uint16_t(base + i));
      sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (fd < 0 ||
          bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        if (fd >= 0) close(fd);
        for (auto [p, f] : fds_) close(f);
        fds_.clear();
        return false;
      }
      fds_.push_back({uint16_t(base + i), fd});
    }
    return true;
  }
  void Run() {
    SocketSink sink(fds_);
    std::vector<pollfd> pfds;
    for (auto [port, fd] : fds_) pfds.push_back({fd, POLLIN, 0});
    std::vector<uint8_t> buf(65536);
    while (!stop_) {
      poll(pfds.data(), pfds.size(), 5);
      for (size_t i = 0; i < pfds.size(); ++i) {
        if (!(pfds[i].revents & POLLIN)) continue;
        sockaddr_in sa{};
        socklen_t len = sizeof(sa);
        ssize_t n = recvfrom(pfds[i].fd, buf.data(), buf.size(), 0,
                             reinterpret_cast<sockaddr*>(&sa), &len);
        if (n < 0) continue;
        net::Datagram d;
        d.src = {net::Ipv4Addr::FromNetworkOrder(sa.sin_addr.s_addr),
                 ntohs(sa.sin_port)};
        d.dst = {kLoopback, fds_[i].first};
        d.payload = std::span<const uint8_t>(buf.data(), size_t(n));
        server_->OnDatagram(d, net::Clock::now(), sink);
      }
      server_->OnTick(net::Clock::now(), sink);
    }
  }

  std::vector<std::pair<uint16_t, int>> fds_;
  uint16_t base_ = 0;
  std::unique_ptr<Server> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

bool Have(const char* tool) {
  std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class RealClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_.Write("nbp.efi", testing::RandomContent(300 * 1024 + 17, 1));
    root_.Write("big.wim", testing::RandomContent((65536 + 500) * 8 + 5, 2));
    auto store = FileStore::Open(root_.path());
    ASSERT_TRUE(store.ok());
    net_ = std::make_unique<Loopback>(*store);
    ASSERT_TRUE(net_->ok()) << "no free block of loopback UDP ports";
  }
  void Need(const char* tool) {
    if (Have(tool)) return;
    const char* ci = getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << tool << " missing (tools/install-deps.sh installs it)";
    }
    GTEST_SKIP() << tool << " not installed";
  }
  // Runs `cmd` (bounded by timeout(1)) and returns the fetched file.
  std::string Fetch(const std::string& cmd) {
    std::string full = "cd " + out_.path() + " && timeout 60 " + cmd + " >" +
                       out_.Path("log") + " 2>&1";
    int rc = std::system(full.c_str());
    EXPECT_EQ(rc, 0) << full << "\n" << ReadAll(out_.Path("log"));
    return ReadAll(out_.Path("out"));
  }
  std::string Content(const std::string& name) {
    return ReadAll(root_.Path(name));
  }
  std::string Port() const { return std::to_string(net_->port()); }
  // The client may exit before the server thread has read its last ACK.
  uint64_t DoneEventually(uint64_t want) {
    for (int i = 0; i < 500; ++i) {
      uint64_t done = net_->counters()[Counter::kTransfersDone];
      if (done >= want) return done;
      usleep(10000);
    }
    return net_->counters()[Counter::kTransfersDone];
  }

  testing::TempDir root_;
  testing::TempDir out_;
  std::unique_ptr<Loopback> net_;
};

TEST_F(RealClientTest, CurlBlksizeAndTsize) {
  Need("curl");
  std::string got =
      Fetch("curl -sS --tftp-blksize 1468 -o out tftp://127.0.0.1:" + Port() +
            "/nbp.efi");
  EXPECT_TRUE(got == Content("nbp.efi")) << got.size();
  EXPECT_EQ(DoneEventually(1), 1u);
}

TEST_F(RealClientTest, CurlWithoutOptions) {
  Need("curl");
  std::string got =
      Fetch("curl -sS --tftp-no-options -o out tftp://127.0.0.1:" + Port() +
            "/nbp.efi");
  EXPECT_TRUE(got == Content("nbp.efi")) << got.size();
}

TEST_F(RealClientTest, CurlRollsOverPast65535Blocks) {
  Need("curl");
  std::string got =
      Fetch("curl -sS --tftp-blksize 8 -o out tftp://127.0.0.1:" + Port() +
            "/big.wim");
  EXPECT_TRUE(got == Content("big.wim")) << got.size();
}

TEST_F(RealClientTest, AtftpWindowsize) {
  Need("atftp");
  std::string got = Fetch(
      "atftp --trace --get -r nbp.efi -l out --option 'blksize 1468' "
      "--option 'windowsize 8' --option 'tsize 0' 127.0.0.1 " +
      Port());
  EXPECT_TRUE(got == Content("nbp.efi")) << got.size();
  EXPECT_EQ(DoneEventually(1), 1u);
  std::string log = ReadAll(out_.Path("log"));
  size_t oack = log.find("received OACK");
  ASSERT_NE(oack, std::string::npos) << log.substr(0, 600);
  EXPECT_NE(log.find("windowsize: 8", oack), std::string::npos)
      << log.substr(0, 600);
  EXPECT_NE(log.find("tsize: 307217", oack), std::string::npos);
}

TEST_F(RealClientTest, TftpHpaPlainRfc1350) {
  Need("tftp");
  std::string got =
      Fetch("tftp -m binary 127.0.0.1 " + Port() + " -c get nbp.efi out");
  EXPECT_TRUE(got == Content("nbp.efi")) << got.size();
}

TEST_F(RealClientTest, MissingFileFailsTheClient) {
  Need("curl");
  std::string full = "timeout 30 curl -sS -o " + out_.Path("out") +
                     " tftp://127.0.0.1:" + Port() + "/missing.efi 2>&1";
  EXPECT_NE(std::system((full + " >/dev/null").c_str()), 0);
  EXPECT_EQ(net_->counters()[Counter::kNotFound], 1u);
}

}  // namespace
}  // namespace xdpxe::tftp
