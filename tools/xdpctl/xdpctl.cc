// xdpctl: attach, detach, inspect and configure xdpxe's XDP program, in the
// manner of xdp-loader. See tools/xdpctl/README.md for the manual.
//
//   xdpctl attach veth0 --mode native --server-ip 198.18.10.1
//   xdpctl stats veth0 --json
//   xdpctl config veth0 pass-dhcp=on
//   xdpctl detach veth0
#include <net/if.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/xdpctl/output.h"
#include "userspace/common/log.h"
#include "userspace/io/xdp_loader.h"

namespace xdpxe::xdpctl {
namespace {

constexpr char kUsage[] =
    "usage: xdpctl [-v] COMMAND [ARGS]\n"
    "\n"
    "Attach and inspect xdpxe's XDP program (pinned under "
    "/sys/fs/bpf/xdpxe/IFACE/).\n"
    "\n"
    "commands:\n"
    "  attach IFACE [--mode native|generic] [--server-ip A] [--tftp-ports "
    "LO-HI]\n"
    "               [--pass-dhcp] [--force]\n"
    "  detach IFACE [--force]\n"
    "  status [IFACE] [--json]\n"
    "  stats  [IFACE] [--json] [--watch] [--interval S] [--count N]\n"
    "  config IFACE [key=value...]   keys: server-ip, tftp-ports, pass-dhcp, "
    "pass-all\n"
    "\n"
    "xdpctl COMMAND --help describes one command.\n";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"attach",
       "usage: xdpctl attach IFACE [--mode native|generic] [--server-ip A]\n"
       "                     [--tftp-ports LO-HI] [--pass-dhcp] [--force]\n"
       "Loads the program, attaches it to IFACE with a bpf_link and pins it\n"
       "under /sys/fs/bpf/xdpxe/IFACE/. Attaching again only rewrites the\n"
       "config. Refuses to replace another XDP program unless --force.\n"
       "  --mode        native (driver, default) or generic (skb)\n"
       "  --server-ip   our IPv4 address: 4011, 69 and the transfer ports\n"
       "                to it are steered (default 0.0.0.0: only PXE DHCP)\n"
       "  --tftp-ports  transfer port range (default 61000-65535); must not\n"
       "                overlap net.ipv4.ip_local_port_range\n"
       "  --pass-dhcp   leave port 67 to the kernel (a DHCP server runs "
       "here)\n"
       "  --force       replace a foreign XDP program\n"},
      {"detach",
       "usage: xdpctl detach IFACE [--force]\n"
       "Detaches xdpxe's program from IFACE and removes its pins. --force\n"
       "also detaches an XDP program that is not xdpxe's.\n"},
      {"status",
       "usage: xdpctl status [IFACE] [--json]\n"
       "Shows what is attached to IFACE (default: every interface with "
       "pins):\n"
       "program id and name, mode, pins, config.\n"},
      {"stats",
       "usage: xdpctl stats [IFACE] [--json] [--watch] [--interval S] "
       "[--count N]\n"
       "Prints the per-verdict counters (summed over CPUs). --watch "
       "repeats\n"
       "every S seconds (default 1) with rates, until Ctrl-C or N rounds.\n"},
      {"config",
       "usage: xdpctl config IFACE [key=value...]\n"
       "Without keys, prints the config. Otherwise changes it while "
       "attached:\n"
       "  server-ip=A  tftp-ports=LO-HI  pass-dhcp=on|off  pass-all=on|off\n"},
  };
  return *help;
}

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Fail(const absl::Status& st) {
  std::cerr << "xdpctl: " << st.message() << "\n";
  return 1;
}
int Usage(const std::string& msg) {
  std::cerr << "xdpctl: " << msg << " (xdpctl --help)\n";
  return 2;
}

// Positional arguments and --options of one command.
struct Args {
  std::vector<std::string> pos;
  std::map<std::string, std::string> opt;  // "--json" → "" for flags
  bool Has(const std::string& k) const { return opt.count(k) != 0; }
};

// `with_value` options take the next argument.
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv,
                               const std::vector<std::string>& flags,
                               const std::vector<std::string>& with_value) {
  Args a;
  auto in = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (!absl::StartsWith(arg, "--")) {
      a.pos.push_back(arg);
      continue;
    }
    std::string value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      if (!in(with_value, arg))
        return absl::InvalidArgumentError(arg + " takes no value");
    } else if (in(with_value, arg)) {
      if (i + 1 >= argv.size())
        return absl::InvalidArgumentError(arg + " needs a value");
      value = argv[++i];
    } else if (!in(flags, arg)) {
      return absl::InvalidArgumentError("unknown option " + arg);
    }
    a.opt[arg] = value;
  }
  return a;
}

absl::Status ParsePorts(const std::string& text, io::XdpConfig* cfg) {
  std::vector<std::string> p = absl::StrSplit(text, '-');
  uint32_t lo, hi;
  if (p.size() != 2 || !absl::SimpleAtoi(p[0], &lo) ||
      !absl::SimpleAtoi(p[1], &hi) || lo > 65535 || hi > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tftp-ports \"", text, "\": expected LO-HI, e.g. 61000-65535"));
  }
  cfg->tftp_port_lo = lo;
  cfg->tftp_port_hi = hi;
  return absl::OkStatus();
}

