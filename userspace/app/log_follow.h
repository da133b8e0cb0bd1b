// `tail -F` for the boot event log: prints the last lines, then follows new
// ones across rotations (the path renamed away and recreated) and
// truncation, until *stop becomes true (Ctrl-C in `xdpxe log -f` and in the
// menu's live view).
//
//   std::atomic<bool> stop{false};
//   FollowLog(state.LogPath(), {.tail_lines = 10}, &stop, STDOUT_FILENO);
#ifndef XDPXE_USERSPACE_APP_LOG_FOLLOW_H_
#define XDPXE_USERSPACE_APP_LOG_FOLLOW_H_

#include <atomic>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace xdpxe::app {

struct FollowOptions {
  size_t tail_lines = 10;
  bool follow = true;  // false: print the tail and return (`xdpxe log`)
  absl::Duration poll = absl::Milliseconds(200);
};

// Writes to out_fd. A missing file is waited for (the server may not have
// logged yet). Returns when *stop is set, or at once with follow=false.
absl::Status FollowLog(const std::string& path, const FollowOptions& opts,
                       const std::atomic<bool>* stop, int out_fd);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_LOG_FOLLOW_H_
