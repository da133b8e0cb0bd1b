#include "userspace/io/packet_tap.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/status_macros.h"
#include "userspace/net/frame.h"

namespace xdpxe::io {

namespace {

// Classic BPF, as `tcpdump -dd 'inbound and udp dst port 67'` would give:
// pkttype != OUTGOING, EtherType IPv4, protocol UDP, no fragment, UDP
// destination port 67. Every failed test jumps to the last `ret 0`.
constexpr sock_filter kFilter[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
             static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 10, 0),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 67, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0xffff),
    BPF_STMT(BPF_RET | BPF_K, 0),
};

constexpr uint32_t kBuffers = 256;
constexpr uint32_t kBufferSize = 2048;

}  // namespace

absl::StatusOr<std::unique_ptr<PacketTap>> PacketTap::Open(
    UringLoop* loop, const std::string& ifname, DatagramHandler* rx,
    uint16_t buffer_group) {
  const std::string where = absl::StrCat("AF_PACKET on ", ifname);
  auto t = std::unique_ptr<PacketTap>(new PacketTap());
  t->loop_ = loop;
  t->rx_ = rx;
  int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (ifindex == 0) {
    return absl::NotFoundError(
        absl::StrCat(ifname, ": no such interface (ip -br link lists them)"));
  }
  // Protocol 0 until the filter is in place, so nothing unfiltered queues.
  t->fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (t->fd_ < 0) return ErrnoToStatus(errno, absl::StrCat(where, ": socket"));
  sock_fprog prog{static_cast<unsigned short>(std::size(kFilter)),
                  const_cast<sock_filter*>(kFilter)};
  if (setsockopt(t->fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) <
      0) {
    return ErrnoToStatus(errno, absl::StrCat(where, ": SO_ATTACH_FILTER"));
  }
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_IP);
  sll.sll_ifindex = ifindex;
  if (bind(t->fd_, reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) < 0) {
    return ErrnoToStatus(errno, absl::StrCat(where, ": bind"));
  }
  XDPXE_ASSIGN_OR_RETURN(t->bufs_, BufRing::Create(loop->ring(), buffer_group,
                                                   kBuffers, kBufferSize));
  t->Arm();
  return t;
}

PacketTap::~PacketTap() {
  if (fd_ >= 0) close(fd_);
}

void PacketTap::Arm() {
  io_uring_sqe* sqe = loop_->Prepare(this, 0);
  if (sqe == nullptr) return;
  io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = bufs_->bgid();
}

void PacketTap::OnCompletion(uint16_t, const io_uring_cqe& cqe) {
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    if (cqe.res > 0) {
      std::optional<net::UdpFrame> f =
          net::ParseUdpFrame({bufs_->data(bid), static_cast<size_t>(cqe.res)});
      if (f && f->dst_port == 67) {
        net::Datagram d = net::ToDatagram(*f);
        ++received_;
        rx_->OnDatagram(d);
      } else {
        ++dropped_;
      }
    }
    bufs_->Recycle(bid);
    bufs_->Publish();
  }
  if (!(cqe.flags & IORING_CQE_F_MORE) && cqe.res != -ECANCELED &&
      cqe.res != -EBADF) {
    Arm();
  }
}

}  // namespace xdpxe::io
