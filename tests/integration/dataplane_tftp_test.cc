// Real TFTP clients against io::Server in a namespace lab, on both
// backends: atftp with blksize 1468 + windowsize 16 (the OACK checked),
// tftp-hpa's tftp, curl; files of 0, 1, 512, 1468 bytes and 1 MiB; block
// number rollover past 65535; 200 concurrent downloads.
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/lab/serve_lab.h"

namespace xdpxe {
namespace {

struct Sizes {
  const char* name;
  size_t size;
};
constexpr Sizes kFiles[] = {{"zero.bin", 0},
                            {"one.bin", 1},
                            {"b512.bin", 512},
                            {"b1468.bin", 1468},
                            {"m1.bin", 1 << 20}};

class DataplaneTftpTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
    auto l = lab::ServeLab::Create(std::string("t") + GetParam()[0]);
    ASSERT_TRUE(l.ok()) << l.status();
    lab_ = std::move(*l);
    for (const Sizes& f : kFiles)
      ASSERT_TRUE(lab_->AddFile(f.name, f.size).ok());
  }
  void TearDown() override {
    if (lab_ && lab_->server().running()) {
      EXPECT_TRUE(lab_->StopServer().ok()) << lab_->ServerLog();
    }
  }
  std::string Out(const std::string& name) {
    return absl::StrCat(lab_->dir(), "/out-", name);
  }
  std::string Ip() { return lab_->srv().ip.ToString(); }

  std::unique_ptr<lab::ServeLab> lab_;
};

