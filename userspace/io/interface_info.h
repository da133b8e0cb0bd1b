// What the data plane learns about its interface before serving: index,
// link address, first IPv4 address, MTU and RX queue count. Read once at
// start-up (and by tests) with ordinary ioctls / sysfs.
//
//   XDPXE_ASSIGN_OR_RETURN(io::InterfaceInfo info,
//                          io::ReadInterfaceInfo("eth1"));
//   opts.engine.tftp.server_ip = info.ipv4;
#ifndef XDPXE_USERSPACE_IO_INTERFACE_INFO_H_
#define XDPXE_USERSPACE_IO_INTERFACE_INFO_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "userspace/net/addr.h"

namespace xdpxe::io {

struct InterfaceInfo {
  std::string name;
  int ifindex = 0;
  net::MacAddr mac;
  net::Ipv4Addr ipv4;  // Any() when the interface has none
  int prefix_len = 0;  // of ipv4
  uint32_t mtu = 1500;
  uint32_t rx_queues = 1;  // combined/rx channels the NIC exposes
};

// NotFound (with a hint to `ip -br link`) when there is no such interface.
// A missing IPv4 address is not an error here: callers that need one check
// `ipv4.IsAny()` and say so (see RequireIpv4).
absl::StatusOr<InterfaceInfo> ReadInterfaceInfo(const std::string& ifname);

// FailedPrecondition naming the interface when it has no IPv4 address.
absl::Status RequireIpv4(const InterfaceInfo& info);

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_INTERFACE_INFO_H_
