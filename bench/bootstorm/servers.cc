// Starting the compared servers in the lab (servers.h).
#include "bench/bootstorm/servers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::bootstorm {

namespace {

std::vector<std::string> DnsmasqCommon(const Lab& lab, const std::string& tag) {
  return {"dnsmasq",
          "--keep-in-foreground",
          "--conf-file=/dev/null",
          "--port=0",  // no DNS
          "--log-facility=-",
          "--quiet-dhcp",
          "--quiet-tftp",
          absl::StrCat("--pid-file=", lab.work_dir(), "/", tag, ".pid"),
          absl::StrCat("--interface=", lab.ifname()),
          "--except-interface=lo",
          "--bind-interfaces"};
}

// dnsmasq in proxy mode, as the project's seed system and the fixtures'
// lab ran it; `tftp` adds its own TFTP server.
std::vector<std::string> DnsmasqProxy(const Lab& lab, const std::string& root,
                                      bool tftp) {
  std::vector<std::string> a =
      DnsmasqCommon(lab, tftp ? "proxy" : "proxy-only");
  std::vector<std::string> more = {
      absl::StrCat("--dhcp-range=", kServerIp.ToString(), ",proxy,",
                   kNetmask.ToString()),
      "--dhcp-match=set:ipxe,175",
      "--pxe-service=tag:!ipxe,x86PC,\"BIOS\",undionly.kpxe",
      "--pxe-service=tag:!ipxe,X86-64_EFI,\"x64\",snp_x64.efi",
      "--pxe-service=tag:!ipxe,BC_EFI,\"x64\",snp_x64.efi",
      "--pxe-service=tag:!ipxe,ARM64_EFI,\"arm64\",snp_aa64.efi",
      "--dhcp-boot=tag:ipxe,autoexec.ipxe"};
  a.insert(a.end(), more.begin(), more.end());
  if (tftp) {
    a.push_back("--enable-tftp");
    a.push_back("--tftp-root=" + root);
    // The default of 50 concurrent transfers would queue a storm on purpose.
    a.push_back("--tftp-max=10000");
  }
  return a;
}

}  // namespace

std::string ServerName(ServerKind k) {
  switch (k) {
    case ServerKind::kXdpxe:
      return "xdpxe";
    case ServerKind::kXdpxeSocket:
      return "xdpxe-socket";
    case ServerKind::kDnsmasq:
      return "dnsmasq";
    case ServerKind::kTftpHpa:
      return "tftp-hpa";
  }
  return "?";
}

absl::StatusOr<ServerKind> ParseServer(const std::string& name) {
  for (ServerKind k : {ServerKind::kXdpxe, ServerKind::kXdpxeSocket,
                       ServerKind::kDnsmasq, ServerKind::kTftpHpa}) {
    if (ServerName(k) == name) return k;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--server: unknown server '", name,
                   "' (use xdpxe, xdpxe-socket, dnsmasq or tftp-hpa)"));
}

double RunningServer::CpuSeconds() const {
  if (double g = cpu.Seconds(); g >= 0) return g;
  double s = 0;
  for (const Process& p : procs) s += ProcessCpuSeconds(p.pid());
  return s;
}

bool RunningServer::Alive() {
  for (Process& p : procs) {
    if (!p.Alive()) return false;
  }
  return true;
}

