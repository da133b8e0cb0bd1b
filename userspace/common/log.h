// A thin leveled logger (Abseil 20220623 has no absl/log). Set-up and
// control paths only: the packet path keeps counters, not log lines.
//
//   xdpxe::SetLogLevel(xdpxe::LogLevel::kDebug);
//   XDPXE_LOG(kWarning, "tftp-root %s: %s", root, "missing");
//
// libbpf's own messages are routed here by io/ with libbpf_set_print.
#ifndef XDPXE_USERSPACE_COMMON_LOG_H_
#define XDPXE_USERSPACE_COMMON_LOG_H_

#include <cstdio>
#include <functional>
#include <string_view>

#include "absl/strings/str_format.h"

namespace xdpxe {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// Where lines go; default stderr. Tests install a capture.
using LogSink = std::function<void(LogLevel, std::string_view line)>;
void SetLogSink(LogSink sink);

void LogLine(LogLevel level, std::string_view line);

inline bool LogEnabled(LogLevel level) { return level >= GetLogLevel(); }

std::string_view LogLevelName(LogLevel level);

}  // namespace xdpxe

#define XDPXE_LOG(level, ...)                           \
  do {                                                  \
    if (::xdpxe::LogEnabled(::xdpxe::LogLevel::level))  \
      ::xdpxe::LogLine(::xdpxe::LogLevel::level,        \
                       ::absl::StrFormat(__VA_ARGS__)); \
  } while (0)

#endif  // XDPXE_USERSPACE_COMMON_LOG_H_
