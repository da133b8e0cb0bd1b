// xdpctl end to end on a veth pair across two network namespaces it creates
// (198.18.10.0/24, names with the PID so parallel runs do not collide, all
// deleted in TearDown even when a test fails):
//
//   xb-<pid>-<n>a: xb<pid><n>a 198.18.10.1  <-- XDP attached here
//   xb-<pid>-<n>b: xb<pid><n>b 198.18.10.2  (sends test traffic)
//
// xdpctl runs under `nsenter --net=/run/netns/...` (not `ip netns exec`,
// which remounts /sys without bpffs, so pins would vanish between calls).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/bpf/xdp_tester.h"
#include "userspace/io/xdp_loader.h"

namespace xdpxe::io {
namespace {

struct ShResult {
  int rc = -1;
  std::string out;  // stdout + stderr
};

ShResult Sh(const std::string& cmd) {
  ShResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// Runs `fn` with the calling thread inside netns `name`.
template <typename Fn>
auto InNetns(const std::string& name, Fn fn) {
  int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int ns = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(ns, 0) << name;
  EXPECT_EQ(setns(ns, CLONE_NEWNET), 0) << name;
  auto result = fn();
  EXPECT_EQ(setns(self, CLONE_NEWNET), 0);
  close(ns);
  close(self);
  return result;
}

class XdpctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XDPXE_NEED_ROOT();
    static int n = 0;
    const std::string id = absl::StrCat(getpid() % 100000, "x", n++);
    ns_a_ = "xb-" + id + "a";
    ns_b_ = "xb-" + id + "b";
    if_a_ = "xb" + id + "a";
    if_b_ = "xb" + id + "b";
    created_ = true;
    for (const std::string& cmd : {
             "ip netns add " + ns_a_,
             "ip netns add " + ns_b_,
             "ip -n " + ns_a_ + " link add " + if_a_ + " type veth peer name " +
                 if_b_ + " netns " + ns_b_,
             "ip -n " + ns_a_ + " addr add 198.18.10.1/24 dev " + if_a_,
             "ip -n " + ns_b_ + " addr add 198.18.10.2/24 dev " + if_b_,
             "ip -n " + ns_a_ + " link set " + if_a_ + " up",
             "ip -n " + ns_b_ + " link set " + if_b_ + " up",
         }) {
      ShResult r = Sh(cmd);
      ASSERT_EQ(r.rc, 0) << cmd << ": " << r.out;
    }
  }

  void TearDown() override {
    if (!created_) return;
    Xdpctl("detach " + if_a_ + " --force");
    Sh("ip netns del " + ns_a_);
    Sh("ip netns del " + ns_b_);
    if (!ns_c_.empty()) Sh("ip netns del " + ns_c_);
    Sh(absl::StrCat("rm -rf ", kXdpPinRoot, "/", if_a_, " ", kXdpPinRoot, "/",
                    if_a_, "r"));
  }

  ShResult Xdpctl(const std::string& args) {
    return Sh(absl::StrCat("nsenter --net=/run/netns/", ns_a_, " ", XDPCTL_PATH,
                           " ", args));
  }

  // Sends one UDP datagram from the b side to 198.18.10.1:port.
  void SendFromB(uint16_t port, const std::string& payload) {
    int fd = InNetns(ns_b_, [] { return socket(AF_INET, SOCK_DGRAM, 0); });
    ASSERT_GE(fd, 0);
    sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(0xc6120a01);  // 198.18.10.1
    EXPECT_EQ(sendto(fd, payload.data(), payload.size(), 0,
                     reinterpret_cast<sockaddr*>(&to), sizeof(to)),
              ssize_t(payload.size()));
    close(fd);
  }

