// Follows the boot log across rotation by polling (the log is small and a
// person reads it: 200 ms is instant enough and needs no inotify setup).
#include "userspace/app/log_follow.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::app {
namespace {

void WriteAll(int fd, absl::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads from fd to EOF; prints whole lines, keeps a partial last line.
void Drain(int fd, std::string* partial, int out_fd) {
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial->append(buf, static_cast<size_t>(n));
    size_t nl = partial->rfind('\n');
    if (nl != std::string::npos) {
      WriteAll(out_fd, absl::string_view(*partial).substr(0, nl + 1));
      partial->erase(0, nl + 1);
    }
  }
}

// Prints the last n lines of fd (read from the start; logs rotate at a few
// MB so this is cheap) and leaves the offset at the end.
void PrintTail(int fd, size_t n, int out_fd) {
  std::deque<std::string> last;
  std::string cur;
  char buf[8192];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    for (ssize_t i = 0; i < r; ++i) {
      cur.push_back(buf[i]);
      if (buf[i] == '\n') {
        last.push_back(std::move(cur));
        cur.clear();
        if (last.size() > n) last.pop_front();
      }
    }
  }
  for (const std::string& l : last) WriteAll(out_fd, l);
  // A partial last line is re-read and printed once complete.
  lseek(fd, -static_cast<off_t>(cur.size()), SEEK_CUR);
}

}  // namespace

absl::Status FollowLog(const std::string& path, const FollowOptions& opts,
                       const std::atomic<bool>* stop, int out_fd) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && (!opts.follow || errno != ENOENT)) {
    return ErrnoToStatus(errno, absl::StrCat("boot log ", path));
  }
  std::string partial;
  struct stat cur {};
  if (fd >= 0) {
    PrintTail(fd, opts.tail_lines, out_fd);
    fstat(fd, &cur);
  }
  if (!opts.follow) {
    close(fd);
    return absl::OkStatus();
  }
  while (!stop->load()) {
    if (fd >= 0) Drain(fd, &partial, out_fd);
    struct stat now;
    bool exists = stat(path.c_str(), &now) == 0;
    if (fd >= 0 && exists && now.st_ino == cur.st_ino &&
        now.st_size < lseek(fd, 0, SEEK_CUR)) {
      lseek(fd, 0, SEEK_SET);  // truncated in place
      partial.clear();
    } else if (exists && (fd < 0 || now.st_ino != cur.st_ino ||
                          now.st_dev != cur.st_dev)) {
      // Rotated (or created): finish the old file, then read the new one
      // from its start.
      if (fd >= 0) {
        Drain(fd, &partial, out_fd);
        close(fd);
      }
      fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) fstat(fd, &cur);
      partial.clear();
      continue;
    }
    absl::SleepFor(opts.poll);
  }
  if (fd >= 0) close(fd);
  return absl::OkStatus();
}

}  // namespace xdpxe::app
