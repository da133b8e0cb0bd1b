// The AF_XDP port of one RX queue: a UMEM, its fill and completion rings,
// and an XSK socket with RX and TX rings (libxdp's xdp/xsk.h; the XDP
// program is loaded by io/xdp_loader, so libxdp's own loader is inhibited).
//
// Packet path, with no allocation and no syscall per packet:
//   RX   io_uring multishot poll on the XSK fd → peek up to `batch`
//        descriptors → net::ParseUdpFrame → DatagramHandler (payload points
//        into the UMEM frame) → frames back to the fill ring through a
//        FillRing, which keeps any the ring has no room for yet (see
//        fill_ring.h: a full-looking fill ring right after RX is normal).
//   TX   Reserve(n) hands out payload room inside a free UMEM frame, behind
//        net::kMaxUdpHeadroom bytes; Commit writes Ethernet/IPv4/UDP headers
//        in front of it with net::WriteUdpHeaders and queues a descriptor —
//        a TFTP block is copied once, from the file cache into the frame.
//        Flush() submits the batch, kicks TX once (copy mode transmits at
//        most 32 frames per kick, so it repeats while the kernel says
//        EAGAIN) and reclaims completions.
//
// The UMEM is split: the first `rx_frames` frames cycle through fill → RX,
// the rest are the TX pool, so RX never starves TX and vice versa.
//
// 802.1Q: TxSink::Commit carries no VLAN, so the port learns it the way a
// switch does — client MAC → VLAN of its last tagged frame, in a fixed
// table (no allocation) — and tags unicast replies accordingly; a
// broadcast sent while handling a received frame (a DHCP offer) takes
// that frame's VLAN.
//
//   XskPortOptions o{.interface = "eth1", .queue = 0};
//   XDPXE_ASSIGN_OR_RETURN(auto xsk, io::XskPort::Open(loop.get(), o, &h));
//   bpf_map_update_elem(prog.xsks_map_fd(), &queue, &fd = xsk->fd(), 0);
//
// Destroy the port before its UringLoop and do not run the loop afterwards
// (its pending poll would complete to a dead handler).
#ifndef XDPXE_USERSPACE_IO_XSK_PORT_H_
#define XDPXE_USERSPACE_IO_XSK_PORT_H_

#include <xdp/xsk.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "userspace/io/fill_ring.h"
#include "userspace/io/port.h"
#include "userspace/io/uring_loop.h"

namespace xdpxe::io {

enum class XskBindMode : uint8_t {
  kAuto,      // zero-copy when the driver supports it, else copy
  kCopy,      // XDP_COPY (veth, generic XDP)
  kZeroCopy,  // XDP_ZEROCOPY or fail
};
std::string_view XskBindModeName(XskBindMode m);

struct XskPortOptions {
  std::string interface;
  uint32_t queue = 0;
  XskBindMode bind_mode = XskBindMode::kAuto;
  uint32_t frame_size = 4096;  // power of two, >= 2048
  uint32_t rx_frames = 2048;   // power of two: also the fill ring size
  uint32_t tx_frames = 2048;   // power of two: also the completion ring size
  uint32_t rx_ring = 2048;
  uint32_t tx_ring = 2048;
  uint32_t batch = 64;
  net::MacAddr mac;  // source MAC of replies; zero: the interface's
  // Drop received frames whose UDP checksum is wrong. Off only for tests
  // over veth with TX checksum offload left on (partial checksums).
  bool verify_checksum = true;
  // EBUSY from bind: another AF_XDP socket holds the queue. Right after
  // the previous holder exits (a crash, SIGKILL, a restart) that is
  // normal for a moment: the kernel frees a socket's queue from a work
  // item (xp_release_deferred), after the process is gone. Retry this
  // long before failing.
  absl::Duration busy_wait = absl::Seconds(2);
};

class XskPort : public Port, private CompletionHandler {
 public:
  static absl::StatusOr<std::unique_ptr<XskPort>> Open(UringLoop* loop,
                                                       XskPortOptions opts,
                                                       DatagramHandler* rx);
  ~XskPort() override;

  int fd() const { return xsk_socket__fd(xsk_); }
  uint32_t queue() const { return opts_.queue; }
  bool zero_copy() const { return zero_copy_; }
  const net::MacAddr& mac() const { return opts_.mac; }

  std::span<uint8_t> Reserve(size_t n) override;
  void Commit(const net::Endpoint& from, const net::Endpoint& to,
              const net::MacAddr& mac, size_t n) override;
  void Flush() override;
  bool FlushPending() const override {
    // A down interface is not retried every millisecond: its frames wait
    // for the Flush that RX or the engine's timers cause anyway.
    return (kick_pending_ && !tx_down_) || fill_q_->waiting() > 0;
  }
  const PortCounters& counters() const override { return counters_; }

  // Processes what the RX ring holds now (the poll completion calls it;
  // public so a busy-polling caller can too). Returns frames handled.
  uint32_t DrainRx();

  size_t tx_frames_free() const { return free_tx_.size(); }
  // RX frames waiting for room in the fill ring.
  size_t rx_frames_waiting() const { return fill_q_->waiting(); }

 private:
  XskPort() = default;
  void ArmPoll();
  void Kick();
  void ReclaimCompletions();
  void OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) override;
  void LearnVlan(const net::MacAddr& mac, uint16_t vlan);
  uint16_t VlanFor(const net::MacAddr& mac) const;

  UringLoop* loop_ = nullptr;
  DatagramHandler* rx_ = nullptr;
  XskPortOptions opts_;
  void* umem_area_ = nullptr;
  size_t umem_bytes_ = 0;
  xsk_umem* umem_ = nullptr;
  xsk_socket* xsk_ = nullptr;
  xsk_ring_prod fill_{};
  std::unique_ptr<FillRing> fill_q_;  // returns RX frames to fill_
  xsk_ring_cons comp_{};
  xsk_ring_cons rxr_{};
  xsk_ring_prod txr_{};
  bool zero_copy_ = false;
  std::vector<uint64_t> free_tx_;  // TX pool: frame base addresses
  uint64_t reserved_ = ~uint64_t{0};
  uint32_t tx_queued_ = 0;     // reserved in the TX ring, not yet submitted
  uint32_t tx_in_flight_ = 0;  // submitted, completion not yet reclaimed
  struct VlanEntry {
    net::MacAddr mac;
    uint16_t vlan = 0;
  };
  static constexpr size_t kVlanTableSize = 1024;  // power of two
  std::vector<VlanEntry> vlan_table_;  // empty until a tagged frame arrives
  int rx_vlan_ = -1;                   // VLAN of the frame being handled
  bool kick_pending_ = false;          // queued frames the kernel has not taken
  bool tx_down_ = false;               // the last kick: ENETDOWN, ENXIO
  uint16_t ip_id_ = 0;
  PortCounters counters_;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_XSK_PORT_H_
