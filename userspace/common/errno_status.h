// errno → absl::Status, done once at the syscall / libbpf boundary.
//
//   if (bind(fd, ...) < 0) return ErrnoToStatus(errno, "bind 198.18.0.1:69");
//   int err = bpf_xdp_attach(...);           // libbpf: -errno
//   if (err) return ErrnoToStatus(-err, "attach xdp to veth0");
#ifndef XDPXE_USERSPACE_COMMON_ERRNO_STATUS_H_
#define XDPXE_USERSPACE_COMMON_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace xdpxe {

// Maps errno to the canonical code (ENOENT → NotFound, EACCES/EPERM →
// PermissionDenied, ...) with the message "<what>: <strerror>".
absl::Status ErrnoToStatus(int errnum, absl::string_view what);

}  // namespace xdpxe

#endif  // XDPXE_USERSPACE_COMMON_ERRNO_STATUS_H_
