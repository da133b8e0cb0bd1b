#include "userspace/common/log.h"

#include <atomic>
#include <mutex>
#include <string>

namespace xdpxe {

namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_sink_mu;
LogSink& Sink() {
  static LogSink* sink = new LogSink();
  return *sink;
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }

void SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  Sink() = std::move(sink);
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

void LogLine(LogLevel level, std::string_view line) {
  std::lock_guard<std::mutex> lock(g_sink_mu);
  if (Sink()) {
    Sink()(level, line);
    return;
  }
  std::string out;
  out.reserve(line.size() + 16);
  out.append("xdpxe: ");
  if (level != LogLevel::kInfo) {
    out.append(LogLevelName(level));
    out.append(": ");
  }
  out.append(line);
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace xdpxe