  // Waits (bounded) until `stat` of if_a_ reaches `want` packets.
  uint64_t WaitForCounter(int stat, uint64_t want) {
    uint64_t got = 0;
    for (int i = 0; i < 100 && got < want; ++i) {
      auto p = InNetns(ns_a_, [&] { return XdpProgram::OpenPinned(if_a_); });
      if (p.ok()) {
        auto s = p->ReadStats();
        if (s.ok()) got = (*s)[stat].packets;
      }
      if (got < want)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return got;
  }

  bool created_ = false;
  std::string ns_a_, ns_b_, if_a_, if_b_;
  std::string ns_c_;  // a third namespace, when a test makes one
};

std::string PxeDiscover() {
  std::vector<uint8_t> opts = testing::Opt(60, "PXEClient:Arch:00007");
  opts.push_back(255);
  auto p = testing::BootRequest(opts);
  return std::string(p.begin(), p.end());
}

TEST_F(XdpctlTest, AttachStatusStatsConfigDetach) {
  ShResult r = Xdpctl("attach " + if_a_ + " --server-ip 198.18.10.1");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "xdpxe attached")) << r.out;

  r = Xdpctl("status " + if_a_ + " --json");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"ours\":true")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"mode\":\"native\"")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"server_ip\":\"198.18.10.1\""));
  r = Xdpctl("status");
  EXPECT_TRUE(absl::StrContains(r.out, if_a_ + "")) << r.out;

  // Real packets over the veth: counted, and passed (no XSK in the map).
  SendFromB(69, std::string("\0\1boot.efi\0octet\0", 17));
  SendFromB(67, PxeDiscover());
  SendFromB(53, "not ours");
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_STEER_TFTP, 1), 1u);
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_STEER_DHCP_PXE, 1), 1u);
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_PASS_NOT_OURS, 1), 1u);
  EXPECT_GE(WaitForCounter(XDPXE_STAT_STEER_NO_SOCKET, 2), 2u);

  r = Xdpctl("stats " + if_a_ + " --json");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"steer_tftp\":{\"packets\":1,"))
      << r.out;
  r = Xdpctl("stats " + if_a_);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "steer_dhcp_pxe")) << r.out;
  r = Xdpctl("stats " + if_a_ + " --watch --interval 0.1 --count 2");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "pkt/s")) << r.out;

  // Live config: the next DISCOVER goes to the kernel.
  r = Xdpctl("config " + if_a_ + " pass-dhcp=on");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "pass-dhcp=on")) << r.out;
  SendFromB(67, PxeDiscover());
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_PASS_DHCP_CONFIG, 1), 1u);
  r = Xdpctl("config " + if_a_);
  EXPECT_TRUE(absl::StrContains(r.out, "pass-dhcp=on")) << r.out;
  r = Xdpctl("config " + if_a_ + " colour=blue");
  EXPECT_EQ(r.rc, 2) << r.out;

  // The loader API the daemon uses sees the same program.
  auto p = InNetns(ns_a_, [&] { return XdpProgram::OpenPinned(if_a_); });
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_GE(p->xsks_map_fd(), 0);
  auto cfg = p->GetConfig();
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->flags, uint32_t{XDPXE_F_PASS_DHCP});

  r = Xdpctl("detach " + if_a_);
  ASSERT_EQ(r.rc, 0) << r.out;
  r = Xdpctl("status " + if_a_ + " --json");
  EXPECT_TRUE(absl::StrContains(r.out, "\"attached\":false")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"pinned\":false")) << r.out;
}

TEST_F(XdpctlTest, JsonOutputParses) {
  ShResult r = Xdpctl("attach " + if_a_ + " --server-ip 198.18.10.1");
  ASSERT_EQ(r.rc, 0) << r.out;
  const std::string check =
      " | python3 -c 'import json,sys; json.load(sys.stdin)'";
  for (const std::string& args :
       std::vector<std::string>{"status " + if_a_ + " --json", "status --json",
                                "stats " + if_a_ + " --json", "stats --json"}) {
    r = Sh(absl::StrCat("nsenter --net=/run/netns/", ns_a_, " ", XDPCTL_PATH,
                        " ", args, check));
    EXPECT_EQ(r.rc, 0) << args << ": " << r.out;
  }
}