absl::Status WaitForUdpPorts(pid_t pid, const std::vector<int>& ports,
                             int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string path = absl::StrCat("/proc/", pid, "/net/udp");
  while (true) {
    std::ifstream in(path);
    if (!in) {
      return absl::FailedPreconditionError(
          absl::StrCat("server pid ", pid, " exited during start-up"));
    }
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    bool all = true;
    for (int port : ports) {
      if (text.find(absl::StrFormat(":%04X 00000000:0000", port)) ==
          std::string::npos) {
        all = false;
      }
    }
    if (all) return absl::OkStatus();
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("server pid ", pid, " did not bind its UDP ports in ",
                       timeout_ms, " ms (see its log in the lab work dir)"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

absl::Status WaitForLogLine(const std::string& path, const std::string& text,
                            int timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
    if (all.find(text) != std::string::npos) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no '", text, "' in ", path, " after ", timeout_ms, " ms"));
}

absl::StatusOr<Process> StartPrimary(Lab& lab, bool ping,
                                     const std::string& preload) {
  std::vector<std::string> a = DnsmasqCommon(lab, "primary");
  if (!preload.empty()) {
    a.insert(a.begin(), {"env", "LD_PRELOAD=" + preload});
  }
  a.push_back(absl::StrCat("--dhcp-range=", kPoolStart.ToString(), ",",
                           kPoolEnd.ToString(), ",", kNetmask.ToString(),
                           ",1h"));
  a.push_back("--dhcp-authoritative");
  a.push_back("--dhcp-lease-max=10000");
  // Leases in memory only: dnsmasq otherwise rewrites the whole lease file
  // on every ACK (O(N) each, O(N^2) per storm), which made the primary the
  // bottleneck of every storm alike. A fresh process per storm = no leases.
  a.push_back("--leasefile-ro");
  if (!ping) a.push_back("--no-ping");
  if (getenv("BOOTSTORM_LOG_PRIMARY") != nullptr) {
    a.erase(std::find(a.begin(), a.end(), "--quiet-dhcp"));
    a.push_back("--log-dhcp");
  }
  absl::StatusOr<Process> p = lab.Spawn(Lab::kPrimary, a, "primary.log");
  if (!p.ok()) return p.status();
  absl::Status st = WaitForUdpPorts(p->pid(), {67}, 5000);
  if (!st.ok()) return st;
  return p;
}

absl::StatusOr<RunningServer> StartServer(Lab& lab, ServerKind kind,
                                          const ServerSetup& setup) {
  static int seq = 0;
  RunningServer rs;
  rs.cpu = CpuGroup::Create(
      absl::StrCat("xs-", getpid(), "-", ServerName(kind), "-", seq++));
  const std::string& cg = rs.cpu.path();
  std::vector<int> ports;
  switch (kind) {
    case ServerKind::kDnsmasq: {
      auto p = lab.Spawn(Lab::kServer, DnsmasqProxy(lab, setup.tftp_root, true),
                         "dnsmasq.log", cg);
      if (!p.ok()) return p.status();
      rs.procs.push_back(std::move(*p));
      ports = {67, 4011, 69};
      break;
    }
    case ServerKind::kTftpHpa: {
      auto p =
          lab.Spawn(Lab::kServer, DnsmasqProxy(lab, setup.tftp_root, false),
                    "dnsmasq-proxy.log", cg);
      if (!p.ok()) return p.status();
      rs.procs.push_back(std::move(*p));
      auto t = lab.Spawn(Lab::kServer,
                         {"in.tftpd", "--listen", "--foreground", "--address",
                          kServerIp.ToString() + ":69", "--user", "root",
                          "--secure", setup.tftp_root},
                         "in.tftpd.log", cg);
      if (!t.ok()) return t.status();
      rs.procs.push_back(std::move(*t));
      ports = {67, 4011};
      absl::Status st = WaitForUdpPorts(rs.procs[1].pid(), {69}, 5000);
      if (!st.ok()) return st;
      break;
    }
    case ServerKind::kXdpxe:
    case ServerKind::kXdpxeSocket: {
      if (setup.xdpxe_binary.empty() ||
          access(setup.xdpxe_binary.c_str(), X_OK) != 0) {
        return absl::NotFoundError(
            absl::StrCat("xdpxe binary not found at '", setup.xdpxe_binary,
                         "' (build target xdpxe, or pass --xdpxe-binary)"));
      }
      // A hermetic state dir per start: its own config (never the host's
      // /etc/xdpxe), no kernel command line, and our script pre-seeded so
      // the copy xdpxe publishes into tftp-root is the one we compare.
      std::string state = absl::StrCat(lab.work_dir(), "/xdpxe-state-", seq);
      mkdir(state.c_str(), 0700);
      {
        std::ofstream conf(state + "/xdpxe.conf", std::ios::trunc);
        conf << "# bootstorm: the server under test\n"
                "socket-fallback=no\n"
                // Like dnsmasq --tftp-max: no admission limit below the
                // storm's size.
                "tftp-max-transfers=10000\n";
        std::ifstream src(setup.tftp_root + "/autoexec.ipxe", std::ios::binary);
        std::ofstream dst(state + "/autoexec.ipxe",
                          std::ios::binary | std::ios::trunc);
        dst << src.rdbuf();
      }
      std::vector<std::string> a = {
          setup.xdpxe_binary, "serve",
          "--state-dir",      state,
          "--config",         state + "/xdpxe.conf",
          "--cmdline",        "/dev/null",
          "--interface",      lab.ifname(),
          "--tftp-root",      setup.tftp_root,
          "--backend",        kind == ServerKind::kXdpxe ? "xdp" : "socket"};
      a.insert(a.end(), setup.xdpxe_extra.begin(), setup.xdpxe_extra.end());
      std::string log = ServerName(kind) + ".log";
      auto p = lab.Spawn(Lab::kServer, a, log, cg);
      if (!p.ok()) return p.status();
      rs.procs.push_back(std::move(*p));
      XDPXE_RETURN_IF_ERROR(
          WaitForLogLine(lab.work_dir() + "/" + log, "serving on", 10000));
      if (!rs.Alive()) break;
      break;
    }
  }
  if (!ports.empty()) {
    absl::Status st = WaitForUdpPorts(rs.procs[0].pid(), ports, 5000);
    if (!st.ok()) return st;
  }
  if (!rs.Alive()) {
    return absl::FailedPreconditionError(
        absl::StrCat(ServerName(kind), " exited during start-up (log in ",
                     lab.work_dir(), ")"));
  }
  return rs;
}

}  // namespace xdpxe::bootstorm
