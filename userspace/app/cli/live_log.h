// Follows the boot log until Ctrl-C, which only ends the view: the menu
// and the server carry on. SIGINT is caught for the duration and the
// previous disposition restored.
#ifndef XDPXE_USERSPACE_APP_CLI_LIVE_LOG_H_
#define XDPXE_USERSPACE_APP_CLI_LIVE_LOG_H_

#include <string>

#include "absl/status/status.h"
#include "userspace/app/log_follow.h"

namespace xdpxe::app::cli {

absl::Status FollowUntilInterrupt(const std::string& path,
                                  const FollowOptions& opts);

}  // namespace xdpxe::app::cli

#endif  // XDPXE_USERSPACE_APP_CLI_LIVE_LOG_H_
