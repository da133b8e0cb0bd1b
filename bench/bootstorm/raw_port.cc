// AF_PACKET TPACKET_V2 RX/TX rings (raw_port.h).
#include "bench/bootstorm/raw_port.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "userspace/common/errno_status.h"

namespace xdpxe::bootstorm {

absl::StatusOr<std::unique_ptr<RawPort>> RawPort::Open(
    const std::string& ifname, size_t rx_frames, size_t tx_frames) {
  std::unique_ptr<RawPort> p(new RawPort());
  p->fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  htons(ETH_P_ALL));
  if (p->fd_ < 0) return ErrnoToStatus(errno, "socket(AF_PACKET)");
  int fd = p->fd_;
  int v = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0) {
    return ErrnoToStatus(errno, "PACKET_VERSION V2");
  }
  // Our own transmissions are not for us to receive.
  int one = 1;
  (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
  // Straight to the driver: the lab's veth has no qdisc worth passing.
  (void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
  // Classic BPF: keep ARP and IPv4 (UDP and ICMP), drop the rest in-kernel.
  sock_filter code[] = {
      {0x28, 0, 0, 12},            // 0: ldh [12] (ethertype)
      {0x15, 5, 0, ETH_P_ARP},     // 1: ARP -> 7
      {0x15, 0, 3, ETH_P_IP},      // 2: not IPv4 -> 6
      {0x30, 0, 0, 23},            // 3: ldb [23] (IP protocol)
      {0x15, 2, 0, IPPROTO_UDP},   // 4: UDP -> 7
      {0x15, 1, 0, IPPROTO_ICMP},  // 5: ICMP -> 7
      {0x06, 0, 0, 0},             // 6: drop
      {0x06, 0, 0, 0x40000},       // 7: accept
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof(code) / sizeof(code[0])),
                  code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) != 0) {
    return ErrnoToStatus(errno, "SO_ATTACH_FILTER");
  }
  const size_t per_block = 4096 * 16 / kFrameSize;  // 64 KiB blocks
  rx_frames = (rx_frames + per_block - 1) / per_block * per_block;
  tx_frames = (tx_frames + per_block - 1) / per_block * per_block;
  tpacket_req rx{};
  rx.tp_block_size = 4096 * 16;
  rx.tp_frame_size = kFrameSize;
  rx.tp_frame_nr = rx_frames;
  rx.tp_block_nr = rx_frames / per_block;
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &rx, sizeof(rx)) != 0) {
    return ErrnoToStatus(errno, "PACKET_RX_RING");
  }
  tpacket_req tx = rx;
  tx.tp_frame_nr = tx_frames;
  tx.tp_block_nr = tx_frames / per_block;
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &tx, sizeof(tx)) != 0) {
    return ErrnoToStatus(errno, "PACKET_TX_RING");
  }
  p->rx_count_ = rx_frames;
  p->tx_count_ = tx_frames;
  p->map_len_ = (rx_frames + tx_frames) * kFrameSize;
  void* m = mmap(nullptr, p->map_len_, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, fd, 0);
  if (m == MAP_FAILED) {
    p->map_ = nullptr;
    return ErrnoToStatus(errno, "mmap packet rings");
  }
  p->map_ = static_cast<uint8_t*>(m);
  p->rx_ring_ = p->map_;
  p->tx_ring_ = p->map_ + rx_frames * kFrameSize;
  int rcv = 64 << 20;
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &rcv, sizeof(rcv));
  unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) return ErrnoToStatus(errno, "if_nametoindex " + ifname);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(idx);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) != 0) {
    return ErrnoToStatus(errno, "bind AF_PACKET " + ifname);
  }
  return p;
}

RawPort::~RawPort() {
  if (map_ != nullptr) munmap(map_, map_len_);
  if (fd_ >= 0) close(fd_);
}

std::span<uint8_t> RawPort::TxSlot() {
  auto* hdr = reinterpret_cast<tpacket2_hdr*>(tx_ring_ + tx_head_ * kFrameSize);
  uint32_t st = __atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE);
  if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT) {
    // The slot is still queued or being sent: flush what we have and look
    // again once; a full ring means the kernel is behind.
    if (tx_pending_ > 0) TxFlush();
    st = __atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE);
    if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT) {
      stats_.tx_ring_full++;
      return {};
    }
  }
  uint8_t* data =
      reinterpret_cast<uint8_t*>(hdr) + TPACKET2_HDRLEN - sizeof(sockaddr_ll);
  return std::span<uint8_t>(data, kMaxFrame);
}

void RawPort::TxCommit(size_t len) {
  auto* hdr = reinterpret_cast<tpacket2_hdr*>(tx_ring_ + tx_head_ * kFrameSize);
  hdr->tp_len = static_cast<uint32_t>(len);
  __atomic_store_n(&hdr->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
  tx_head_ = (tx_head_ + 1) % tx_count_;
  ++tx_pending_;
  stats_.tx_frames++;
  stats_.tx_bytes += len;
  if (tx_pending_ >= 256) TxFlush();
}

void RawPort::TxFlush() {
  if (tx_pending_ == 0) return;
  // MSG_DONTWAIT: the kernel sends what is queued and returns.
  while (send(fd_, nullptr, 0, MSG_DONTWAIT) < 0 && errno == EINTR) {
  }
  tx_pending_ = 0;
}

RawPortStats RawPort::stats() {
  tpacket_stats st{};
  socklen_t len = sizeof(st);
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
    stats_.rx_kernel_drops += st.tp_drops;  // the call resets the counters
  }
  return stats_;
}

}  // namespace xdpxe::bootstorm
