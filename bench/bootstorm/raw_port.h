// An AF_PACKET port with mmapped TPACKET_V2 RX and TX rings: how one
// bootstorm process sends and receives the raw frames of hundreds of
// simulated machines on the client side of the lab's veth.
//
//   XDPXE_ASSIGN_OR_RETURN(auto port, RawPort::Open("eth0"));
//   port->PollRx([&](std::span<const uint8_t> frame) { ... });
//   std::span<uint8_t> buf = port->TxSlot();   // empty: ring full
//   ... build a frame into buf ...; port->TxCommit(len);
//   port->TxFlush();                           // one send() per batch
//
// TPACKET_V2 rather than V3: V3 hands blocks to userspace only when full or
// when the block timer (>= 1 ms) fires, which would add a millisecond to
// every latency the benchmark measures at low rates.
#ifndef XDPXE_BENCH_BOOTSTORM_RAW_PORT_H_
#define XDPXE_BENCH_BOOTSTORM_RAW_PORT_H_

#include <linux/if_packet.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"

namespace xdpxe::bootstorm {

struct RawPortStats {
  uint64_t rx_frames = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_frames = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_ring_full = 0;     // TxSlot() found no free slot
  uint64_t rx_kernel_drops = 0;  // PACKET_STATISTICS tp_drops (ring full)
};

class RawPort {
 public:
  // Opens on `ifname` in the calling thread's network namespace.
  static absl::StatusOr<std::unique_ptr<RawPort>> Open(
      const std::string& ifname, size_t rx_frames = 32768,
      size_t tx_frames = 8192);
  ~RawPort();
  RawPort(const RawPort&) = delete;
  RawPort& operator=(const RawPort&) = delete;

  int fd() const { return fd_; }

  // Calls on_frame(span) for every frame waiting in the RX ring (at most
  // `budget`); returns how many.
  template <typename F>
  size_t PollRx(F&& on_frame, size_t budget = 4096) {
    size_t n = 0;
    while (n < budget) {
      auto* hdr =
          reinterpret_cast<tpacket2_hdr*>(rx_ring_ + rx_head_ * kFrameSize);
      if ((__atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE) &
           TP_STATUS_USER) == 0) {
        break;
      }
      const uint8_t* data = reinterpret_cast<const uint8_t*>(hdr) + hdr->tp_mac;
      on_frame(std::span<const uint8_t>(data, hdr->tp_snaplen));
      stats_.rx_frames++;
      stats_.rx_bytes += hdr->tp_len;
      __atomic_store_n(&hdr->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
      rx_head_ = (rx_head_ + 1) % rx_count_;
      ++n;
    }
    return n;
  }

  // Room for one frame (kMaxFrame bytes), or empty when the TX ring is full.
  std::span<uint8_t> TxSlot();
  // Queues the first `len` bytes of the last TxSlot() for sending.
  void TxCommit(size_t len);
  // Kicks the kernel to send everything queued (one syscall per batch).
  void TxFlush();
  size_t tx_pending() const { return tx_pending_; }

  RawPortStats stats();  // refreshes rx_kernel_drops

  static constexpr size_t kFrameSize = 2048;
  static constexpr size_t kMaxFrame = kFrameSize - TPACKET2_HDRLEN - 64;

 private:
  RawPort() = default;

  int fd_ = -1;
  uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  uint8_t* rx_ring_ = nullptr;
  uint8_t* tx_ring_ = nullptr;
  size_t rx_count_ = 0;
  size_t tx_count_ = 0;
  size_t rx_head_ = 0;
  size_t tx_head_ = 0;
  size_t tx_pending_ = 0;
  RawPortStats stats_;
};

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_RAW_PORT_H_