absl::Status ParseServerIp(const std::string& text, io::XdpConfig* cfg) {
  auto ip = net::Ipv4Addr::Parse(text);
  if (!ip) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server-ip \"", text, "\": not an IPv4 address (e.g. 198.18.10.1)"));
  }
  cfg->server_ip = *ip;
  return absl::OkStatus();
}

absl::Status ParseOnOff(const std::string& key, const std::string& v,
                        uint32_t bit, io::XdpConfig* cfg) {
  if (v == "on" || v == "1" || v == "true" || v == "yes") {
    cfg->flags |= bit;
  } else if (v == "off" || v == "0" || v == "false" || v == "no") {
    cfg->flags &= ~bit;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(key, "=", v, ": expected on or off"));
  }
  return absl::OkStatus();
}

// True when a socket in this network namespace is bound to UDP port 67 (a
// DHCP server that XDP would starve of PXE clients' requests).
bool SomethingListensOnDhcp() {
  for (const char* path : {"/proc/net/udp", "/proc/net/udp6"}) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      // "  sl  local_address rem_address ...": local is HEXADDR:HEXPORT.
      std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (f.size() > 1 && absl::EndsWith(f[1], ":0043")) return true;
    }
  }
  return false;
}

int CmdAttach(const Args& a) {
  if (a.pos.size() != 1) return Usage("attach needs exactly one IFACE");
  io::XdpMode mode = io::XdpMode::kNative;
  if (a.Has("--mode")) {
    auto m = io::ParseXdpMode(a.opt.at("--mode"));
    if (!m)
      return Usage("--mode " + a.opt.at("--mode") + ": native or generic");
    mode = *m;
  }
  io::XdpConfig cfg;
  absl::Status st;
  if (a.Has("--server-ip")) st = ParseServerIp(a.opt.at("--server-ip"), &cfg);
  if (st.ok() && a.Has("--tftp-ports"))
    st = ParsePorts(a.opt.at("--tftp-ports"), &cfg);
  if (!st.ok()) return Usage(std::string(st.message()));
  if (a.Has("--pass-dhcp")) {
    cfg.flags |= XDPXE_F_PASS_DHCP;
  } else if (SomethingListensOnDhcp()) {
    std::cerr << "xdpctl: warning: something on this host listens on UDP "
                 "port 67 (a DHCP server?); PXE clients' requests will go to "
                 "xdpxe instead of it. Use --pass-dhcp to leave port 67 to "
                 "the kernel.\n";
  }
  auto prog = io::XdpProgram::Attach(a.pos[0], mode, cfg, a.Has("--force"));
  if (!prog.ok()) return Fail(prog.status());
  std::cout << a.pos[0] << ": xdpxe attached (prog id " << prog->prog_id()
            << ", " << io::XdpModeName(mode) << ", " << ConfigText(cfg)
            << ")\n";
  return 0;
}

int CmdDetach(const Args& a) {
  if (a.pos.size() != 1) return Usage("detach needs exactly one IFACE");
  absl::Status st = io::DetachInterface(a.pos[0], a.Has("--force"));
  if (!st.ok()) return Fail(st);
  std::cout << a.pos[0] << ": detached\n";
  return 0;
}

// The named interfaces, or every pinned one that exists in this network
// namespace (bpffs is shared by all namespaces, so the pins of other
// namespaces' interfaces are listed there too).
std::vector<std::string> Targets(const Args& a) {
  if (!a.pos.empty()) return a.pos;
  std::vector<std::string> out;
  for (const std::string& ifname : io::ListPinnedInterfaces()) {
    if (if_nametoindex(ifname.c_str()) != 0) out.push_back(ifname);
  }
  return out;
}

int CmdStatus(const Args& a) {
  const bool json = a.Has("--json");
  std::vector<std::string> out;
  int rc = 0;
  for (const std::string& ifname : Targets(a)) {
    auto st = io::QueryInterface(ifname);
    if (!st.ok()) {
      rc = Fail(st.status());
      continue;
    }
    out.push_back(json ? StatusJson(*st) : StatusTable(*st));
  }
  if (json) {
    std::cout << (a.pos.size() == 1 && out.size() == 1
                      ? out[0]
                      : absl::StrCat("[", absl::StrJoin(out, ","), "]"))
              << "\n";
  } else if (out.empty() && rc == 0) {
    std::cout << "xdpxe is not attached anywhere (no pins under "
              << io::kXdpPinRoot << ")\n";
  } else {
    std::cout << absl::StrJoin(out, "\n");
  }
  return rc;
}