TEST_F(XdpctlTest, AttachTwiceIsIdempotent) {
  ShResult first = Xdpctl("attach " + if_a_ + " --server-ip 198.18.10.1");
  ASSERT_EQ(first.rc, 0) << first.out;
  ShResult second = Xdpctl("attach " + if_a_ + " --server-ip 198.18.10.9");
  ASSERT_EQ(second.rc, 0) << second.out;
  auto id = [](const std::string& s) {
    size_t at = s.find("prog id ");
    return at == std::string::npos ? std::string() : s.substr(at, 12);
  };
  EXPECT_EQ(id(first.out), id(second.out));
  EXPECT_FALSE(id(first.out).empty());
  ShResult st = Xdpctl("status " + if_a_);
  EXPECT_TRUE(absl::StrContains(st.out, "server-ip=198.18.10.9")) << st.out;
  ShResult mode = Xdpctl("attach " + if_a_ + " --mode generic");
  EXPECT_EQ(mode.rc, 1) << mode.out;
  EXPECT_TRUE(absl::StrContains(mode.out, "already attached in native mode"))
      << mode.out;
}

TEST_F(XdpctlTest, GenericMode) {
  ShResult r = Xdpctl("attach " + if_a_ + " --mode generic");
  ASSERT_EQ(r.rc, 0) << r.out;
  r = Xdpctl("status " + if_a_ + " --json");
  EXPECT_TRUE(absl::StrContains(r.out, "\"mode\":\"generic\"")) << r.out;
  SendFromB(67, PxeDiscover());
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_STEER_DHCP_PXE, 1), 1u);
}

TEST_F(XdpctlTest, NativeModeNotSupportedSaysUseGeneric) {
  // A bridge has no driver XDP (no ndo_bpf): native attach fails clearly.
  const std::string br = if_a_ + "r";
  ShResult r = Sh("ip -n " + ns_a_ + " link add " + br + " type bridge");
  ASSERT_EQ(r.rc, 0) << r.out;
  r = Xdpctl("attach " + br);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(
      r.out, br + ": the driver has no native XDP support (use --mode "
                  "generic)"))
      << r.out;
  EXPECT_FALSE(Xdpctl("status " + br + " --json").out.find("\"pinned\":true") !=
               std::string::npos);
  r = Xdpctl("attach " + br + " --mode generic");
  EXPECT_EQ(r.rc, 0) << r.out;
  r = Xdpctl("detach " + br);
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(XdpctlTest, DetachWithNothingAttached) {
  ShResult r = Xdpctl("detach " + if_a_);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "xdpctl: " + if_a_ +
                                           ": no XDP program is attached "
                                           "(nothing to detach)"))
      << r.out;
  r = Xdpctl("stats " + if_a_);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "not attached")) << r.out;
}

TEST_F(XdpctlTest, RefusesPortRangeOverlappingLocalRange) {
  std::string local = InNetns(ns_a_, [] {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned lo = 0, hi = 0;
    in >> lo >> hi;
    return absl::StrCat(lo, "-", hi);
  });
  ShResult r = Xdpctl("attach " + if_a_ + " --tftp-ports 40000-50000");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "40000-50000")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, local)) << local << " in " << r.out;
  r = Xdpctl("status " + if_a_ + " --json");
  EXPECT_TRUE(absl::StrContains(r.out, "\"attached\":false")) << r.out;
}

TEST_F(XdpctlTest, RefusesForeignProgramUnlessForced) {
  // r0 = XDP_PASS; exit — someone else's program.
  const struct bpf_insn prog[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "foreign", "GPL", prog, 2, nullptr);
  ASSERT_GE(fd, 0) << "bpf_prog_load: " << errno;
  int err = InNetns(ns_a_, [&] {
    return bpf_xdp_attach(if_nametoindex(if_a_.c_str()), fd, XDP_FLAGS_DRV_MODE,
                          nullptr);
  });
  close(fd);
  ASSERT_EQ(err, 0);

  ShResult r = Xdpctl("attach " + if_a_);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "another XDP program is attached"))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "\"foreign\"")) << r.out;
  r = Xdpctl("detach " + if_a_);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "not xdpxe's")) << r.out;

  r = Xdpctl("attach " + if_a_ + " --force");
  ASSERT_EQ(r.rc, 0) << r.out;
  r = Xdpctl("status " + if_a_ + " --json");
  EXPECT_TRUE(absl::StrContains(r.out, "\"prog_name\":\"xdpxe_xdp\"")) << r.out;
  r = Xdpctl("detach " + if_a_);
  EXPECT_EQ(r.rc, 0) << r.out;
}

