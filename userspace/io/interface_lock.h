// One `xdpxe serve` per interface. A second one would find the first's
// XDP program pinned, rewrite its config and then — its AF_XDP bind
// refused — serve on UDP sockets the program steers nothing to. So the
// server holds an flock(2) on <dir>/<ifname>.net<netns inode>.lock (the
// network namespace's inode keeps "eth0" of two namespaces apart) for its
// whole life, with its pid in the file for the refusal's message. The
// kernel drops the lock when the process ends, however it ends, so a
// restart after SIGKILL never finds a stale one (only, perhaps, the file,
// which it reuses). A released lock's file is removed.
//
//   XDPXE_ASSIGN_OR_RETURN(io::InterfaceLock lock,
//                          io::InterfaceLock::Acquire("/run/xdpxe", "eth1"));
//   // AlreadyExists: "eth1: another xdpxe (pid 1234) serves this
//   // interface (stop it first)"
#ifndef XDPXE_USERSPACE_IO_INTERFACE_LOCK_H_
#define XDPXE_USERSPACE_IO_INTERFACE_LOCK_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace xdpxe::io {

inline constexpr char kDefaultLockDir[] = "/run/xdpxe";

class InterfaceLock {
 public:
  // Creates `dir` if missing. AlreadyExists when another open file holds
  // the lock (another process, or another Server in this one); other
  // errors name the path.
  static absl::StatusOr<InterfaceLock> Acquire(const std::string& dir,
                                               const std::string& ifname);
  InterfaceLock(InterfaceLock&& o) noexcept;
  InterfaceLock& operator=(InterfaceLock&& o) noexcept;
  ~InterfaceLock();  // releases: unlinks and closes the file

  const std::string& path() const { return path_; }

 private:
  InterfaceLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void Release();
  int fd_ = -1;
  std::string path_;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_INTERFACE_LOCK_H_
