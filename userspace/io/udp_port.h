// The plain-UDP-socket backend on io_uring, for hosts where XDP is not
// allowed and for tests: one socket per served port, bound to 0.0.0.0 (to
// see DHCP broadcasts) and to the interface (SO_BINDTODEVICE), IP_PKTINFO
// for the destination address, SO_BROADCAST for DHCP broadcast replies.
// Receives with multishot recvmsg from one provided-buffer ring shared by
// every socket; sends with IORING_OP_SENDMSG from a fixed pool of TX slots,
// submitted with the loop's next io_uring_enter (no syscall per packet).
//
// TFTP transfer ports: each transfer speaks from its own port (its TID,
// RFC 1350). A socket for a port of `lazy_lo..lazy_hi` is opened the first
// time the engine sends from it, then kept, armed and reused by later
// transfers on that port. Opening the whole 61000-65535 range up front
// would cost 4.5k sockets that mostly never carry a packet; closing after
// each transfer would race the client's last retransmitted ACK.
//
//   UdpPortOptions o{.interface = "eth1", .ports = {67, 4011, 69},
//                    .lazy_lo = 61000, .lazy_hi = 65535};
//   XDPXE_ASSIGN_OR_RETURN(auto port, io::UdpPort::Open(loop.get(), o, &h));
#ifndef XDPXE_USERSPACE_IO_UDP_PORT_H_
#define XDPXE_USERSPACE_IO_UDP_PORT_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "userspace/io/buf_ring.h"
#include "userspace/io/port.h"
#include "userspace/io/uring_loop.h"

namespace xdpxe::io {

struct UdpPortOptions {
  std::string interface;        // empty: not bound to a device
  std::vector<uint16_t> ports;  // bound at Open; failure is an error
  uint16_t lazy_lo = 0;         // [lazy_lo, lazy_hi]: opened on first send
  uint16_t lazy_hi = 0;
  uint32_t rx_buffers = 1024;  // power of two
  uint32_t rx_buffer_size = 2048;
  uint32_t tx_slots = 1024;
  uint32_t tx_slot_size = 2048;  // largest payload Reserve grants
  uint16_t buffer_group = 0;
};

class UdpPort : public Port, private CompletionHandler {
 public:
  // Opens and arms every socket of `opts.ports`. Errors name the port and
  // interface: "udp 0.0.0.0:67 on eth1: address already in use ...".
  static absl::StatusOr<std::unique_ptr<UdpPort>> Open(UringLoop* loop,
                                                       UdpPortOptions opts,
                                                       DatagramHandler* rx);
  ~UdpPort() override;

  // TxSink. Commit sends from the socket bound to from.port (opening a
  // lazy one if needed), with from.addr as the source (IP_PKTINFO).
  std::span<uint8_t> Reserve(size_t n) override;
  void Commit(const net::Endpoint& from, const net::Endpoint& to,
              const net::MacAddr& mac, size_t n) override;

  // Sends are already queued as SQEs; this only publishes recycled
  // receive buffers.
  void Flush() override;
  const PortCounters& counters() const override { return counters_; }

  size_t open_sockets() const { return sockets_.size(); }
  size_t tx_slots_free() const { return free_slots_.size(); }

 private:
  struct Socket {
    int fd = -1;
    uint16_t port = 0;
  };
  struct TxSlot {
    msghdr msg{};
    iovec iov{};
    sockaddr_in to{};
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in_pktinfo))]{};
    uint8_t* buf = nullptr;
  };
  static constexpr uint16_t kTxCookie = 0x8000;

  UdpPort() = default;
  absl::StatusOr<int> OpenSocket(uint16_t port);
  void ArmRecv(uint16_t index);
  void OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) override;
  void OnRecv(uint16_t index, const io_uring_cqe& cqe);

  UringLoop* loop_ = nullptr;
  DatagramHandler* rx_ = nullptr;
  UdpPortOptions opts_;
  int ifindex_ = 0;
  std::unique_ptr<BufRing> bufs_;
  msghdr recv_msg_{};  // template for multishot recvmsg: name + control
  std::vector<Socket> sockets_;
  absl::flat_hash_map<uint16_t, uint16_t> by_port_;  // port → sockets_ index
  std::vector<TxSlot> slots_;
  std::vector<uint8_t> tx_mem_;
  std::vector<uint16_t> free_slots_;
  int reserved_ = -1;  // slot handed out by the last Reserve
  PortCounters counters_;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_UDP_PORT_H_
