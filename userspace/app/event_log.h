// The boot event log: one logfmt line per event (who asked for what, which
// file, how long), to stderr and to a size-rotated file in the state dir,
// so it can be tailed (`xdpxe log -f`), grepped and shipped.
//
//   time=2026-12-03T14:00:15.123Z event=proxy-offer mac=52:54:00:18:00:07
//     ip=0.0.0.0 arch=7 arch_name=x64-uefi file=snp_x64.efi
//   time=... event=tftp-done mac=... ip=198.18.40.152 file=snp_x64.efi
//     bytes=173792 blksize=1468 window=4 duration_ms=21 retransmits=0
//
//   auto log = EventLog::Open({.path = state.LogPath()});
//   (*log)->Write(BootEvent("tftp-start").Mac(m).Ip(ip).Add("file", f));
#ifndef XDPXE_USERSPACE_APP_EVENT_LOG_H_
#define XDPXE_USERSPACE_APP_EVENT_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "userspace/net/addr.h"

namespace xdpxe::app {

// Event names (the `event=` field).
inline constexpr char kEvProxyOffer[] = "proxy-offer";
inline constexpr char kEvAck4011[] = "ack-4011";
// A PXE client we chose not to answer (reason=unknown-arch, no-boot-file,
// ignored-host).
inline constexpr char kEvNoReply[] = "no-reply";
inline constexpr char kEvScript[] = "ipxe-script";
inline constexpr char kEvTftpStart[] = "tftp-start";
inline constexpr char kEvTftpDone[] = "tftp-done";
inline constexpr char kEvTftpFailed[] = "tftp-failed";

// "x64-uefi" for 7 and 9, "bios" for 0... (RFC 4578 / IANA), "arch-N" else.
std::string ArchName(uint16_t arch);

// An event under construction; fields keep their insertion order.
class BootEvent {
 public:
  explicit BootEvent(absl::string_view event, absl::Time time = absl::Now())
      : time_(time), event_(event) {
    fields_.reserve(12);  // room for the longest event (tftp-failed)
  }
  BootEvent& Mac(const net::MacAddr& m) { return Add("mac", m.ToString()); }
  BootEvent& Ip(const net::Ipv4Addr& a) { return Add("ip", a.ToString()); }
  BootEvent& Arch(uint16_t arch);  // arch=N arch_name=...
  BootEvent& Add(absl::string_view key, absl::string_view value) {
    fields_.emplace_back(std::string(key), std::string(value));
    return *this;
  }
  template <typename T>
  BootEvent& Add(absl::string_view key, T value) {
    return Add(key, absl::string_view(absl::StrCat(value)));
  }

  absl::Time time() const { return time_; }
  const std::string& event() const { return event_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const {
    return fields_;
  }
  // The logfmt line, without the newline.
  std::string Format() const;

 private:
  absl::Time time_;
  std::string event_;
  std::vector<std::pair<std::string, std::string>> fields_;
};

// logfmt value quoting: bare when it has no space, quote, '=' or control
// character; else "..." with \" \\ \n escapes. Empty is "".
std::string LogfmtValue(absl::string_view v);

// Parses one logfmt line back into key/value pairs (tests, `xdpxe status`).
std::vector<std::pair<std::string, std::string>> ParseLogfmt(
    absl::string_view line);

struct EventLogOptions {
  std::string path;  // "" = stderr only
  uint64_t max_bytes = 8 << 20;
  uint32_t keep = 5;  // boot.log.1 .. boot.log.<keep>
  bool to_stderr = true;
  // Zero: each Write does its own write(2) calls. Else lines collect in
  // memory and a writer thread puts them out every `flush_interval` (or
  // sooner, at 64 KiB), so a worker answering a PXE client never waits on
  // the disk or the journal; `xdpxe serve` uses this. A crash loses at most
  // that interval's lines.
  absl::Duration flush_interval = absl::ZeroDuration();
};

class EventLog {
 public:
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(EventLogOptions opts);
  ~EventLog();

  // Thread-safe; rotates first when the line would pass max_bytes. I/O
  // errors are counted, never thrown at the caller (the boot goes on).
  void Write(const BootEvent& e);
  void WriteLine(absl::string_view line);

  // Puts out what collected (with flush_interval); a no-op otherwise.
  void Flush();

  uint64_t write_errors() const;
  const std::string& path() const { return opts_.path; }

 private:
  explicit EventLog(EventLogOptions opts) : opts_(std::move(opts)) {}
  absl::Status OpenFile();
  void RotateLocked();
  void Emit(absl::string_view text);  // io_mu_ held
  void FlushLocked();                 // io_mu_ held
  void WriterLoop();

  static constexpr size_t kFlushBytes = 64 << 10;

  EventLogOptions opts_;
  // io_mu_ (the output: fd, size, rotation) before mu_ (what collected);
  // a Write takes only mu_ and never waits on I/O.
  mutable std::mutex io_mu_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t write_errors_ = 0;
  std::string writing_;  // the batch being put out (io_mu_)
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_EVENT_LOG_H_
