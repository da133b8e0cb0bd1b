// The sans-I/O contract between the protocol code and the I/O backends
// (DESIGN.md "Key interfaces"): a received UDP datagram with its addressing,
// the monotonic clock type, and TxSink, the one way protocol code sends.
//
// TxSink lets a backend hand out payload room directly inside its transmit
// buffer (a UMEM frame behind Ethernet/IP/UDP header room on AF_XDP), so a
// TFTP block is copied once, from the file cache into the frame:
//
//   std::span<uint8_t> room = sink.Reserve(4 + block_len);
//   if (room.empty()) return;               // TX full: retransmit recovers
//   ... write the TFTP DATA header and block into room ...
//   sink.Commit(server_ep, client_ep, client_mac, 4 + block_len);
#ifndef XDPXE_USERSPACE_NET_DATAGRAM_H_
#define XDPXE_USERSPACE_NET_DATAGRAM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "userspace/net/addr.h"

namespace xdpxe::net {

// Monotonic time. Protocol code never reads a clock: it is handed `now`.
using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;
using Duration = Clock::duration;

// The largest UDP payload any backend must be able to reserve (IPv4 max
// datagram less IP and UDP headers).
inline constexpr size_t kMaxUdpPayload = 65507;

struct Datagram {
  Endpoint src;
  Endpoint dst;
  MacAddr src_mac;                   // zero when the backend cannot know
  uint16_t vlan_id = 0;              // 0: untagged
  std::span<const uint8_t> payload;  // the UDP payload
};

class TxSink {
 public:
  virtual ~TxSink() = default;

  // Room for a UDP payload of at least `n` bytes, valid until the next
  // Reserve or Commit. Empty when the backend is out of transmit buffers;
  // the caller then drops the datagram (its retransmit logic recovers).
  virtual std::span<uint8_t> Reserve(size_t n) = 0;

  // Sends the first `n` bytes of the last reservation as a UDP datagram
  // from `from` to `to`, at link address `mac` (ignored by socket backends;
  // MacAddr::Broadcast() for DHCP broadcasts).
  virtual void Commit(const Endpoint& from, const Endpoint& to,
                      const MacAddr& mac, size_t n) = 0;
};

}  // namespace xdpxe::net

#endif  // XDPXE_USERSPACE_NET_DATAGRAM_H_