TEST_F(XdpctlTest, WarnsWhenADhcpServerListensOnPort67) {
  // A socket bound to UDP 67 in the interface's namespace stands for the
  // primary DHCP server of DESIGN.md ("A primary DHCP server may run on the
  // same host").
  int fd = InNetns(ns_a_, [] {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_port = htons(67);
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(s);
      return -1;
    }
    return s;
  });
  ASSERT_GE(fd, 0);
  ShResult r = Xdpctl("attach " + if_a_);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "listens on UDP port 67")) << r.out;
  r = Xdpctl("attach " + if_a_ + " --pass-dhcp");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_FALSE(absl::StrContains(r.out, "listens on UDP port 67")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "pass-dhcp=on")) << r.out;
  close(fd);
}

TEST_F(XdpctlTest, DetachCleansPinsOfAVanishedInterface) {
  ShResult r = Xdpctl("attach " + if_a_);
  ASSERT_EQ(r.rc, 0) << r.out;
  r = Sh("ip -n " + ns_a_ + " link del " + if_a_);
  ASSERT_EQ(r.rc, 0) << r.out;
  const std::string pins = absl::StrCat(kXdpPinRoot, "/", if_a_);
  EXPECT_EQ(access(pins.c_str(), F_OK), 0);
  r = Xdpctl("stats " + if_a_);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "no such interface")) << r.out;
  r = Xdpctl("detach " + if_a_);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(access(pins.c_str(), F_OK), 0) << pins << " still there";
}

// bpffs is shared by every namespace and pins are keyed by name: from a
// namespace with an interface of the same name (the same ifindex too, both
// fresh), or with none, the pins of the live program in ns_a_ are neither
// adopted, detached, replaced nor "cleaned up" — one clear line instead.
TEST_F(XdpctlTest, SameNameInAnotherNamespaceLeavesThePinsAlone) {
  ShResult r = Xdpctl("attach " + if_a_ + " --server-ip 198.18.10.1");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto before = InNetns(ns_a_, [&] { return XdpProgram::OpenPinned(if_a_); });
  ASSERT_TRUE(before.ok()) << before.status();
  ns_c_ = ns_a_ + "c";
  for (const std::string& cmd : {
           "ip netns add " + ns_c_,
           "ip -n " + ns_c_ + " link add " + if_a_ + " type veth peer name " +
               if_a_ + "p",
           "ip -n " + ns_c_ + " addr add 198.18.11.1/24 dev " + if_a_,
           "ip -n " + ns_c_ + " link set " + if_a_ + " up",
       }) {
    r = Sh(cmd);
    ASSERT_EQ(r.rc, 0) << cmd << ": " << r.out;
  }
  const std::string in_c = "nsenter --net=/run/netns/" + ns_c_ + " ",
                    in_b = "nsenter --net=/run/netns/" + ns_b_ + " ";
  for (const std::string& cmd :
       {in_c + XDPCTL_PATH + " attach " + if_a_,
        in_c + XDPCTL_PATH + " attach --force " + if_a_,
        in_c + XDPCTL_PATH + " detach " + if_a_,
        in_b + XDPCTL_PATH + " detach " + if_a_}) {  // no such interface
    r = Sh(cmd);
    EXPECT_EQ(r.rc, 1) << cmd << ": " << r.out;
    EXPECT_TRUE(absl::StrContains(r.out, "another network namespace"))
        << cmd << ": " << r.out;
  }
  auto there = InNetns(ns_c_, [&] { return XdpProgram::OpenPinned(if_a_); });
  EXPECT_TRUE(absl::IsFailedPrecondition(there.status())) << there.status();

  auto after = InNetns(ns_a_, [&] { return XdpProgram::OpenPinned(if_a_); });
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->prog_id(), before->prog_id());
  SendFromB(69, std::string("\0\1boot.efi\0octet\0", 17));
  EXPECT_EQ(WaitForCounter(XDPXE_STAT_STEER_TFTP, 1), 1u);  // still steering
}

