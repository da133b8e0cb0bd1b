// The host's own traffic and the XDP program: while xdpxe serves over XDP
// the interface still carries an ordinary TCP connection and UDP service;
// after SIGKILL of the server under load the program stays attached
// (pinned) with an empty XSKMAP slot, so everything falls back to XDP_PASS
// and the host's traffic keeps flowing; a restart adopts the pinned
// program and serves again.
#include <signal.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/lab/host_traffic.h"
#include "tests/integration/lab/serve_lab.h"
#include "userspace/io/xdp_loader.h"

namespace xdpxe {
namespace {

class DataplaneXdpHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
    auto l = lab::ServeLab::Create("h");
    ASSERT_TRUE(l.ok()) << l.status();
    lab_ = std::move(*l);
    ASSERT_TRUE(lab_->AddFile("f.bin", 2 << 20).ok());
  }
  void TearDown() override {
    if (lab_ && lab_->server().running()) {
      EXPECT_TRUE(lab_->StopServer().ok()) << lab_->ServerLog();
    }
  }
  absl::StatusOr<io::XdpStats> Stats() {
    auto ns = lab::ScopedNetns::Enter(lab_->srv().netns);
    if (!ns.ok()) return ns.status();
    auto prog = io::XdpProgram::OpenPinned(lab_->srv().ifname);
    if (!prog.ok()) return prog.status();
    return prog->ReadStats();
  }
  bool FetchOk() {
    const std::string out = lab_->dir() + "/fetch.bin";
    lab::ShResult r = lab::Sh(lab_->cli().Exec(
        absl::StrCat("timeout 20 curl -sS --tftp-blksize 1468 -o ", out,
                     " tftp://", lab_->srv().ip.ToString(), "/f.bin")));
    return r.ok() && lab::ReadFile(out) == lab_->FileContents("f.bin");
  }
  std::unique_ptr<lab::ServeLab> lab_;
};

TEST_F(DataplaneXdpHostTest, HostTrafficFlowsWhileAttached) {
  ASSERT_TRUE(lab_->StartServer("xdp").ok()) << lab_->ServerLog();
  ASSERT_TRUE(FetchOk()) << lab_->ServerLog();
  absl::Status host = lab::CheckHostTraffic(lab_->srv(), lab_->cli());
  EXPECT_TRUE(host.ok()) << host;
  auto stats = Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  // Ours went to the socket, the rest to the kernel.
  EXPECT_GT((*stats)[XDPXE_STAT_STEER_TFTP].packets, 0u);
  EXPECT_GT((*stats)[XDPXE_STAT_STEER_TFTP_XFER].packets, 0u);
  EXPECT_GT((*stats)[XDPXE_STAT_PASS_NOT_UDP].packets, 0u);   // TCP, ARP
  EXPECT_GT((*stats)[XDPXE_STAT_PASS_NOT_OURS].packets, 0u);  // UDP 5353
}

TEST_F(DataplaneXdpHostTest, SigkillUnderLoadThenHostTrafficAndRestart) {
  ASSERT_TRUE(lab_->StartServer("xdp").ok()) << lab_->ServerLog();
  // Load: 20 lock-step downloads (each ~4k round trips), bounded.
  auto load = lab::Process::Spawn(
      {"ip", "netns", "exec", lab_->cli().netns, "timeout", "15", "sh", "-c",
       absl::StrCat("for i in $(seq 20); do curl -s -o /dev/null tftp://",
                    lab_->srv().ip.ToString(), "/f.bin & done; wait")});
  ASSERT_TRUE(load.ok()) << load.status();
  // Kill it mid-transfer: once packets flow (server counters show it).
  for (int i = 0; i < 100; ++i) {
    auto s = Stats();
    if (s.ok() && (*s)[XDPXE_STAT_STEER_TFTP_XFER].packets > 2000) break;
    usleep(20000);
  }
  lab_->server().Signal(SIGKILL);
  ASSERT_NE(lab_->server().Wait(5000), -1);

  // Still attached (pinned), nothing in the XSKMAP: XDP_PASS for all.
  auto before = Stats();
  ASSERT_TRUE(before.ok()) << before.status();
  absl::Status host = lab::CheckHostTraffic(lab_->srv(), lab_->cli());
  EXPECT_TRUE(host.ok()) << host;
  load->Signal(SIGKILL);

  // A restart adopts the pinned program and serves.
  ASSERT_TRUE(lab_->StartServer("xdp").ok()) << lab_->ServerLog();
  EXPECT_NE(lab_->ServerLog().find("using the XDP program"), std::string::npos)
      << lab_->ServerLog();
  EXPECT_TRUE(FetchOk()) << lab_->ServerLog();
  EXPECT_TRUE(lab::CheckHostTraffic(lab_->srv(), lab_->cli()).ok());
}

}  // namespace
}  // namespace xdpxe
