// `xdpxe status [--json]`: asks the running server over its control socket.
// The server formats both views (status_report.h), so this side stays a
// thin client.
#include <cstdio>
#include <iostream>

#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/control.h"

namespace xdpxe::app::cli {

int StatusMain(int argc, char** argv) {
  CommonOptions opts;
  bool json = false;
  std::string socket;
  Flags flags(argv[0], "[--json] [--state-dir DIR] [--socket PATH]",
              "What the running xdpxe serve is doing: uptime, backend, "
              "interface,\n"
              "queues, the attached XDP program, active transfers with "
              "progress,\n"
              "counters, the live autoexec.ipxe. --json for programs.\n"
              "Exit status 1 when no server runs.");
  opts.AddTo(flags, CommonOptions::kBasic);
  flags.Bool("json", 'j', &json, "machine-readable JSON");
  flags.String("socket", 0, &socket,
               "control socket (default: control-socket=, else "
               "STATE/control.sock)",
               "PATH");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  if (socket.empty()) {
    absl::StatusOr<Context> ctx = LoadContext(opts);
    if (!ctx.ok()) {
      std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
      return 1;
    }
    socket = ctx->ControlSocketPath();
  }
  absl::StatusOr<std::string> r =
      ControlCall(socket, json ? "status-json" : "status");
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0],
                 std::string(r.status().message()).c_str());
    return 1;
  }
  std::cout << *r;
  return 0;
}

}  // namespace xdpxe::app::cli
