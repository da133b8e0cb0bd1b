// `xdpxe status` as the server renders it: a table for people, JSON for
// programs, a one-line summary for the menu header. Built from
// io::ServerStatus plus what the app knows (uptime, files, script).
#ifndef XDPXE_USERSPACE_APP_STATUS_REPORT_H_
#define XDPXE_USERSPACE_APP_STATUS_REPORT_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "userspace/app/script_store.h"
#include "userspace/io/server.h"

namespace xdpxe::app {

struct ServeInfo {
  absl::Time started;
  std::string version;
  std::string config_path;  // "" built-in defaults
  std::string state_dir;
  std::string tftp_root;
  std::string log_path;
  std::string metrics;  // "" off, else "ADDR:PORT"
  std::string control_socket;
  std::optional<ScriptInfo> script;
  uint64_t reloads = 0;
  std::string last_reload_error;
};

std::string StatusText(const io::ServerStatus& s, const ServeInfo& info,
                       absl::Time now);
std::string StatusJson(const io::ServerStatus& s, const ServeInfo& info,
                       absl::Time now);
std::string StatusSummary(const io::ServerStatus& s, const ServeInfo& info,
                          absl::Time now);

// JSON string literal with escapes.
std::string JsonString(absl::string_view v);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_STATUS_REPORT_H_