int CmdStats(const Args& a) {
  const bool json = a.Has("--json");
  const bool watch = a.Has("--watch") || a.Has("--count");
  double interval = 1;
  uint64_t count = watch ? UINT64_MAX : 1;
  if (a.Has("--interval") &&
      (!absl::SimpleAtod(a.opt.at("--interval"), &interval) || interval <= 0 ||
       interval > 3600))
    return Usage("--interval " + a.opt.at("--interval") + ": 0..3600 seconds");
  if (a.Has("--count") &&
      (!absl::SimpleAtoi(a.opt.at("--count"), &count) || count == 0))
    return Usage("--count " + a.opt.at("--count") + ": a positive number");

  std::vector<io::XdpProgram> progs;
  for (const std::string& ifname : Targets(a)) {
    auto p = io::XdpProgram::OpenPinned(ifname);
    if (!p.ok()) return Fail(p.status());
    progs.push_back(std::move(*p));
  }
  if (progs.empty()) {
    return Fail(absl::NotFoundError(
        absl::StrCat("xdpxe is not attached anywhere (no pins under ",
                     io::kXdpPinRoot, "; xdpctl attach IFACE)")));
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  std::vector<std::optional<io::XdpStats>> prev(progs.size());
  for (uint64_t round = 0; round < count && !g_stop; ++round) {
    if (round > 0) {
      auto until = std::chrono::steady_clock::now() +
                   std::chrono::duration<double>(interval);
      while (!g_stop && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (g_stop) break;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < progs.size(); ++i) {
      auto s = progs[i].ReadStats();
      if (!s.ok()) return Fail(s.status());
      out.push_back(json ? StatsJson(progs[i].ifname(), progs[i].prog_id(), *s)
                         : StatsTable(progs[i].ifname(), *s,
                                      prev[i] ? &*prev[i] : nullptr, interval));
      prev[i] = *s;
    }
    if (json) {
      std::cout << (a.pos.size() == 1
                        ? out[0]
                        : absl::StrCat("[", absl::StrJoin(out, ","), "]"))
                << std::endl;
    } else {
      std::cout << absl::StrJoin(out, "\n") << (watch ? "\n" : "")
                << std::flush;
    }
  }
  return 0;
}

int CmdConfig(const std::vector<std::string>& argv) {
  if (argv.empty() || absl::StartsWith(argv[0], "-"))
    return Usage("config needs an IFACE");
  auto prog = io::XdpProgram::OpenPinned(argv[0]);
  if (!prog.ok()) return Fail(prog.status());
  auto cfg = prog->GetConfig();
  if (!cfg.ok()) return Fail(cfg.status());
  if (argv.size() == 1) {
    std::cout << argv[0] << ": " << ConfigText(*cfg) << "\n";
    return 0;
  }
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string key = argv[i], value;
    if (size_t eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      return Usage(
          absl::StrCat("config: \"", argv[i], "\": expected key=value"));
    }
    absl::Status st;
    if (key == "server-ip") {
      st = ParseServerIp(value, &*cfg);
    } else if (key == "tftp-ports") {
      st = ParsePorts(value, &*cfg);
    } else if (key == "pass-dhcp") {
      st = ParseOnOff(key, value, XDPXE_F_PASS_DHCP, &*cfg);
    } else if (key == "pass-all") {
      st = ParseOnOff(key, value, XDPXE_F_PASS_ALL, &*cfg);
    } else {
      return Usage(absl::StrCat("config: unknown key \"", key,
                                "\" (server-ip, tftp-ports, pass-dhcp, "
                                "pass-all)"));
    }
    if (!st.ok()) return Usage(std::string(st.message()));
  }
  if (absl::Status st = prog->SetConfig(*cfg); !st.ok()) return Fail(st);
  std::cout << argv[0] << ": " << ConfigText(*cfg) << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  SetLogLevel(LogLevel::kWarning);
  while (!args.empty() && (args[0] == "-v" || args[0] == "--verbose")) {
    SetLogLevel(GetLogLevel() == LogLevel::kWarning ? LogLevel::kInfo
                                                    : LogLevel::kDebug);
    args.erase(args.begin());
  }
  if (args.empty()) return Usage("no command");
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    if (!args.empty() && CommandHelp().count(args[0])) {
      std::cout << CommandHelp().at(args[0]);
    } else {
      std::cout << kUsage;
    }
    return 0;
  }
  if (!CommandHelp().count(cmd))
    return Usage("unknown command \"" + cmd + "\"");
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << CommandHelp().at(cmd);
      return 0;
    }
  }
  if (cmd == "config") return CmdConfig(args);

  absl::StatusOr<Args> a;
  if (cmd == "attach") {
    a = ParseArgs(args, {"--force", "--pass-dhcp"},
                  {"--mode", "--server-ip", "--tftp-ports"});
  } else if (cmd == "detach") {
    a = ParseArgs(args, {"--force"}, {});
  } else if (cmd == "status") {
    a = ParseArgs(args, {"--json"}, {});
  } else {
    a = ParseArgs(args, {"--json", "--watch"}, {"--interval", "--count"});
  }
  if (!a.ok()) return Usage(absl::StrCat(cmd, ": ", a.status().message()));
  if (cmd == "attach") return CmdAttach(*a);
  if (cmd == "detach") return CmdDetach(*a);
  if (cmd == "status") return CmdStatus(*a);
  return CmdStats(*a);
}

}  // namespace
}  // namespace xdpxe::xdpctl

int main(int argc, char** argv) { return xdpxe::xdpctl::Main(argc, argv); }
