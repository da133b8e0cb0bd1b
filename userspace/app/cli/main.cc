// The `xdpxe` command: dispatches to the subcommands in cli/cmd_*.cc.
//
//   xdpxe serve --interface eth1      # the server
//   xdpxe menu                        # the console menu
//   xdpxe status --json               # ask the running server
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "userspace/app/cli/commands.h"

namespace {

constexpr char kUsage[] =
    "Usage: xdpxe COMMAND [OPTIONS]\n"
    "\n"
    "ProxyDHCP + TFTP server for PXE and iPXE network boot, beside the\n"
    "network's own DHCP server (like dnsmasq's dhcp-range=...,proxy).\n"
    "\n"
    "Commands:\n"
    "  serve             run the server (ProxyDHCP on 67/4011, TFTP)\n"
    "  status [--json]   what the running server is doing\n"
    "  menu              console menu: log, settings, autoexec.ipxe, shell\n"
    "  log [-f]          the boot event log (-f follows it)\n"
    "  config check      validate the settings (file:line: key: problem)\n"
    "  config edit       edit the settings in $EDITOR, validated, applied\n"
    "  autoexec fetch URL  download autoexec.ipxe (http/https), make it live\n"
    "  autoexec edit     edit autoexec.ipxe in $EDITOR, validated\n"
    "  autoexec show     the live script, its source and SHA-256\n"
    "  replay FILE.pcap  what the ProxyDHCP responder answers to a capture\n"
    "\n"
    "`xdpxe COMMAND --help` describes each. Settings: /etc/xdpxe/xdpxe.conf\n"
    "or the state dir's copy (/var/lib/xdpxe/xdpxe.conf).\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace xdpxe::app::cli;
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("xdpxe %s\n", XDPXE_VERSION);
    return 0;
  }
  struct {
    const char* name;
    int (*main)(int, char**);
  } const commands[] = {
      {"serve", ServeMain},       {"replay", ReplayMain},
      {"status", StatusMain},     {"menu", MenuMain},
      {"log", LogMain},           {"config", ConfigMain},
      {"autoexec", AutoexecMain},
  };
  for (const auto& c : commands) {
    if (!std::strcmp(argv[1], c.name)) {
      std::string name = absl::StrCat("xdpxe ", c.name);
      argv[1] = name.data();
      return c.main(argc - 1, argv + 1);
    }
  }
  std::fprintf(stderr,
               "xdpxe: unknown command \"%s\" (xdpxe --help lists them)\n",
               argv[1]);
  return 2;
}
