// bootstorm: the simultaneous-boot load generator and comparison runner.
//
//   bootstorm --clients 500 --server dnsmasq
//   bootstorm --clients 500 --compare --rounds 2 --raw --json out.json
//             --html report.html
//   bootstorm --clients 200 --server xdpxe --mix bios=10,x64=80,arm64=10
//             --spread 2 --netem "loss 1% delay 1ms"
//
// Builds the lab (lab.h) in namespaces xs-<pid>-*, runs, tears it down
// (also on Ctrl-C). Needs root. See bench/bootstorm/README.md.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/bootstorm/lab.h"
#include "bench/bootstorm/report.h"
#include "bench/bootstorm/runner.h"

ABSL_FLAG(int, clients, 100, "simulated machines per storm (1..10000)");
ABSL_FLAG(std::string, server, "dnsmasq",
          "server under test: xdpxe, xdpxe-socket, dnsmasq, tftp-hpa "
          "(comma list allowed)");
ABSL_FLAG(bool, compare, false,
          "run xdpxe, xdpxe-socket, dnsmasq and tftp-hpa in one run");
ABSL_FLAG(int, rounds, 1, "rounds; the server order alternates per round");
ABSL_FLAG(double, spread, 0, "start the machines uniformly over S seconds");
ABSL_FLAG(std::string, mix, "bios=10,x64=80,arm64=10", "client mix, percent");
ABSL_FLAG(std::string, netem, "",
          "tc netem arguments on the bridge ports, e.g. \"loss 1% delay 1ms\"");
ABSL_FLAG(double, loss, 0,
          "drop this fraction of frames in the generator, both directions "
          "(e.g. 0.01; for kernels without sch_netem)");
ABSL_FLAG(std::string, json, "", "write JSON results here");
ABSL_FLAG(std::string, html, "", "write the HTML report here");
ABSL_FLAG(bool, raw, false,
          "also run the raw modes (ProxyDHCP rate, TFTP goodput, baselines)");
ABSL_FLAG(bool, no_storm, false, "skip the boot storm (raw modes only)");
ABSL_FLAG(std::string, raw_modes, "baseline,dhcp,tftp",
          "which raw modes --raw runs");
ABSL_FLAG(int, raw_tftp_clients, 200, "concurrent downloads in raw TFTP mode");
ABSL_FLAG(std::string, raw_windows, "1,4,16,64", "raw TFTP windows");
ABSL_FLAG(double, timeout, 120, "seconds one storm may take at most");
ABSL_FLAG(int, window, 4, "firmware TFTP windowsize (0: none, lock-step)");
ABSL_FLAG(int, blksize, 1468, "firmware TFTP blksize");
ABSL_FLAG(bool, no_probe, false, "skip EDK2's tsize probe RRQ");
ABSL_FLAG(bool, primary_ping, false,
          "let the primary dnsmasq ping before offering (adds 3 s per boot)");
ABSL_FLAG(std::string, tftp_root, "",
          "serve this directory (default: a lab dir with the iPXE binaries)");
ABSL_FLAG(std::string, xdpxe_binary, "",
          "path to xdpxe (default: ../userspace/app/xdpxe next to bootstorm)");
ABSL_FLAG(std::string, xdpxe_args, "", "extra `xdpxe serve` arguments");
ABSL_FLAG(uint32_t, seed, 1, "random seed (start times)");
ABSL_FLAG(bool, raise_neigh_limit, false,
          "raise the host-wide ARP table limit (gc_thresh3) for storms above "
          "~500 machines, restored after the run");
ABSL_FLAG(bool, shallow_primary, false,
          "leave the primary dnsmasq's socket buffers at the kernel default "
          "(it then drops a storm's first burst, for every server alike)");

namespace xb = xdpxe::bootstorm;

