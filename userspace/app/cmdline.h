// The kernel command line, as the appliance's live image passes settings:
// `autoexec=URL` or `xdpxe.autoexec=URL` (the namespaced one wins; the last
// of each wins, as the kernel does for repeated parameters).
//
//   auto url = AutoexecFromCmdlineFile("/proc/cmdline");  // optional
#ifndef XDPXE_USERSPACE_APP_CMDLINE_H_
#define XDPXE_USERSPACE_APP_CMDLINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace xdpxe::app {

inline constexpr char kProcCmdline[] = "/proc/cmdline";

// Splits like the kernel's next_arg(): whitespace separated, double quotes
// group (`"a b"` or `key="a b"`), quotes removed.
std::vector<std::string> SplitKernelCmdline(absl::string_view text);

std::optional<std::string> AutoexecFromCmdline(absl::string_view text);

// nullopt also when the file cannot be read (no /proc in a container).
std::optional<std::string> AutoexecFromCmdlineFile(const std::string& path);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_CMDLINE_H_
