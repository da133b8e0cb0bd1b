#include "userspace/io/interface_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::io {

namespace {

// The calling thread's network namespace (a Server may be created on a
// thread that setns'd: /proc/self would name the main thread's).
std::string NetnsTag() {
  struct stat st;
  if (stat("/proc/thread-self/ns/net", &st) != 0) return "";
  return absl::StrCat(".net", st.st_ino);
}

std::string HolderPid(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return "";
  absl::string_view s(buf, static_cast<size_t>(n));
  s = absl::StripAsciiWhitespace(s);
  int pid = 0;
  if (!absl::SimpleAtoi(s, &pid) || pid <= 0) return "";
  return absl::StrCat(" (pid ", pid, ")");
}

}  // namespace

absl::StatusOr<InterfaceLock> InterfaceLock::Acquire(
    const std::string& dir, const std::string& ifname) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoToStatus(errno, absl::StrCat("lock dir ", dir));
  }
  std::string path = absl::StrCat(dir, "/", ifname, NetnsTag(), ".lock");
  // The holder unlinks the file when it lets go, so the lock taken may be
  // on a file already unlinked (or replaced): then take it again.
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return ErrnoToStatus(errno, absl::StrCat("lock ", path));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      std::string holder = err == EWOULDBLOCK ? HolderPid(fd) : "";
      close(fd);
      if (err == EWOULDBLOCK) {
        return absl::AlreadyExistsError(absl::StrCat(
            ifname, ": another xdpxe", holder,
            " serves this interface (stop it first; lock ", path, ")"));
      }
      return ErrnoToStatus(err, absl::StrCat("lock ", path));
    }
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(path.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      break;
    }
    close(fd);
    fd = -1;
    if (attempt == 100) {
      return absl::UnavailableError(
          absl::StrCat("lock ", path, ": keeps being replaced"));
    }
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                   static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    unlink(path.c_str());
    close(fd);
    return ErrnoToStatus(err, absl::StrCat("lock ", path, ": write pid"));
  }
  return InterfaceLock(fd, std::move(path));
}

InterfaceLock::InterfaceLock(InterfaceLock&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}

InterfaceLock& InterfaceLock::operator=(InterfaceLock&& o) noexcept {
  if (this != &o) {
    Release();
    fd_ = std::exchange(o.fd_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

InterfaceLock::~InterfaceLock() { Release(); }

void InterfaceLock::Release() {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // still held: nobody can have taken it meanwhile
  close(fd_);
  fd_ = -1;
}

}  // namespace xdpxe::io