namespace {

bool ParseMix(const std::string& text, xb::StormConfig* cfg) {
  cfg->mix_bios = cfg->mix_x64 = cfg->mix_arm64 = 0;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(part, '=');
    int v = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &v) || v < 0) return false;
    if (kv[0] == "bios") {
      cfg->mix_bios = v;
    } else if (kv[0] == "x64") {
      cfg->mix_x64 = v;
    } else if (kv[0] == "arm64") {
      cfg->mix_arm64 = v;
    } else {
      return false;
    }
  }
  return cfg->mix_bios + cfg->mix_x64 + cfg->mix_arm64 > 0;
}

std::string SelfDir(const char* argv0) {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  std::string self = n > 0 ? std::string(buf, n) : std::string(argv0);
  return self.substr(0, self.rfind('/'));
}

std::string DefaultXdpxe(const char* argv0) {
  std::string dir = SelfDir(argv0);
  // bootstorm lives in <build>/bench/; xdpxe in <build>/userspace/app/.
  return dir + "/../userspace/app/xdpxe";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "bootstorm --clients N --server xdpxe|xdpxe-socket|dnsmasq|tftp-hpa "
      "[--compare] [--raw] [--json F] [--html F]");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::fprintf(stderr, "bootstorm: unexpected argument '%s' (see --help)\n",
                 rest[1]);
    return 2;
  }
  if (geteuid() != 0) {
    std::fprintf(stderr,
                 "bootstorm: needs root (network namespaces, AF_PACKET)\n");
    return 2;
  }
  xb::RunOptions o;
  std::vector<std::string> names =
      absl::GetFlag(FLAGS_compare)
          ? std::vector<std::string>{"xdpxe", "xdpxe-socket", "dnsmasq",
                                     "tftp-hpa"}
          : absl::StrSplit(absl::GetFlag(FLAGS_server), ',', absl::SkipEmpty());
  for (const std::string& n : names) {
    absl::StatusOr<xb::ServerKind> k = xb::ParseServer(n);
    if (!k.ok()) {
      std::fprintf(stderr, "bootstorm: %s\n", k.status().ToString().c_str());
      return 2;
    }
    o.servers.push_back(*k);
  }
  o.rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  o.storm = !absl::GetFlag(FLAGS_no_storm);
  xb::StormConfig& s = o.storm_cfg;
  s.clients = absl::GetFlag(FLAGS_clients);
  if (s.clients < 1 || s.clients > 10000) {
    std::fprintf(stderr, "bootstorm: --clients %d: use 1..10000\n", s.clients);
    return 2;
  }
  s.spread_s = std::max(0.0, absl::GetFlag(FLAGS_spread));
  s.timeout_s = std::max(1.0, absl::GetFlag(FLAGS_timeout));
  s.seed = absl::GetFlag(FLAGS_seed);
  s.loss = std::clamp(absl::GetFlag(FLAGS_loss), 0.0, 0.5);
  if (!ParseMix(absl::GetFlag(FLAGS_mix), &s)) {
    std::fprintf(stderr,
                 "bootstorm: --mix '%s': use e.g. bios=10,x64=80,arm64=10\n",
                 absl::GetFlag(FLAGS_mix).c_str());
    return 2;
  }
  s.machine.fw_window = static_cast<uint16_t>(absl::GetFlag(FLAGS_window));
  s.machine.fw_blksize = static_cast<uint16_t>(absl::GetFlag(FLAGS_blksize));
  s.machine.fw_tsize_probe = !absl::GetFlag(FLAGS_no_probe);
  if (absl::GetFlag(FLAGS_raw)) {
    for (absl::string_view m : absl::StrSplit(absl::GetFlag(FLAGS_raw_modes),
                                              ',', absl::SkipEmpty())) {
      if (m == "baseline") o.raw.baseline = true;
      if (m == "dhcp") o.raw.dhcp = true;
      if (m == "tftp") o.raw.tftp = true;
    }
  }
  o.raw.tftp_clients = absl::GetFlag(FLAGS_raw_tftp_clients);
  o.raw.tftp_windows.clear();
  for (absl::string_view w : absl::StrSplit(absl::GetFlag(FLAGS_raw_windows),
                                            ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(w, &v) && v >= 1 && v <= 64) {
      o.raw.tftp_windows.push_back(v);
    }
  }
  o.primary_ping = absl::GetFlag(FLAGS_primary_ping);
  o.raise_neigh_limit = absl::GetFlag(FLAGS_raise_neigh_limit);
  o.netem = absl::GetFlag(FLAGS_netem);
  o.setup.tftp_root = absl::GetFlag(FLAGS_tftp_root);
  o.setup.xdpxe_binary = absl::GetFlag(FLAGS_xdpxe_binary);
  if (o.setup.xdpxe_binary.empty())
    o.setup.xdpxe_binary = DefaultXdpxe(argv[0]);
  for (absl::string_view a : absl::StrSplit(absl::GetFlag(FLAGS_xdpxe_args),
                                            ' ', absl::SkipEmpty())) {
    o.setup.xdpxe_extra.emplace_back(a);
  }

  xb::RunReport report;
  std::vector<std::string> args(argv, argv + argc);
  report.command = absl::StrJoin(args, " ");
  time_t now = time(nullptr);
  char ts[32];
  strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  report.started_utc = ts;
  utsname u{};
  uname(&u);
  report.host = absl::StrCat(u.sysname, " ", u.release, " ", u.machine);
  report.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (!o.primary_ping) {
    report.notes.push_back(
        "primary dnsmasq runs with --no-ping (no 3-s address-conflict check "
        "before a first offer)");
  }
  if (!o.netem.empty()) report.notes.push_back("netem: " + o.netem);
  if (s.loss > 0) {
    report.notes.push_back(absl::StrCat("generator-side loss ", s.loss * 100,
                                        "% per frame, both directions"));
  }
  const std::string preload = SelfDir(argv[0]) + "/deep_rcvbuf.so";
  if (!absl::GetFlag(FLAGS_shallow_primary)) {
    if (access(preload.c_str(), R_OK) == 0) {
      o.setup.primary_preload = preload;
      report.notes.push_back(
          "primary dnsmasq has 8 MiB socket buffers (deep_rcvbuf.so), so "
          "the lab's DHCP server is not what limits a storm; servers under "
          "test keep the kernel defaults");
    } else {
      report.notes.push_back(
          "deep_rcvbuf.so not found next to bootstorm: "
          "the primary keeps shallow socket buffers");
    }
  }

  xb::InstallStopHandlers();
  std::fprintf(stderr, "bootstorm: %d machines, servers %s, %d round(s)\n",
               s.clients, absl::StrJoin(names, ",").c_str(), o.rounds);
  absl::Status st = xb::RunAll(o, &report);
  std::string text = xb::TextReport(report);
  std::fputs(text.c_str(), stdout);
  if (!absl::GetFlag(FLAGS_json).empty()) {
    absl::Status w =
        xb::WriteFile(absl::GetFlag(FLAGS_json), xb::JsonReport(report));
    if (!w.ok()) std::fprintf(stderr, "bootstorm: %s\n", w.ToString().c_str());
  }
  if (!absl::GetFlag(FLAGS_html).empty()) {
    absl::Status w =
        xb::WriteFile(absl::GetFlag(FLAGS_html), xb::HtmlReport(report));
    if (!w.ok()) std::fprintf(stderr, "bootstorm: %s\n", w.ToString().c_str());
  }
  if (!st.ok()) {
    std::fprintf(stderr, "bootstorm: %s\n", st.ToString().c_str());
    return 1;
  }
  // Exit status 3: the storm ran but not every machine booted.
  for (const xb::ServerSummary& sum : report.summaries) {
    if (sum.failed > 0) return 3;
  }
  return 0;
}
