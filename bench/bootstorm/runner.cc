// The comparison runner (runner.h).
#include "bench/bootstorm/runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/bootstorm/lab.h"
#include "bench/bootstorm/raw_modes.h"
#include "bench/bootstorm/raw_port.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::bootstorm {

namespace {

// xdpxe leaves its XDP program attached and pinned when it stops (so a
// stopped daemon blackholes nothing): take it off, so the next server
// (xdpxe-socket included) runs on a bare interface.
void DetachXdp(Lab& lab, ServerKind kind) {
  if (kind != ServerKind::kXdpxe && kind != ServerKind::kXdpxeSocket) return;
  (void)lab.RunIn(Lab::kServer,
                  {"ip", "link", "set", "dev", lab.ifname(), "xdp", "off"});
  (void)RunCommand({"rm", "-rf", "/sys/fs/bpf/xdpxe/" + lab.ifname()});
}

absl::StatusOr<std::vector<uint8_t>> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", path,
                     " (install the ipxe package, or pass "
                     "--tftp-root with the boot files)"));
  }
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

absl::Status WriteBytes(const std::string& path,
                        const std::vector<uint8_t>& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), data.size());
  out.close();
  if (!out) return absl::UnavailableError("cannot write " + path);
  chmod(path.c_str(), 0644);
  return absl::OkStatus();
}

// The lab's TFTP root: the real iPXE binaries under the names the servers
// hand out, the script, and a file for the raw TFTP mode.
absl::Status MakeTftpRoot(const std::string& dir, size_t raw_bytes) {
  mkdir(dir.c_str(), 0755);
  chmod(dir.c_str(), 0755);
  XDPXE_ASSIGN_OR_RETURN(auto snp, ReadAll("/usr/lib/ipxe/snponly.efi"));
  XDPXE_ASSIGN_OR_RETURN(auto undi, ReadAll("/usr/lib/ipxe/undionly.kpxe"));
  XDPXE_RETURN_IF_ERROR(WriteBytes(dir + "/snp_x64.efi", snp));
  // Debian ships no arm64 iPXE: arm64 machines fetch a copy of the x64 one
  // (same size, so the phase is comparable; the bytes are still checked).
  XDPXE_RETURN_IF_ERROR(WriteBytes(dir + "/snp_aa64.efi", snp));
  XDPXE_RETURN_IF_ERROR(WriteBytes(dir + "/undionly.kpxe", undi));
  std::string script =
      "#!ipxe\n"
      "# bootstorm lab script: what a lab machine runs after iPXE's DHCP.\n"
      "echo XDPXE-AUTOEXEC-OK ${net0/mac} ${net0/ip} via ${next-server}\n"
      "isset ${menu-timeout} || set menu-timeout 5000\n"
      "chain --autofree http://${next-server}/boot/${net0/mac:hexhyp}.ipxe ||\n"
      "echo no per-machine script, booting from the local disk\n"
      "sanboot --no-describe --drive 0x80 || exit\n";
  XDPXE_RETURN_IF_ERROR(
      WriteBytes(dir + "/autoexec.ipxe",
                 std::vector<uint8_t>(script.begin(), script.end())));
  std::vector<uint8_t> raw(raw_bytes);
  std::mt19937 rng(42);
  for (auto& b : raw) b = static_cast<uint8_t>(rng());
  return WriteBytes(dir + "/" + std::string(kRawTftpFile), raw);
}

absl::StatusOr<std::vector<BootFile>> LoadFiles(const std::string& dir) {
  std::vector<BootFile> files;
  for (const char* n : {"snp_x64.efi", "snp_aa64.efi", "undionly.kpxe",
                        "autoexec.ipxe", kRawTftpFile}) {
    XDPXE_ASSIGN_OR_RETURN(auto data, ReadAll(dir + "/" + n));
    files.push_back({n, std::move(data)});
  }
  return files;
}

// The host-wide neighbour table limits (not per namespace). The primary
// and a kernel-stack server each hold one ARP entry per machine, all
// namespaces counting against one gc_thresh3 (default 1024): past it the
// kernel refuses new entries ("neighbour table overflow") and unicast
// replies are lost.
class NeighLimits {
 public:
  NeighLimits(int clients, bool raise, RunReport* report) {
    for (int i = 0; i < 3; ++i) old_[i] = Read(i);
    const int need = 2 * clients + 16;
    if (old_[2] >= need) return;
    if (!raise) {
      report->notes.push_back(absl::StrCat(
          "host net.ipv4.neigh.default.gc_thresh3 is ", old_[2], " but ",
          clients, " machines need about ", need,
          " ARP entries (primary + kernel-stack server): such servers will "
          "lose unicast replies; --raise_neigh_limit raises it for the run"));
      return;
    }
    raised_ = true;
    Write(0, need / 4);
    Write(1, need / 2);
    Write(2, need);
    report->notes.push_back(absl::StrCat("raised host gc_thresh3 from ",
                                         old_[2], " to ", need,
                                         " for the run (restored after)"));
  }
  ~NeighLimits() {
    if (!raised_) return;
    for (int i = 2; i >= 0; --i) Write(i, old_[i]);
  }

 private:
  static std::string Path(int i) {
    return absl::StrCat("/proc/sys/net/ipv4/neigh/default/gc_thresh", i + 1);
  }
  static int Read(int i) {
    std::ifstream in(Path(i));
    int v = 0;
    in >> v;
    return v;
  }
  static void Write(int i, int v) {
    std::ofstream out(Path(i));
    out << v;
  }
  int old_[3] = {};
  bool raised_ = false;
};

}  // namespace

