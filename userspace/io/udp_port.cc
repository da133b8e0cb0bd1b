#include "userspace/io/udp_port.h"

#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::io {

namespace {

std::string Where(uint16_t port, const std::string& ifname) {
  return absl::StrCat("udp 0.0.0.0:", port, " on ",
                      ifname.empty() ? "any interface" : ifname);
}

}  // namespace

absl::StatusOr<std::unique_ptr<UdpPort>> UdpPort::Open(UringLoop* loop,
                                                       UdpPortOptions opts,
                                                       DatagramHandler* rx) {
  auto p = std::unique_ptr<UdpPort>(new UdpPort());
  p->loop_ = loop;
  p->rx_ = rx;
  p->opts_ = std::move(opts);
  const UdpPortOptions& o = p->opts_;
  if (!o.interface.empty()) {
    p->ifindex_ = static_cast<int>(if_nametoindex(o.interface.c_str()));
    if (p->ifindex_ == 0) {
      return absl::NotFoundError(absl::StrCat(
          o.interface, ": no such interface (ip -br link lists them)"));
    }
  }
  if (o.tx_slots == 0 || o.tx_slots >= kTxCookie) {
    return absl::InvalidArgumentError(
        absl::StrCat("tx_slots ", o.tx_slots, " not in [1, 32767]"));
  }
  XDPXE_ASSIGN_OR_RETURN(
      p->bufs_, BufRing::Create(loop->ring(), o.buffer_group, o.rx_buffers,
                                o.rx_buffer_size));
  p->recv_msg_.msg_namelen = sizeof(sockaddr_in);
  p->recv_msg_.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));

  // Everything the packet path touches is sized here, once.
  size_t lazy = o.lazy_hi >= o.lazy_lo && o.lazy_lo != 0
                    ? size_t{o.lazy_hi} - o.lazy_lo + 1
                    : 0;
  p->sockets_.reserve(o.ports.size() + lazy);
  p->by_port_.reserve(o.ports.size() + lazy);
  p->tx_mem_.resize(size_t{o.tx_slots} * o.tx_slot_size);
  p->slots_.resize(o.tx_slots);
  p->free_slots_.reserve(o.tx_slots);
  for (uint32_t i = 0; i < o.tx_slots; ++i) {
    TxSlot& s = p->slots_[i];
    s.buf = p->tx_mem_.data() + size_t{i} * o.tx_slot_size;
    s.msg.msg_name = &s.to;
    s.msg.msg_namelen = sizeof(s.to);
    s.msg.msg_iov = &s.iov;
    s.msg.msg_iovlen = 1;
    s.msg.msg_control = s.control;
    s.msg.msg_controllen = sizeof(s.control);
    p->free_slots_.push_back(static_cast<uint16_t>(o.tx_slots - 1 - i));
  }
  for (uint16_t port : o.ports) {
    XDPXE_RETURN_IF_ERROR(p->OpenSocket(port).status());
  }
  return p;
}

UdpPort::~UdpPort() {
  // Closing the fds ends the multishot receives; the loop (owned by the
  // caller) must not dispatch to this object afterwards, which holds since
  // the worker drops the port before running the loop again.
  for (const Socket& s : sockets_) close(s.fd);
}

absl::StatusOr<int> UdpPort::OpenSocket(uint16_t port) {
  if (sockets_.size() >= kTxCookie) {
    return absl::ResourceExhaustedError("too many UDP sockets");
  }
  const std::string where = Where(port, opts_.interface);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ErrnoToStatus(errno, absl::StrCat(where, ": socket"));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0) {
    int e = errno;
    close(fd);
    return ErrnoToStatus(e, absl::StrCat(where, ": setsockopt"));
  }
  if (!opts_.interface.empty() &&
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, opts_.interface.c_str(),
                 static_cast<socklen_t>(opts_.interface.size())) < 0) {
    int e = errno;
    close(fd);
    return ErrnoToStatus(e, absl::StrCat(where, ": SO_BINDTODEVICE"));
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) < 0) {
    int e = errno;
    close(fd);
    if (e == EADDRINUSE) {
      return absl::AlreadyExistsError(
          absl::StrCat(where,
                       ": address already in use (another server on this port? "
                       "ss -ulpn sport = :",
                       port, " shows it)"));
    }
    return ErrnoToStatus(e, absl::StrCat(where, ": bind"));
  }
  auto index = static_cast<uint16_t>(sockets_.size());
  sockets_.push_back(Socket{fd, port});
  by_port_[port] = index;
  ArmRecv(index);
  return fd;
}

