// Kernel command line parsing; see cmdline.h.
#include "userspace/app/cmdline.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "userspace/app/atomic_file.h"

namespace xdpxe::app {

std::vector<std::string> SplitKernelCmdline(absl::string_view text) {
  std::vector<std::string> args;
  std::string cur;
  bool in_arg = false, quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      in_arg = true;
    } else if (!quoted && (absl::ascii_isspace(c) || c == '\0')) {
      if (in_arg) args.push_back(std::move(cur));
      cur.clear();
      in_arg = false;
    } else {
      cur.push_back(c);
      in_arg = true;
    }
  }
  if (in_arg) args.push_back(std::move(cur));
  return args;
}

std::optional<std::string> AutoexecFromCmdline(absl::string_view text) {
  std::optional<std::string> plain, namespaced;
  for (std::string& arg : SplitKernelCmdline(text)) {
    absl::string_view a = arg;
    if (absl::StartsWith(a, "xdpxe.autoexec=")) {
      namespaced = std::string(a.substr(15));
    } else if (absl::StartsWith(a, "autoexec=")) {
      plain = std::string(a.substr(9));
    }
  }
  std::optional<std::string> url = namespaced ? namespaced : plain;
  if (url && url->empty()) return std::nullopt;
  return url;
}

std::optional<std::string> AutoexecFromCmdlineFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path, 1 << 16);
  if (!text.ok()) return std::nullopt;
  return AutoexecFromCmdline(*text);
}

}  // namespace xdpxe::app
