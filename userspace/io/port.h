// What a worker needs from a packet port, whichever backend: received
// datagrams pushed to a DatagramHandler, a TxSink to answer through, Flush()
// once per batch (TX kick, completion reclaim), and counters.
//
//   class Worker : public io::DatagramHandler {
//     void OnDatagram(const net::Datagram& d) override {
//       engine_.OnDatagram(d, now_, *port_);
//     }
//   };
#ifndef XDPXE_USERSPACE_IO_PORT_H_
#define XDPXE_USERSPACE_IO_PORT_H_

#include <cstdint>

#include "userspace/net/datagram.h"

namespace xdpxe::io {

class DatagramHandler {
 public:
  virtual ~DatagramHandler() = default;
  // `d.payload` is valid only during the call (it points into a receive
  // buffer or UMEM frame that is recycled right after).
  virtual void OnDatagram(const net::Datagram& d) = 0;
};

struct PortCounters {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_batches = 0;
  uint64_t rx_dropped = 0;  // truncated, not IPv4/UDP, bad checksum
  uint64_t rx_no_buffers = 0;
  // AF_XDP: received frames that found the fill ring full-looking and
  // waited in our hands for the next Flush (see io/fill_ring.h).
  uint64_t rx_fill_deferred = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_no_room = 0;  // Reserve found no buffer / ring slot
  uint64_t tx_errors = 0;   // the kernel refused a send
  uint64_t tx_kicks = 0;    // TX wake-up syscalls (AF_XDP)
  // AF_XDP copy mode: kicks the kernel answered EAGAIN (more queued than
  // one kick sends, or no send budget / completion slot), Flushes that gave
  // up with frames still queued, and frames the kernel completed unsent
  // (EBUSY: the device dropped them).
  uint64_t tx_kick_again = 0;
  uint64_t tx_kick_stalls = 0;
  uint64_t tx_dropped = 0;

  PortCounters& operator+=(const PortCounters& o) {
    rx_packets += o.rx_packets;
    rx_bytes += o.rx_bytes;
    rx_batches += o.rx_batches;
    rx_dropped += o.rx_dropped;
    rx_no_buffers += o.rx_no_buffers;
    rx_fill_deferred += o.rx_fill_deferred;
    tx_packets += o.tx_packets;
    tx_bytes += o.tx_bytes;
    tx_no_room += o.tx_no_room;
    tx_errors += o.tx_errors;
    tx_kicks += o.tx_kicks;
    tx_kick_again += o.tx_kick_again;
    tx_kick_stalls += o.tx_kick_stalls;
    tx_dropped += o.tx_dropped;
    return *this;
  }
};

class Port : public net::TxSink {
 public:
  // End of a batch: hand queued transmissions to the kernel (AF_XDP: one
  // kick) and reclaim completed TX buffers.
  virtual void Flush() = 0;
  // True when a Flush has work left that no packet or timer will trigger:
  // frames the kernel has not taken yet (AF_XDP copy mode out of send
  // budget), RX frames waiting for fill-ring room. The worker then wakes
  // up soon to Flush again instead of sleeping until the next event.
  virtual bool FlushPending() const { return false; }
  virtual const PortCounters& counters() const = 0;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_PORT_H_