TEST_P(DataplaneTftpTest, AtftpWithBlksizeAndWindowsizeGetsTheOack) {
  ASSERT_TRUE(lab_->StartServer(GetParam()).ok()) << lab_->ServerLog();
  for (const Sizes& f : kFiles) {
    const std::string out = Out(absl::StrCat("atftp-", f.name));
    lab::ShResult r = lab::Sh(lab_->cli().Exec(absl::StrCat(
        "atftp --verbose --option 'blksize 1468' --option 'windowsize 16' "
        "--get -r ",
        f.name, " -l ", out, " ", Ip())));
    ASSERT_TRUE(r.ok()) << f.name << ": " << r.out << lab_->ServerLog();
    // atftp --verbose prints the options the server acknowledged.
    EXPECT_NE(r.out.find("blksize"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1468"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("windowsize"), std::string::npos) << r.out;
    EXPECT_TRUE(lab::ReadFile(out) == lab_->FileContents(f.name)) << f.name;
  }
}

TEST_P(DataplaneTftpTest, TftpHpaAndCurlFetchByteExact) {
  ASSERT_TRUE(lab_->StartServer(GetParam()).ok()) << lab_->ServerLog();
  for (const Sizes& f : kFiles) {
    const std::string hpa = Out(absl::StrCat("hpa-", f.name));
    lab::ShResult r = lab::Sh(lab_->cli().Exec(
        absl::StrCat("tftp -m binary ", Ip(), " -c get ", f.name, " ", hpa)));
    ASSERT_TRUE(r.ok()) << f.name << ": " << r.out;
    EXPECT_TRUE(lab::ReadFile(hpa) == lab_->FileContents(f.name)) << f.name;

    const std::string curl = Out(absl::StrCat("curl-", f.name));
    // curl 7.88 rejects "tsize 0" in an OACK (lib/tftp.c: "invalid tsize"),
    // which is what any server (tftpd-hpa too) answers for an empty file:
    // ask without options there.
    const char* opts = f.size == 0 ? "--tftp-no-options " : "";
    r = lab::Sh(lab_->cli().Exec(absl::StrCat("curl -sS ", opts, "-o ", curl,
                                              " tftp://", Ip(), "/", f.name)));
    ASSERT_TRUE(r.ok()) << f.name << ": " << r.out;
    EXPECT_TRUE(lab::ReadFile(curl) == lab_->FileContents(f.name)) << f.name;
  }
}

TEST_P(DataplaneTftpTest, BlockNumbersRollOverPast65535) {
  // 68,000 blocks of 512 bytes, lock-step (tftp-hpa's default).
  constexpr size_t kSize = size_t{68000} * 512 + 100;
  ASSERT_TRUE(lab_->AddFile("big.bin", kSize).ok());
  ASSERT_TRUE(lab_->StartServer(GetParam()).ok()) << lab_->ServerLog();
  const std::string out = Out("big");
  lab::ShResult r = lab::Sh(lab_->cli().Exec(
      absl::StrCat("tftp -m binary ", Ip(), " -c get big.bin ", out)));
  ASSERT_TRUE(r.ok()) << r.out << lab_->ServerLog();
  std::string got = lab::ReadFile(out);
  ASSERT_EQ(got.size(), kSize);
  EXPECT_TRUE(got == lab_->FileContents("big.bin"));
}

TEST_P(DataplaneTftpTest, TwoHundredConcurrentDownloadsAllComplete) {
  constexpr int kClients = 200;
  ASSERT_TRUE(lab_->AddFile("c.bin", 100000).ok());
  ASSERT_TRUE(
      lab_->StartServer(GetParam(), {"--max-per-client", "256", "--quiet"})
          .ok())
      << lab_->ServerLog();
  const std::string dir = lab_->dir();
  // One shell starts them all at once; each curl has its own port and
  // retries lost packets itself; `timeout` bounds the whole run.
  lab::ShResult r = lab::Sh(lab_->cli().Exec(
      absl::StrCat("timeout 120 sh -c 'for i in $(seq ", kClients,
                   "); do curl -sS --tftp-blksize 1468 -o ", dir,
                   "/cc-$i tftp://", Ip(), "/c.bin & done; wait'")));
  ASSERT_TRUE(r.ok()) << r.out;
  const std::string want = lab_->FileContents("c.bin");
  int exact = 0;
  for (int i = 1; i <= kClients; ++i) {
    exact += lab::ReadFile(absl::StrCat(dir, "/cc-", i)) == want;
  }
  EXPECT_EQ(exact, kClients) << r.out;
}

// A lock-step TFTP client (RFC 1350, no options) that sends its RRQ from
// CPU `rrq_cpu` and every ACK from CPU `ack_cpu`. On the lab's multi-queue
// veth the RX queue follows the sending CPU (XPS), so this puts a
// transfer's RRQ and its ACKs on different queues — what RSS does to the
// two flows on a real NIC. Returns the file, or "" on failure.
std::string FetchAcrossCpus(const lab::Host& cli, net::Ipv4Addr server,
                            const std::string& name, int rrq_cpu, int ack_cpu) {
  std::string got;
  bool ok = false;
  std::thread t([&] {
    auto ns = lab::ScopedNetns::Enter(cli.netns);
    auto pin = [](int cpu) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      sched_setaffinity(0, sizeof(set), &set);  // this thread
    };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    timeval tv{0, 300000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(69);
    to.sin_addr.s_addr = server.ToNetworkOrder();
    std::string rrq("\0\1", 2);
    rrq += name + std::string("\0octet\0", 7);
    pin(rrq_cpu);
    sendto(fd, rrq.data(), rrq.size(), 0, reinterpret_cast<sockaddr*>(&to),
           sizeof(to));
    pin(ack_cpu);
    uint16_t want = 1;
    for (int tries = 0; tries < 50;) {
      uint8_t buf[600];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
                           reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 4 || buf[1] != 3) {
        ++tries;  // the server retransmits
        continue;
      }
      uint16_t block = static_cast<uint16_t>(buf[2] << 8 | buf[3]);
      if (block == want) {
        got.append(reinterpret_cast<char*>(buf) + 4, n - 4);
        ++want;
      }
      uint8_t ack[4] = {0, 4, buf[2], buf[3]};
      sendto(fd, ack, 4, 0, reinterpret_cast<sockaddr*>(&from), len);
      if (block == want - 1 && n - 4 < 512) {
        ok = true;
        break;
      }
    }
    close(fd);
  });
  t.join();
  return ok ? got : "";
}

// Two RX queues: RSS hashes a transfer's ACKs independently of its RRQ, so
// they may land on the other queue's worker, which must forward them to
// the worker that owns the transfer's port.
TEST(DataplaneMultiQueueTest, TransfersCompleteWhenAcksArriveOnAnotherQueue) {
  if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs 2 CPUs";
  auto l = lab::ServeLab::Create("mq", {}, /*queues=*/2);
  ASSERT_TRUE(l.ok()) << l.status();
  auto& lab = *l;
  ASSERT_TRUE(lab->AddFile("c.bin", 100000).ok());
  ASSERT_TRUE(lab->StartServer("xdp").ok()) << lab->ServerLog();
  ASSERT_NE(lab->ServerLog().find("queues=2"), std::string::npos)
      << lab->ServerLog();
  const std::string want = lab->FileContents("c.bin");
  // Both directions: RRQ on queue 0 / ACKs on 1, and the reverse.
  for (auto [rrq, ack] : {std::pair{0, 1}, std::pair{1, 0}, std::pair{0, 0}}) {
    EXPECT_TRUE(FetchAcrossCpus(lab->cli(), lab->srv().ip, "c.bin", rrq, ack) ==
                want)
        << "rrq cpu " << rrq << ", ack cpu " << ack << lab->ServerLog();
  }
  lab->server().Signal(SIGUSR1);
  std::string log;
  for (int i = 0; i < 250; ++i) {  // 5 s
    log = lab->ServerLog();
    if (log.find("status ") != std::string::npos) break;
    usleep(20000);
  }
  // The ACKs crossed queues (else this test proves nothing).
  size_t at = log.find("status ");
  ASSERT_NE(at, std::string::npos) << log;
  at = log.find("forwarded=", at);
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_GT(std::atoll(log.c_str() + at + 10), 190) << log;  // 2 x 196 ACKs
  EXPECT_TRUE(lab->StopServer().ok()) << lab->ServerLog();
}

INSTANTIATE_TEST_SUITE_P(Backends, DataplaneTftpTest,
                         ::testing::Values("socket", "xdp"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace xdpxe
