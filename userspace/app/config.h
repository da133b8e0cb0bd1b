// The config file: dnsmasq-style `key=value` lines, `#` comments, `host=`
// repeated once per client rule. Every key is documented in the packaged
// default config (packaging/xdpxe.conf, installed as /etc/xdpxe/xdpxe.conf).
//
//   auto settings = xdpxe::app::LoadConfigFile("/etc/xdpxe/xdpxe.conf");
//   if (!settings.ok()) { Die(settings.status().message()); }
//
// A bad line is an InvalidArgument error whose message has one line per
// problem, each naming file, line and key, the way a compiler does:
//   /etc/xdpxe/xdpxe.conf:12: tftp-window-max: not a number: "abc"
#ifndef XDPXE_USERSPACE_APP_CONFIG_H_
#define XDPXE_USERSPACE_APP_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "userspace/app/settings.h"

namespace xdpxe::app {

// Parses config text; `filename` only labels the messages. Reports up to
// 20 problems at once so one edit can fix them all.
absl::StatusOr<Settings> ParseConfig(absl::string_view text,
                                     absl::string_view filename);

// Reads and parses a file. NotFound when it does not exist (callers decide
// whether built-in defaults are fine), other read errors as they are.
absl::StatusOr<Settings> LoadConfigFile(const std::string& path);

// Every key the parser knows, in file order (for tests and `--help`).
std::vector<std::string> ConfigKeyNames();

// The packaged, commented default config (packaging/xdpxe.conf), compiled
// in so `xdpxe config edit` can seed a state dir that has none.
absl::string_view DefaultConfigText();

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_CONFIG_H_