void UdpPort::ArmRecv(uint16_t index) {
  io_uring_sqe* sqe = loop_->Prepare(this, index);
  if (sqe == nullptr) return;
  io_uring_prep_recvmsg_multishot(sqe, sockets_[index].fd, &recv_msg_, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = bufs_->bgid();
}

void UdpPort::OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) {
  if (cookie & kTxCookie) {
    uint16_t slot = cookie & ~kTxCookie;
    if (cqe.res < 0) {
      ++counters_.tx_errors;
    } else {
      ++counters_.tx_packets;
      counters_.tx_bytes += static_cast<uint64_t>(cqe.res);
    }
    free_slots_.push_back(slot);
    return;
  }
  OnRecv(cookie, cqe);
}

void UdpPort::OnRecv(uint16_t index, const io_uring_cqe& cqe) {
  if (index >= sockets_.size()) return;
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    uint8_t* buf = bufs_->data(bid);
    io_uring_recvmsg_out* out =
        io_uring_recvmsg_validate(buf, cqe.res, &recv_msg_);
    if (out == nullptr || (out->flags & MSG_TRUNC) ||
        out->namelen < sizeof(sockaddr_in)) {
      ++counters_.rx_dropped;
    } else {
      const auto* from =
          static_cast<const sockaddr_in*>(io_uring_recvmsg_name(out));
      net::Datagram d;
      d.src = {net::Ipv4Addr::FromNetworkOrder(from->sin_addr.s_addr),
               ntohs(from->sin_port)};
      d.dst.port = sockets_[index].port;
      for (cmsghdr* c = io_uring_recvmsg_cmsg_firsthdr(out, &recv_msg_);
           c != nullptr;
           c = io_uring_recvmsg_cmsg_nexthdr(out, &recv_msg_, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
          in_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
          d.dst.addr = net::Ipv4Addr::FromNetworkOrder(pi.ipi_addr.s_addr);
        }
      }
      auto* payload = static_cast<const uint8_t*>(
          io_uring_recvmsg_payload(out, &recv_msg_));
      uint32_t len = io_uring_recvmsg_payload_length(out, cqe.res, &recv_msg_);
      d.payload = {payload, len};
      ++counters_.rx_packets;
      counters_.rx_bytes += len;
      rx_->OnDatagram(d);
    }
    bufs_->Recycle(bid);
    bufs_->Publish();
  } else if (cqe.res == -ENOBUFS) {
    ++counters_.rx_no_buffers;
  } else if (cqe.res < 0 && cqe.res != -ECANCELED) {
    ++counters_.rx_dropped;
  }
  // A multishot receive ends on error or when buffers run out: re-arm.
  if (!(cqe.flags & IORING_CQE_F_MORE) && cqe.res != -ECANCELED &&
      cqe.res != -EBADF) {
    ArmRecv(index);
  }
}

std::span<uint8_t> UdpPort::Reserve(size_t n) {
  if (n > opts_.tx_slot_size) {
    ++counters_.tx_no_room;
    return {};
  }
  if (reserved_ < 0) {
    if (free_slots_.empty()) {
      ++counters_.tx_no_room;
      return {};
    }
    reserved_ = free_slots_.back();
    free_slots_.pop_back();
  }
  return {slots_[reserved_].buf, n};
}

void UdpPort::Commit(const net::Endpoint& from, const net::Endpoint& to,
                     const net::MacAddr& /*mac*/, size_t n) {
  if (reserved_ < 0) return;
  auto slot_index = static_cast<uint16_t>(reserved_);
  int fd = -1;
  if (auto it = by_port_.find(from.port); it != by_port_.end()) {
    fd = sockets_[it->second].fd;
  } else if (opts_.lazy_lo != 0 && from.port >= opts_.lazy_lo &&
             from.port <= opts_.lazy_hi) {
    absl::StatusOr<int> opened = OpenSocket(from.port);
    if (opened.ok()) {
      fd = *opened;
    } else {
      XDPXE_LOG(kWarning, "%s", opened.status().ToString());
    }
  }
  if (fd < 0) {
    ++counters_.tx_errors;
    return;  // the slot stays reserved for the next Reserve
  }
  TxSlot& s = slots_[slot_index];
  s.iov = {s.buf, n};
  s.to.sin_family = AF_INET;
  s.to.sin_port = htons(to.port);
  s.to.sin_addr.s_addr = to.addr.ToNetworkOrder();
  s.msg.msg_controllen = sizeof(s.control);
  cmsghdr* c = CMSG_FIRSTHDR(&s.msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo pi{};
  pi.ipi_ifindex = ifindex_;
  pi.ipi_spec_dst.s_addr = from.addr.ToNetworkOrder();
  std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
  io_uring_sqe* sqe = loop_->Prepare(this, kTxCookie | slot_index);
  if (sqe == nullptr) {
    ++counters_.tx_errors;
    return;
  }
  io_uring_prep_sendmsg(sqe, fd, &s.msg, 0);
  reserved_ = -1;
}

void UdpPort::Flush() { bufs_->Publish(); }

}  // namespace xdpxe::io
