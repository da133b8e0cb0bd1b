// `xdpxe log [-f] [-n N]`: the boot event log, like tail [-F].
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/cli/live_log.h"
#include "userspace/app/log_follow.h"

namespace xdpxe::app::cli {

int LogMain(int argc, char** argv) {
  CommonOptions opts;
  bool follow = false;
  int lines = 20;
  Flags flags(argv[0], "[-f] [-n N] [--state-dir DIR] [--config FILE]",
              "Prints the last N boot events (one logfmt line each: time, "
              "event, mac, ip,\n"
              "arch, file, bytes, blksize, window, duration_ms, "
              "retransmits...). With -f,\n"
              "keeps printing new events across log rotations until "
              "Ctrl-C.");
  opts.AddTo(flags, CommonOptions::kBasic);
  flags.Bool("follow", 'f', &follow, "follow new events until Ctrl-C");
  flags.Int("lines", 'n', &lines, "how many past events to show (default 20)");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  absl::StatusOr<Context> ctx = LoadContext(opts);
  if (!ctx.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  if (ctx->LogPath().empty()) {
    std::fprintf(stderr,
                 "%s: log-file=- : the server logs to stderr only (journalctl "
                 "-u xdpxe)\n",
                 argv[0]);
    return 1;
  }
  FollowOptions fo;
  fo.tail_lines = static_cast<size_t>(lines);
  fo.follow = follow;
  absl::Status st = follow
                        ? FollowUntilInterrupt(ctx->LogPath(), fo)
                        : FollowLog(ctx->LogPath(), fo, nullptr, STDOUT_FILENO);
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0],
                 std::string(st.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace xdpxe::app::cli
