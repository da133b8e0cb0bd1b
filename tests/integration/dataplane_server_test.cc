// io::Server in-process in a namespace lab: start-up problems are one
// clear line each; XDP falls back to sockets (with one log line) when it
// cannot attach; Run / Status / Reload / RequestStop on a serving server;
// only what it attached is detached.
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/lab/serve_lab.h"
#include "userspace/common/log.h"
#include "userspace/io/server.h"

namespace xdpxe::io {
namespace {

class CaptureLog {
 public:
  CaptureLog() {
    SetLogSink([this](LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> l(mu_);
      lines_.emplace_back(line);
    });
  }
  ~CaptureLog() { SetLogSink(nullptr); }
  std::string All() {
    std::lock_guard<std::mutex> l(mu_);
    std::string s;
    for (const std::string& x : lines_) s += x + "\n";
    return s;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class DataplaneServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lab::CanRunRootTests()) GTEST_SKIP() << "needs root (netns, XDP)";
    auto l = lab::ServeLab::Create("s");
    ASSERT_TRUE(l.ok()) << l.status();
    lab_ = std::move(*l);
    ASSERT_TRUE(lab_->AddFile("f.bin", 300000).ok());
    auto ns = lab::ScopedNetns::Enter(lab_->srv().netns);
    ASSERT_TRUE(ns.ok()) << ns.status();
    in_srv_ = std::move(*ns);
  }
  void TearDown() override { in_srv_.reset(); }
  ServerOptions Options(Backend b) {
    ServerOptions o;
    o.interface = lab_->srv().ifname;
    o.tftp_root = lab_->root();
    o.backend = b;
    o.fallback_to_socket = false;
    return o;
  }
  bool FetchOk() {
    const std::string out = lab_->dir() + "/fetch.bin";
    unlink(out.c_str());
    lab::ShResult r = lab::Sh(lab_->cli().Exec(
        absl::StrCat("timeout 20 curl -sS -o ", out, " tftp://",
                     lab_->srv().ip.ToString(), "/f.bin")));
    return r.ok() && lab::ReadFile(out) == lab_->FileContents("f.bin");
  }
  bool Pinned() {
    struct stat st;
    return stat(("/sys/fs/bpf/xdpxe/" + lab_->srv().ifname).c_str(), &st) == 0;
  }
  std::unique_ptr<lab::ServeLab> lab_;
  std::unique_ptr<lab::ScopedNetns> in_srv_;
};

TEST_F(DataplaneServerTest, StartupProblemsAreOneClearLine) {
  ServerOptions o = Options(Backend::kSocket);
  o.tftp_root = lab_->dir() + "/missing";
  auto s = Server::Create(o, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("tftp-root " + o.tftp_root),
            std::string::npos)
      << s.status();

  o = Options(Backend::kSocket);
  o.interface = "xi-nonexistent";
  s = Server::Create(o, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("no such interface"), std::string::npos)
      << s.status();

  // Port in use: somebody else holds UDP 69.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(69);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)), 0);
  s = Server::Create(Options(Backend::kSocket), nullptr);
  close(fd);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(":69 on " + lab_->srv().ifname +
                                      ": address already in use"),
            std::string::npos)
      << s.status();

  ASSERT_TRUE(lab::ShOk("ip addr flush dev " + lab_->srv().ifname).ok());
  s = Server::Create(Options(Backend::kSocket), nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), lab_->srv().ifname +
                                      ": no IPv4 address (add one: ip addr add "
                                      "ADDR/LEN dev " +
                                      lab_->srv().ifname + ")");
  for (const auto& st : {s.status()}) {
    EXPECT_EQ(std::string(st.message()).find('\n'), std::string::npos);
  }
}

TEST_F(DataplaneServerTest, FallsBackToSocketsWhenXdpCannotAttach) {
  // Another XDP program on the interface: ours refuses to replace it.
  bpf_insn pass[] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS},
                     {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
  int prog =
      bpf_prog_load(BPF_PROG_TYPE_XDP, "xi_foreign", "GPL", pass, 2, nullptr);
  ASSERT_GE(prog, 0);
  int ifindex = static_cast<int>(if_nametoindex(lab_->srv().ifname.c_str()));
  ASSERT_EQ(bpf_xdp_attach(ifindex, prog, XDP_FLAGS_DRV_MODE, nullptr), 0);

  CaptureLog log;
  ServerOptions o = Options(Backend::kXdp);
  auto strict = Server::Create(o, nullptr);
  EXPECT_FALSE(strict.ok());
  o.fallback_to_socket = true;
  auto s = Server::Create(o, nullptr);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->backend(), Backend::kSocket);
  EXPECT_NE(log.All().find("XDP unavailable"), std::string::npos) << log.All();
  std::thread run([&] { EXPECT_TRUE((*s)->Run().ok()); });
  EXPECT_TRUE(FetchOk());
  (*s)->RequestStop();
  run.join();
  s->reset();
  bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, nullptr);
  close(prog);
}

