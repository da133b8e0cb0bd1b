// Returns received UMEM frames to an AF_XDP fill ring, never assuming the
// ring has room for them.
//
// The ring need not have room: the kernel publishes its fill-ring consumer
// index after the RX descriptors of the same batch (xsk_flush(): RX
// producer first, fill consumer second), so a worker on another CPU can
// read a descriptor while the fill ring still shows the frame behind it as
// unconsumed. A reserve for every frame just received then fails. Before
// this class the port treated that reserve as infallible and submitted the
// slots anyway: stale addresses went to the kernel, two fill entries named
// one frame, and every pass of the ring lost a packet to the alias from
// then on (issue 5: TFTP at 5–10 MB/s with 1-s stalls after a ProxyDHCP
// flood, until a restart).
//
// Frames that do not fit wait here, in storage reserved up front (no
// allocation on the packet path), and go back on the next Publish().
//
//   FillRing fill(&xsk_fill_ring, rx_frames);
//   for (each RX descriptor) fill.Add(desc->addr & frame_mask);
//   fill.Publish();   // also from every Flush: what waited goes back
#ifndef XDPXE_USERSPACE_IO_FILL_RING_H_
#define XDPXE_USERSPACE_IO_FILL_RING_H_

#include <xdp/xsk.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xdpxe::io {

class FillRing {
 public:
  // `capacity`: the most frames that can be in our hands at once (the
  // UMEM's RX frames).
  FillRing(xsk_ring_prod* ring, uint32_t capacity);

  // Queues one frame (its base address) to go back. At most `capacity`
  // frames wait at a time; a frame beyond that is a caller bug and is
  // counted in overflowed() instead of being queued.
  void Add(uint64_t addr);

  // Submits as many waiting frames as the ring has room for; returns how
  // many still wait.
  size_t Publish();

  size_t waiting() const { return pending_.size(); }
  // Frames that found no room at their first Publish (observability).
  uint64_t deferred() const { return deferred_; }
  uint64_t overflowed() const { return overflowed_; }

 private:
  xsk_ring_prod* ring_;
  size_t capacity_;
  std::vector<uint64_t> pending_;  // reserved to capacity_: never grows
  size_t fresh_ = 0;               // of pending_, added since last Publish
  uint64_t deferred_ = 0;
  uint64_t overflowed_ = 0;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_FILL_RING_H_
