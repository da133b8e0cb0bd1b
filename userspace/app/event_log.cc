// logfmt boot events and the size-rotated file; see event_log.h.
#include "userspace/app/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"

namespace xdpxe::app {

std::string ArchName(uint16_t arch) {
  switch (arch) {
    case 0:
      return "bios";
    case 6:
      return "ia32-uefi";
    case 7:
    case 9:
      return "x64-uefi";
    case 10:
      return "arm32-uefi";
    case 11:
      return "arm64-uefi";
    case 15:
      return "ia32-http";
    case 16:
      return "x64-http";
    case 18:
      return "arm32-http";
    case 19:
      return "arm64-http";
  }
  return absl::StrCat("arch-", arch);
}

BootEvent& BootEvent::Arch(uint16_t arch) {
  Add("arch", arch);
  return Add("arch_name", ArchName(arch));
}

namespace {

void AppendLogfmtValue(std::string* out, absl::string_view v) {
  bool bare = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      bare = false;
      break;
    }
  }
  if (bare) {
    out->append(v.data(), v.size());
    return;
  }
  *out += '"';
  for (char c : v) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          *out += '?';
        } else {
          *out += c;
        }
    }
  }
  *out += '"';
}

// "2026-12-03T14:00:15.123Z". The part up to the second is formatted once
// per second per thread: cctz's formatter was a tenth of a flood's
// ProxyDHCP cost.
void AppendTime(std::string* out, absl::Time t) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached;  // "2026-12-03T14:00:15"
  const int64_t ms = absl::ToUnixMillis(t);
  const int64_t second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (second != cached_second) {
    cached =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                         absl::UTCTimeZone());
    cached_second = second;
  }
  const int frac = static_cast<int>(ms - second * 1000);
  const char digits[] = {'.', char('0' + frac / 100),
                         char('0' + frac / 10 % 10), char('0' + frac % 10),
                         'Z'};
  out->append(cached);
  out->append(digits, sizeof(digits));
}

}  // namespace

std::string LogfmtValue(absl::string_view v) {
  std::string out;
  AppendLogfmtValue(&out, v);
  return out;
}

std::string BootEvent::Format() const {
  std::string line;
  line.reserve(256);
  line += "time=";
  AppendTime(&line, time_);
  line += " event=";
  AppendLogfmtValue(&line, event_);
  for (const auto& [k, v] : fields_) {
    line += ' ';
    line += k;
    line += '=';
    AppendLogfmtValue(&line, v);
  }
  return line;
}

std::vector<std::pair<std::string, std::string>> ParseLogfmt(
    absl::string_view line) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t k = i;
    while (i < line.size() && line[i] != '=' && line[i] != ' ') ++i;
    std::string key(line.substr(k, i - k));
    std::string value;
    if (i < line.size() && line[i] == '=') {
      ++i;
      if (i < line.size() && line[i] == '"') {
        for (++i; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        ++i;  // closing quote
      } else {
        size_t v = i;
        while (i < line.size() && line[i] != ' ') ++i;
        value = std::string(line.substr(v, i - v));
      }
    }
    if (!key.empty()) out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(EventLogOptions opts) {
  std::unique_ptr<EventLog> log(new EventLog(std::move(opts)));
  if (!log->opts_.path.empty()) {
    absl::Status st = log->OpenFile();
    if (!st.ok()) return st;
  }
  if (log->opts_.flush_interval > absl::ZeroDuration()) {
    log->pending_.reserve(kFlushBytes * 2);
    log->writing_.reserve(kFlushBytes * 2);
    log->writer_ = std::thread([l = log.get()] { l->WriterLoop(); });
  }
  return log;
}

EventLog::~EventLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    writer_.join();
  }
  Flush();
  if (fd_ >= 0) close(fd_);
}

absl::Status EventLog::OpenFile() {
  fd_ =
      open(opts_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    return ErrnoToStatus(errno, absl::StrCat("log-file ", opts_.path));
  }
  struct stat st;
  size_ = fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return absl::OkStatus();
}

void EventLog::RotateLocked() {
  // boot.log.(keep-1) → boot.log.keep, ..., boot.log → boot.log.1. A
  // follower holding the old file sees it renamed and reopens the path.
  for (uint32_t i = opts_.keep; i >= 1; --i) {
    std::string from =
        i == 1 ? opts_.path : absl::StrCat(opts_.path, ".", i - 1);
    std::string to = absl::StrCat(opts_.path, ".", i);
    if (rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      ++write_errors_;
    }
  }
  close(fd_);
  fd_ = -1;
  if (!OpenFile().ok()) ++write_errors_;
}

void EventLog::Write(const BootEvent& e) { WriteLine(e.Format()); }

void EventLog::WriteLine(absl::string_view line) {
  if (writer_.joinable()) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const size_t before = pending_.size();
      absl::StrAppend(&pending_, line, "\n");
      // Once, on crossing: not a futex wake per line until the writer runs.
      wake = before < kFlushBytes && pending_.size() >= kFlushBytes;
    }
    if (wake) cv_.notify_one();
    return;
  }
  std::string out = absl::StrCat(line, "\n");
  std::lock_guard<std::mutex> lock(io_mu_);
  Emit(out);
}

void EventLog::Emit(absl::string_view text) {
  if (opts_.to_stderr) {
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  if (opts_.path.empty()) return;
  if (fd_ >= 0 && size_ > 0 && size_ + text.size() > opts_.max_bytes) {
    RotateLocked();
  }
  if (fd_ < 0) {
    ++write_errors_;
    return;
  }
  ssize_t n = write(fd_, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    ++write_errors_;
  }
  if (n > 0) size_ += static_cast<uint64_t>(n);
}

void EventLog::FlushLocked() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.empty()) return;
    // Two buffers trade places: no allocation once both have grown.
    pending_.swap(writing_);
  }
  const std::string& out = writing_;
  // Rotation stays per line, as without a writer thread: a batch is cut
  // after the last line that fits.
  absl::string_view rest(out);
  while (!rest.empty()) {
    size_t cut = rest.size();
    if (!opts_.path.empty() && fd_ >= 0 && size_ + cut > opts_.max_bytes) {
      const size_t room =
          opts_.max_bytes > size_ ? size_t(opts_.max_bytes - size_) : 0;
      const size_t nl = rest.substr(0, room).rfind('\n');
      if (nl != absl::string_view::npos) {
        cut = nl + 1;  // the whole lines that still fit; rotate after them
      } else if (size_ > 0) {
        RotateLocked();  // not one more line fits: a fresh file
        continue;
      } else {
        cut = rest.find('\n') + 1;  // one line longer than max_bytes
      }
    }
    Emit(rest.substr(0, cut));
    rest.remove_prefix(cut);
  }
  writing_.clear();  // keeps its capacity
}

void EventLog::Flush() {
  std::lock_guard<std::mutex> lock(io_mu_);
  FlushLocked();
}

void EventLog::WriterLoop() {
  const auto interval = absl::ToChronoNanoseconds(opts_.flush_interval);
  for (;;) {
    bool stop = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, interval,
                   [this] { return stop_ || pending_.size() >= kFlushBytes; });
      stop = stop_;
    }
    Flush();
    if (stop) return;
  }
}

uint64_t EventLog::write_errors() const {
  std::lock_guard<std::mutex> lock(io_mu_);
  return write_errors_;
}

}  // namespace xdpxe::app