TEST_F(DataplaneServerTest,
       ServesReloadsReportsStopsAndDetachesWhatItAttached) {
  ASSERT_FALSE(Pinned());
  auto s = Server::Create(Options(Backend::kXdp), nullptr);
  ASSERT_TRUE(s.ok()) << s.status();
  Server* server = s->get();
  EXPECT_TRUE(Pinned());
  std::thread run([server] { EXPECT_TRUE(server->Run().ok()); });
  ASSERT_TRUE(FetchOk());

  ServerStatus st = server->Status();
  EXPECT_TRUE(st.running);
  EXPECT_FALSE(st.stale);
  EXPECT_EQ(st.backend, Backend::kXdp);
  EXPECT_TRUE(st.xdp_attached_by_us);
  EXPECT_EQ(st.xsk_mode, "copy");
  EXPECT_EQ(st.server_ip, lab_->srv().ip);
  EXPECT_EQ(st.tftp[tftp::Counter::kTransfersDone], 1u);
  EXPECT_GT(st.port.rx_packets, 0u);
  EXPECT_GT(st.port.tx_packets, 0u);
  EXPECT_EQ(st.workers.size(), st.queues);

  // Reload: new range for new transfers; the next fetch uses it.
  engine::EngineConfig cfg;
  cfg.tftp.port_lo = 62000;
  cfg.tftp.port_hi = 62099;
  ASSERT_TRUE(server->Reload(cfg).ok());
  cfg.tftp.port_lo = 100;  // inside the host's range, and below 69 rules
  cfg.tftp.port_hi = 50;
  EXPECT_FALSE(server->Reload(cfg).ok());
  ASSERT_TRUE(FetchOk());
  st = server->Status();
  EXPECT_EQ(st.reloads, 1u);
  EXPECT_EQ(st.tftp[tftp::Counter::kTransfersDone], 2u);

  server->RequestStop();
  run.join();
  s->reset();
  EXPECT_FALSE(Pinned());  // we attached it, so we detached it
}

// A second server on a served interface is refused, whatever its backend,
// with the first's pid, before it touches the pinned program's config; the
// first goes on serving. Once the first is gone the interface is free.
TEST_F(DataplaneServerTest, ASecondServerOnTheInterfaceIsRefused) {
  auto first = Server::Create(Options(Backend::kXdp), nullptr);
  ASSERT_TRUE(first.ok()) << first.status();
  Server* server = first->get();
  std::thread run([server] { EXPECT_TRUE(server->Run().ok()); });

  for (Backend b : {Backend::kXdp, Backend::kSocket}) {
    ServerOptions o = Options(b);
    o.fallback_to_socket = true;
    o.engine.tftp.port_lo = 62000;  // would be written into the config map
    o.engine.tftp.port_hi = 62099;
    auto second = Server::Create(o, nullptr);
    EXPECT_FALSE(second.ok()) << BackendName(b);
    if (second.ok()) continue;
    EXPECT_TRUE(absl::IsAlreadyExists(second.status())) << second.status();
    EXPECT_NE(second.status().message().find(
                  absl::StrCat(lab_->srv().ifname, ": another xdpxe (pid ",
                               getpid(), ") serves this interface")),
              std::string::npos)
        << second.status();
  }
  auto prog = XdpProgram::OpenPinned(lab_->srv().ifname);
  ASSERT_TRUE(prog.ok()) << prog.status();
  auto cfg = prog->GetConfig();
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_NE(cfg->tftp_port_lo, 62000);
  EXPECT_TRUE(FetchOk());

  server->RequestStop();
  run.join();
  first->reset();
  auto later = Server::Create(Options(Backend::kSocket), nullptr);
  EXPECT_TRUE(later.ok()) << later.status();
}

}  // namespace
}  // namespace xdpxe::io
