// Real TFTP clients against io::Server in a namespace lab, on both
// backends: atftp with blksize 1468 + windowsize 16 (the OACK checked),
// tftp-hpa's tftp, curl; files of 0, 1, 512, 1468 bytes and 1 MiB; block
// number rollover past 65535; 200 concurrent downloads.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

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

// Two RX queues: RSS hashes a transfer's ACKs independently of its RRQ, so
// many land on the other queue's worker, which forwards them to the
// worker that owns the transfer's port.
TEST(DataplaneMultiQueueTest, TransfersCompleteWhenAcksArriveOnAnotherQueue) {
  if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
  auto l = lab::ServeLab::Create("mq", {}, /*queues=*/2);
  ASSERT_TRUE(l.ok()) << l.status();
  auto& lab = *l;
  ASSERT_TRUE(lab->AddFile("c.bin", 200000).ok());
  ASSERT_TRUE(lab->StartServer("xdp", {"--max-per-client", "256"}).ok())
      << lab->ServerLog();
  ASSERT_NE(lab->ServerLog().find("queues=2"), std::string::npos)
      << lab->ServerLog();
  constexpr int kClients = 40;
  const std::string dir = lab->dir();
  lab::ShResult r = lab::Sh(lab->cli().Exec(absl::StrCat(
      "timeout 60 sh -c 'for i in $(seq ", kClients,
      "); do curl -sS --tftp-blksize 1468 -o ", dir, "/mq-$i tftp://",
      lab->srv().ip.ToString(), "/c.bin & done; wait'")));
  ASSERT_TRUE(r.ok()) << r.out;
  const std::string want = lab->FileContents("c.bin");
  int exact = 0;
  for (int i = 1; i <= kClients; ++i) {
    exact += lab::ReadFile(absl::StrCat(dir, "/mq-", i)) == want;
  }
  EXPECT_EQ(exact, kClients) << lab->ServerLog();
  lab->server().Signal(SIGUSR1);
  std::string log;
  for (int i = 0; i < 100; ++i) {
    log = lab->ServerLog();
    if (log.find("status ") != std::string::npos) break;
    usleep(20000);
  }
  // Some ACKs crossed queues (else this test proves nothing).
  size_t at = log.find("status ");
  ASSERT_NE(at, std::string::npos) << log;
  at = log.find("forwarded=", at);
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_GT(std::atoll(log.c_str() + at + 10), 0) << log;
  EXPECT_TRUE(lab->StopServer().ok()) << lab->ServerLog();
}

INSTANTIATE_TEST_SUITE_P(Backends, DataplaneTftpTest,
                         ::testing::Values("socket", "xdp"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace xdpxe