absl::Status RunAll(const RunOptions& opts, RunReport* report) {
  RemoveStaleNamespaces();
  NeighLimits neigh(std::max(opts.storm ? opts.storm_cfg.clients : 0,
                             opts.raw.tftp ? opts.raw.tftp_clients : 0),
                    opts.raise_neigh_limit, report);
  XDPXE_ASSIGN_OR_RETURN(std::unique_ptr<Lab> lab,
                         Lab::Create({.netem = opts.netem}));
  ServerSetup setup = opts.setup;
  if (setup.tftp_root.empty()) {
    setup.tftp_root = lab->work_dir() + "/tftp";
    XDPXE_RETURN_IF_ERROR(
        MakeTftpRoot(setup.tftp_root, opts.raw.tftp_file_bytes));
  }
  XDPXE_ASSIGN_OR_RETURN(std::vector<BootFile> files,
                         LoadFiles(setup.tftp_root));
  // The generator's port lives in the client namespace; this thread only
  // visits it to make the socket.
  XDPXE_ASSIGN_OR_RETURN(int old, lab->EnterNs(Lab::kClient));
  absl::StatusOr<std::unique_ptr<RawPort>> port = RawPort::Open(lab->ifname());
  Lab::LeaveNs(old);
  if (!port.ok()) return port.status();

  StormConfig cfg = opts.storm_cfg;
  cfg.machine.files = &files;
  RawContext raw_ctx;
  raw_ctx.lab = lab.get();
  raw_ctx.port = port->get();
  raw_ctx.files = &files;

  if (opts.raw.baseline) {
    XDPXE_ASSIGN_OR_RETURN(report->baseline, MeasureBaseline(raw_ctx));
    report->have_baseline = true;
  }
  for (int round = 0; round < opts.rounds && !g_stop; ++round) {
    std::vector<ServerKind> order = opts.servers;
    if (round % 2 == 1) std::reverse(order.begin(), order.end());
    for (ServerKind kind : order) {
      if (g_stop) break;
      const std::string name = ServerName(kind);
      // Same starting line for every server: cold ARP caches, new leases.
      (void)lab->RunIn(Lab::kServer, {"ip", "neigh", "flush", "all"});
      (void)lab->RunIn(Lab::kPrimary, {"ip", "neigh", "flush", "all"});
      if (opts.storm) {
        XDPXE_ASSIGN_OR_RETURN(
            Process primary,
            StartPrimary(*lab, opts.primary_ping, setup.primary_preload));
        XDPXE_ASSIGN_OR_RETURN(RunningServer srv,
                               StartServer(*lab, kind, setup));
        // Compare with what is on disk now (a server may publish files).
        XDPXE_ASSIGN_OR_RETURN(files, LoadFiles(setup.tftp_root));
        port->get()->PollRx([](std::span<const uint8_t>) {});  // stale frames
        double cpu0 = srv.CpuSeconds();
        uint64_t srv_drops0 = UdpRcvbufErrors(srv.procs[0].pid());
        uint64_t pri_drops0 = UdpRcvbufErrors(primary.pid());
        uint64_t backlog0 = SoftnetDrops();
        cfg.label = name;
        Storm storm(cfg, port->get());
        StormRound sr;
        sr.server = name;
        sr.round = round;
        sr.result = storm.Run();
        // Let in.tftpd reap its last children before reading cutime.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        sr.server_cpu_s = srv.CpuSeconds() - cpu0;
        sr.server_rcvbuf_drops =
            UdpRcvbufErrors(srv.procs[0].pid()) - srv_drops0;
        sr.primary_rcvbuf_drops = UdpRcvbufErrors(primary.pid()) - pri_drops0;
        sr.backlog_drops = SoftnetDrops() - backlog0;
        if (!srv.Alive()) {
          report->notes.push_back(
              absl::StrCat(name, " died during round ", round));
        }
        report->rounds.push_back(std::move(sr));
        srv.Stop();
        primary.Stop();
        DetachXdp(*lab, kind);
      }
      // Raw modes: one server process for all of them, as in a lab, so a
      // mode's aftermath (the ProxyDHCP flood) shows in the next one's
      // figures — that is how the XDP fill-ring aliasing of issue 5 was
      // found.
      std::optional<RunningServer> shared;
      auto server = [&]() -> absl::StatusOr<RunningServer*> {
        if (!shared) {
          XDPXE_ASSIGN_OR_RETURN(RunningServer s,
                                 StartServer(*lab, kind, setup));
          shared.emplace(std::move(s));
        }
        return &*shared;
      };
      // tftp-hpa has no ProxyDHCP of its own (its DHCP part is dnsmasq).
      if (opts.raw.dhcp && round == 0 && kind != ServerKind::kTftpHpa) {
        XDPXE_ASSIGN_OR_RETURN(RunningServer * srv, server());
        XDPXE_ASSIGN_OR_RETURN(DhcpRaw d, RunDhcpRaw(raw_ctx, *srv, opts.raw));
        d.server = name;
        report->dhcp_raw.push_back(std::move(d));
      }
      if (opts.raw.tftp && round == 0) {
        XDPXE_ASSIGN_OR_RETURN(RunningServer * srv, server());
        XDPXE_ASSIGN_OR_RETURN(TftpRaw t, RunTftpRaw(raw_ctx, *srv, opts.raw));
        t.server = name;
        report->tftp_raw.push_back(std::move(t));
      }
      if (shared) {
        shared->Stop();
        DetachXdp(*lab, kind);
      }
    }
  }
  report->summaries = Summarize(report->rounds);
  if (g_stop) return absl::CancelledError("interrupted (lab torn down)");
  return absl::OkStatus();
}

}  // namespace xdpxe::bootstorm
