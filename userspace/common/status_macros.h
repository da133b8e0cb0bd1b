// Status plumbing that Abseil 20220623 does not ship: early return on error
// and assign-or-return, for set-up and API-boundary code (never the packet
// path, which returns enums or std::optional).
//
//   absl::StatusOr<int> OpenThing();
//   absl::Status Init() {
//     XDPXE_ASSIGN_OR_RETURN(int fd, OpenThing());
//     XDPXE_RETURN_IF_ERROR(Configure(fd));
//     return absl::OkStatus();
//   }
#ifndef XDPXE_USERSPACE_COMMON_STATUS_MACROS_H_
#define XDPXE_USERSPACE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define XDPXE_RETURN_IF_ERROR(expr)                                         \
  do {                                                                      \
    if (absl::Status _xdpxe_st = (expr); !_xdpxe_st.ok()) return _xdpxe_st; \
  } while (0)

#define XDPXE_STATUS_CONCAT_INNER_(a, b) a##b
#define XDPXE_STATUS_CONCAT_(a, b) XDPXE_STATUS_CONCAT_INNER_(a, b)

#define XDPXE_ASSIGN_OR_RETURN(lhs, expr) \
  XDPXE_ASSIGN_OR_RETURN_IMPL_(           \
      XDPXE_STATUS_CONCAT_(_xdpxe_statusor_, __LINE__), lhs, expr)

#define XDPXE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#endif  // XDPXE_USERSPACE_COMMON_STATUS_MACROS_H_