TEST_F(XdpctlTest, NotRootAndNoBpffsAreOneClearLine) {
  ShResult r =
      Sh(absl::StrCat("nsenter --net=/run/netns/", ns_a_,
                      " setpriv --reuid=65534 --regid=65534 --clear-groups ",
                      XDPCTL_PATH, " attach ", if_a_));
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_EQ(r.out, "xdpctl: " + if_a_ +
                       ": attaching XDP needs root, or CAP_BPF + "
                       "CAP_NET_ADMIN (run it with sudo)\n");
  // A private mount namespace without bpffs (the host's stays mounted).
  r = Sh(absl::StrCat("nsenter --net=/run/netns/", ns_a_,
                      " unshare -m --propagation private sh -c 'umount -l "
                      "/sys/fs/bpf && exec ",
                      XDPCTL_PATH, " attach ", if_a_, "'"));
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_TRUE(absl::StrContains(
      r.out,
      "xdpctl: /sys/fs/bpf: bpffs is not mounted (mount it: mount -t "
      "bpf bpf /sys/fs/bpf"))
      << r.out;
}

TEST_F(XdpctlTest, ClearErrorsAndHelp) {
  ShResult r = Xdpctl("attach xbnosuch0");
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(absl::StrContains(
      r.out, "xdpctl: xbnosuch0: no such interface (ip -br link lists them)"))
      << r.out;
  r = Xdpctl("--help");
  EXPECT_EQ(r.rc, 0);
  EXPECT_TRUE(absl::StrContains(r.out, "usage: xdpctl")) << r.out;
  for (const char* cmd : {"attach", "detach", "status", "stats", "config"}) {
    r = Xdpctl(absl::StrCat(cmd, " --help"));
    EXPECT_EQ(r.rc, 0) << cmd;
    EXPECT_TRUE(absl::StrContains(r.out, absl::StrCat("xdpctl ", cmd)))
        << r.out;
  }
  r = Xdpctl("frobnicate");
  EXPECT_EQ(r.rc, 2) << r.out;
  r = Xdpctl("attach " + if_a_ + " --mode turbo");
  EXPECT_EQ(r.rc, 2) << r.out;
  r = Xdpctl("attach " + if_a_ + " --server-ip 1.2.3");
  EXPECT_EQ(r.rc, 2) << r.out;
}

}  // namespace
}  // namespace xdpxe::io

namespace xdpxe::io {
namespace {

// Pure validation: no root, no namespace.
TEST(XdpConfigValidation, RangesAndFlags) {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned llo = 0, lhi = 0;
  ASSERT_TRUE(in >> llo >> lhi);
  XdpConfig c;
  c.tftp_port_lo = 2000;
  c.tftp_port_hi = 1999;
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateXdpConfig(c)));
  c.tftp_port_lo = 1023;
  c.tftp_port_hi = 1023;
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateXdpConfig(c)));
  c.tftp_port_lo = 61000;
  c.tftp_port_hi = 65535;
  c.flags = 1u << 7;
  EXPECT_TRUE(absl::IsInvalidArgument(ValidateXdpConfig(c)));

  // Touching the ephemeral range at either end is an overlap; next to it
  // is not.
  absl::Status st = CheckPortRangeVsLocalRange(uint16_t(lhi), uint16_t(lhi));
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), absl::StrCat(llo, "-", lhi)))
      << st;
  EXPECT_TRUE(absl::IsFailedPrecondition(
      CheckPortRangeVsLocalRange(uint16_t(llo - 10), uint16_t(llo))));
  if (lhi < 65535) {
    EXPECT_TRUE(
        CheckPortRangeVsLocalRange(uint16_t(lhi + 1), uint16_t(65535)).ok());
  }
  if (llo > 1025) {
    EXPECT_TRUE(
        CheckPortRangeVsLocalRange(uint16_t(1024), uint16_t(llo - 1)).ok());
  }
}

}  // namespace
}  // namespace xdpxe::io
