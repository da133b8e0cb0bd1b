// SIGINT-bounded log following; see live_log.h.
#include "userspace/app/cli/live_log.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace xdpxe::app::cli {
namespace {

std::atomic<bool> g_interrupted{false};

void OnInterrupt(int) { g_interrupted.store(true); }

}  // namespace

absl::Status FollowUntilInterrupt(const std::string& path,
                                  const FollowOptions& opts) {
  g_interrupted = false;
  struct sigaction sa {
  }, old{};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  absl::Status st = FollowLog(path, opts, &g_interrupted, STDOUT_FILENO);
  sigaction(SIGINT, &old, nullptr);
  return st;
}

}  // namespace xdpxe::app::cli
