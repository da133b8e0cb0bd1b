// Copies of DHCP requests from an AF_PACKET socket, for the case DESIGN.md
// calls "a primary DHCP server on the same host": the XDP program then
// leaves UDP port 67 to the kernel (XDPXE_F_PASS_DHCP) so the primary keeps
// receiving every DISCOVER, and xdpxe reads its own copy of each one here,
// the way ISC dhcpd receives. A classic BPF filter in the kernel keeps only
// inbound IPv4/UDP to port 67 (no fragments); frames are parsed with
// net::ParseUdpFrame and handed to the worker's DatagramHandler, whose
// replies leave through its AF_XDP port. Receives are io_uring multishot
// recv from a provided-buffer ring of their own.
//
//   XDPXE_ASSIGN_OR_RETURN(auto tap,
//                          io::PacketTap::Open(loop, "eth1", worker, 1));
#ifndef XDPXE_USERSPACE_IO_PACKET_TAP_H_
#define XDPXE_USERSPACE_IO_PACKET_TAP_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "userspace/io/buf_ring.h"
#include "userspace/io/port.h"
#include "userspace/io/uring_loop.h"

namespace xdpxe::io {

class PacketTap : private CompletionHandler {
 public:
  // `buffer_group` must differ from any other ring on `loop`.
  static absl::StatusOr<std::unique_ptr<PacketTap>> Open(
      UringLoop* loop, const std::string& ifname, DatagramHandler* rx,
      uint16_t buffer_group);
  ~PacketTap() override;

  uint64_t received() const { return received_; }
  uint64_t dropped() const { return dropped_; }

 private:
  PacketTap() = default;
  void Arm();
  void OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) override;

  UringLoop* loop_ = nullptr;
  DatagramHandler* rx_ = nullptr;
  int fd_ = -1;
  std::unique_ptr<BufRing> bufs_;
  uint64_t received_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_PACKET_TAP_H_
