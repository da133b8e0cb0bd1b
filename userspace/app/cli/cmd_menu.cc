// `xdpxe menu`: the console menu of the PXE gateway appliance. Six
// operations, each also a plain command (see interactive.h):
//   1 live boot log (Ctrl-C returns here)   4 edit autoexec.ipxe
//   2 edit settings                         5 shell
//   3 download autoexec.ipxe from a URL     6 exit
#include <signal.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/cli/interactive.h"
#include "userspace/app/cli/live_log.h"
#include "userspace/app/control.h"

namespace xdpxe::app::cli {
namespace {

constexpr char kMenu[] =
    "\n"
    "  1) View the live boot log\n"
    "  2) Edit settings\n"
    "  3) Download autoexec.ipxe from a URL\n"
    "  4) Edit autoexec.ipxe\n"
    "  5) Run a shell\n"
    "  6) Exit\n";

void PrintHeader(const CommonOptions& opts) {
  absl::StatusOr<Context> ctx = LoadContext(opts);
  std::cout << "\n=== xdpxe: PXE / iPXE boot server ===\n";
  if (!ctx.ok()) {
    std::cout << "Settings have problems (option 2 fixes them):\n"
              << ctx.status().message() << "\n";
    return;
  }
  absl::StatusOr<std::string> srv =
      ControlCall(ctx->ControlSocketPath(), "summary", absl::Seconds(2));
  std::cout << "Server:   "
            << (srv.ok() ? *srv
                         : std::string("not running (start: systemctl start "
                                       "xdpxe, or xdpxe serve)\n"));
  std::cout << "Settings: "
            << (ctx->config_path.empty() ? "built-in defaults"
                                         : ctx->config_path)
            << "\nState:    " << ctx->state.path() << "\n";
  absl::StatusOr<ScriptInfo> live = ctx->Scripts().Current();
  std::cout << "Script:   "
            << (live.ok() ? absl::StrCat("autoexec.ipxe sha256=",
                                         live->sha256.substr(0, 16), "... ",
                                         live->source)
                          : std::string("no autoexec.ipxe yet (option 3 or 4)"))
            << "\n";
}

// Loads the context for an operation, or explains why it cannot run.
std::optional<Context> Load(const CommonOptions& opts) {
  absl::StatusOr<Context> ctx = LoadContext(opts);
  if (!ctx.ok()) {
    std::cout << "The settings have problems; fix them with option 2:\n"
              << ctx.status().message() << "\n";
    return std::nullopt;
  }
  return *std::move(ctx);
}

}  // namespace

int MenuMain(int argc, char** argv) {
  CommonOptions opts;
  Flags flags(argv[0], "[--config FILE] [--tftp-root DIR] [--state-dir DIR]",
              "The console menu: live boot log, settings, autoexec.ipxe "
              "(download or\n"
              "edit), a shell. Talks to the running xdpxe serve through its "
              "control\n"
              "socket. Every operation is also a plain command: xdpxe log -f, "
              "xdpxe\n"
              "config edit, xdpxe autoexec fetch URL --review, xdpxe autoexec "
              "edit.");
  opts.AddTo(flags, CommonOptions::kBasic);
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  // Ctrl-C at the prompt is not a way out of the console menu (6 is); in
  // the log view it returns here, in the editor and shell it is theirs.
  signal(SIGINT, SIG_IGN);
  bool show_header = true;
  for (;;) {
    if (show_header) PrintHeader(opts);
    std::cout << kMenu;
    show_header = true;
    std::optional<std::string> choice = Ask("Choose 1-6: ");
    if (!choice) return 0;  // EOF
    if (*choice == "1") {
      std::optional<Context> ctx = Load(opts);
      if (!ctx) continue;
      if (ctx->LogPath().empty()) {
        std::cout << "log-file=- : events go to the server's stderr only.\n";
        continue;
      }
      std::cout << "Live boot log " << ctx->LogPath()
                << " (Ctrl-C returns to the menu)\n";
      FollowOptions fo;
      fo.tail_lines = 20;
      absl::Status st = FollowUntilInterrupt(ctx->LogPath(), fo);
      signal(SIGINT, SIG_IGN);
      if (!st.ok()) std::cout << st.message() << "\n";
      std::cout << "\n(back to the menu)\n";
    } else if (*choice == "2") {
      absl::StatusOr<Context> ctx = LoadContext(opts);
      // Settings that do not parse are exactly what this option fixes.
      EditSettings(ctx.ok() ? *ctx : PathsOnly(opts));
    } else if (*choice == "3") {
      std::optional<Context> ctx = Load(opts);
      if (!ctx) continue;
      std::optional<std::string> url = Ask(
          "URL of the iPXE script (http:// or https://, empty to cancel): ");
      if (!url || url->empty()) continue;
      FetchScriptCommand(*ctx, *url, /*review=*/true);
    } else if (*choice == "4") {
      std::optional<Context> ctx = Load(opts);
      if (ctx) EditScript(*ctx);
    } else if (*choice == "5") {
      RunShell();
      std::cout << "Back in the xdpxe menu.\n";
    } else if (*choice == "6" || *choice == "q" || *choice == "exit") {
      return 0;
    } else {
      std::cout << "\"" << *choice
                << "\" is not a choice: type a number from 1 to 6.\n";
      show_header = false;
    }
  }
}

}  // namespace xdpxe::app::cli
