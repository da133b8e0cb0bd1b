// `xdpxe config check|edit|show`: the settings file from the command line.
#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/cli/interactive.h"
#include "userspace/app/config_values.h"

namespace xdpxe::app::cli {
namespace {

void PrintSummary(const Context& ctx) {
  const Settings& s = ctx.settings;
  std::cout << "  interface      "
            << (s.interface.empty() ? "(none: give --interface)" : s.interface)
            << "\n  listen-address "
            << (s.listen_address ? s.listen_address->ToString()
                                 : "(the interface's)")
            << "\n  backend        " << BackendName(s.backend)
            << (s.backend == BackendKind::kXdp
                    ? absl::StrCat(" (", XdpModeName(s.xdp_mode), ")")
                    : "")
            << "\n  tftp-root      " << ctx.tftp_root << " ("
            << ctx.tftp_root_reason << ")"
            << "\n  boot files     bios=" << s.boot_bios
            << " x64=" << s.boot_x64 << " ia32=" << s.boot_ia32
            << " arm32=" << s.boot_arm32 << " arm64=" << s.boot_arm64
            << "\n  ipxe-script    " << s.ipxe_script << "\n  host rules     "
            << s.hosts.size() << "\n  metrics        "
            << (s.metrics_listen.empty() ? "off" : s.metrics_listen)
            << "\n  control socket " << ctx.ControlSocketPath()
            << "\n  boot log       "
            << (ctx.LogPath().empty() ? "stderr only" : ctx.LogPath()) << "\n";
}

}  // namespace

int ConfigMain(int argc, char** argv) {
  CommonOptions opts;
  std::vector<std::string> pos;
  Flags flags(argv[0], "check|edit [--config FILE] [--state-dir DIR]",
              "check: validates the settings and prints what applies; every "
              "problem\n"
              "is reported as FILE:LINE: KEY: WHAT. Exit status 1 if any.\n"
              "edit: opens the settings in $EDITOR (else nano, else vi); on "
              "save they\n"
              "are validated, written atomically and applied to the running "
              "server.\n"
              "A bad edit keeps the old settings and offers to edit again.");
  opts.AddTo(flags, CommonOptions::kBasic);
  flags.Positionals(&pos, 1, 1, "check or edit");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  if (pos[0] != "check" && pos[0] != "edit") {
    std::fprintf(stderr, "%s: unknown action \"%s\" (check or edit)\n", argv[0],
                 pos[0].c_str());
    return 2;
  }
  absl::StatusOr<Context> ctx = LoadContext(opts);
  if (pos[0] == "check") {
    if (!ctx.ok()) {
      std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
      return 1;
    }
    std::cout << (ctx->config_path.empty()
                      ? std::string("no config file: built-in defaults")
                      : absl::StrCat(ctx->config_path, ": ok"))
              << "\n";
    PrintSummary(*ctx);
    return 0;
  }
  if (!ctx.ok()) {
    // The current file is broken: still let the operator fix it.
    std::cout << "The current settings have problems:\n"
              << ctx.status().message() << "\n";
    return EditSettings(PathsOnly(opts));
  }
  return EditSettings(*ctx);
}

}  // namespace xdpxe::app::cli
