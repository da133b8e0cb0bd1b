#include "userspace/io/xsk_port.h"

#include <linux/if_xdp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/status_macros.h"
#include "userspace/io/interface_info.h"
#include "userspace/net/frame.h"

namespace xdpxe::io {

namespace {

constexpr uint64_t kNone = ~uint64_t{0};
// Copy mode transmits at most 32 frames per sendto (TX_BATCH_SIZE in
// net/xdp/xsk.c); this bounds the re-kicks of one Flush.
constexpr int kMaxKicksPerFlush = 256;

bool PowerOfTwo(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

std::string_view XskBindModeName(XskBindMode m) {
  switch (m) {
    case XskBindMode::kAuto:
      return "auto";
    case XskBindMode::kCopy:
      return "copy";
    case XskBindMode::kZeroCopy:
      return "zero-copy";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<XskPort>> XskPort::Open(UringLoop* loop,
                                                       XskPortOptions opts,
                                                       DatagramHandler* rx) {
  if (!PowerOfTwo(opts.frame_size) || opts.frame_size < 2048 ||
      !PowerOfTwo(opts.rx_frames) || !PowerOfTwo(opts.tx_frames) ||
      !PowerOfTwo(opts.rx_ring) || !PowerOfTwo(opts.tx_ring)) {
    return absl::InvalidArgumentError(
        "xsk: frame size (>= 2048), frame counts and ring sizes must be "
        "powers of two");
  }
  const std::string where =
      absl::StrCat("AF_XDP ", opts.interface, " queue ", opts.queue);
  if (opts.mac.IsZero()) {
    XDPXE_ASSIGN_OR_RETURN(InterfaceInfo info,
                           ReadInterfaceInfo(opts.interface));
    opts.mac = info.mac;
  }
  auto p = std::unique_ptr<XskPort>(new XskPort());
  p->loop_ = loop;
  p->rx_ = rx;
  p->opts_ = opts;

  const uint32_t frames = opts.rx_frames + opts.tx_frames;
  p->umem_bytes_ = size_t{frames} * opts.frame_size;
  void* mem = mmap(nullptr, p->umem_bytes_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mem == MAP_FAILED) {
    p->umem_bytes_ = 0;
    return ErrnoToStatus(errno, absl::StrCat(where, ": mmap UMEM"));
  }
  p->umem_area_ = mem;

  xsk_umem_config ucfg{};
  ucfg.fill_size = opts.rx_frames;
  ucfg.comp_size = opts.tx_frames;
  ucfg.frame_size = opts.frame_size;
  ucfg.frame_headroom = 0;
  int err = xsk_umem__create(&p->umem_, p->umem_area_, p->umem_bytes_,
                             &p->fill_, &p->comp_, &ucfg);
  if (err) {
    p->umem_ = nullptr;
    return ErrnoToStatus(-err, absl::StrCat(where, ": create UMEM"));
  }

  auto create = [&](uint16_t copy_flag) {
    xsk_socket_config scfg{};
    scfg.rx_size = opts.rx_ring;
    scfg.tx_size = opts.tx_ring;
    scfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
    scfg.bind_flags = static_cast<uint16_t>(copy_flag | XDP_USE_NEED_WAKEUP);
    return xsk_socket__create(&p->xsk_, opts.interface.c_str(), opts.queue,
                              p->umem_, &p->rxr_, &p->txr_, &scfg);
  };
  auto bind = [&] {
    switch (opts.bind_mode) {
      case XskBindMode::kAuto:
        err = create(XDP_ZEROCOPY);
        p->zero_copy_ = err == 0;
        if (err && err != -EBUSY) err = create(XDP_COPY);
        break;
      case XskBindMode::kCopy:
        err = create(XDP_COPY);
        break;
      case XskBindMode::kZeroCopy:
        err = create(XDP_ZEROCOPY);
        p->zero_copy_ = err == 0;
        break;
    }
  };
  const absl::Time busy_deadline = absl::Now() + opts.busy_wait;
  for (bind(); err == -EBUSY && absl::Now() < busy_deadline; bind()) {
    p->xsk_ = nullptr;
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (err == -EBUSY) {
    p->xsk_ = nullptr;
    return ErrnoToStatus(
        EBUSY, absl::StrCat(where,
                            ": another AF_XDP socket still holds the "
                            "queue after ",
                            absl::FormatDuration(opts.busy_wait),
                            " (is another xdpxe serving this interface?)"));
  }
  if (err) {
    p->xsk_ = nullptr;
    return ErrnoToStatus(
        -err, absl::StrCat(where, ": create/bind XSK (",
                           std::string(XskBindModeName(opts.bind_mode)),
                           " mode; is the queue index below the "
                           "interface's queue count?)"));
  }

  // Every RX frame starts in the fill ring.
  uint32_t idx = 0;
  if (xsk_ring_prod__reserve(&p->fill_, opts.rx_frames, &idx) !=
      opts.rx_frames) {
    return absl::InternalError(absl::StrCat(where, ": fill ring too small"));
  }
  for (uint32_t i = 0; i < opts.rx_frames; ++i) {
    *xsk_ring_prod__fill_addr(&p->fill_, idx + i) =
        uint64_t{i} * opts.frame_size;
  }
  xsk_ring_prod__submit(&p->fill_, opts.rx_frames);
  p->fill_q_ = std::make_unique<FillRing>(&p->fill_, opts.rx_frames);
  p->free_tx_.reserve(opts.tx_frames);
  for (uint32_t i = frames; i-- > opts.rx_frames;) {
    p->free_tx_.push_back(uint64_t{i} * opts.frame_size);
  }
  p->ArmPoll();
  return p;
}

XskPort::~XskPort() {
  if (xsk_ != nullptr) xsk_socket__delete(xsk_);
  if (umem_ != nullptr) xsk_umem__delete(umem_);
  if (umem_area_ != nullptr) munmap(umem_area_, umem_bytes_);
}

void XskPort::ArmPoll() {
  io_uring_sqe* sqe = loop_->Prepare(this, 0);
  if (sqe == nullptr) return;
  io_uring_prep_poll_multishot(sqe, fd(), POLLIN);
}

void XskPort::OnCompletion(uint16_t, const io_uring_cqe& cqe) {
  if (cqe.res > 0 && (cqe.res & POLLIN)) DrainRx();
  if (!(cqe.flags & IORING_CQE_F_MORE) && cqe.res != -ECANCELED) ArmPoll();
}

uint32_t XskPort::DrainRx() {
  uint32_t total = 0;
  const uint64_t frame_mask = ~uint64_t{opts_.frame_size - 1};
  for (;;) {
    uint32_t idx_rx = 0;
    uint32_t n = xsk_ring_cons__peek(&rxr_, opts_.batch, &idx_rx);
    if (n == 0) break;
    ++counters_.rx_batches;
    for (uint32_t i = 0; i < n; ++i) {
      const xdp_desc* desc = xsk_ring_cons__rx_desc(&rxr_, idx_rx + i);
      const uint64_t addr = desc->addr;  // aligned mode: frame + offset
      const auto* data =
          static_cast<const uint8_t*>(xsk_umem__get_data(umem_area_, addr));
      net::ParseError why;
      std::optional<net::UdpFrame> f =
          net::ParseUdpFrame({data, desc->len}, &why);
      if (f && (!opts_.verify_checksum || net::UdpChecksumOk(*f))) {
        net::Datagram d = net::ToDatagram(*f);
        ++counters_.rx_packets;
        counters_.rx_bytes += desc->len;
        if (f->vlan_id != 0 || !vlan_table_.empty()) {
          LearnVlan(f->src_mac, f->vlan_id);
        }
        rx_vlan_ = f->vlan_id;
        rx_->OnDatagram(d);
        rx_vlan_ = -1;
      } else {
        ++counters_.rx_dropped;
      }
      fill_q_->Add(addr & frame_mask);
    }
    xsk_ring_cons__release(&rxr_, n);
    fill_q_->Publish();
    counters_.rx_fill_deferred = fill_q_->deferred();
    total += n;
    Flush();  // replies of this batch leave with one kick
  }
  return total;
}

namespace {
size_t VlanSlot(const net::MacAddr& m, size_t size) {
  // The low bytes of a MAC vary most (the high ones are the vendor's).
  const uint32_t h =
      (uint32_t{m.bytes[3]} << 16 | uint32_t{m.bytes[4]} << 8 | m.bytes[5]) *
      2654435761u;
  return (h >> 8) & (size - 1);
}
}  // namespace

void XskPort::LearnVlan(const net::MacAddr& mac, uint16_t vlan) {
  if (vlan_table_.empty()) vlan_table_.resize(kVlanTableSize);  // once
  // One slot per hash: a collision overwrites (the next frame relearns).
  VlanEntry& e = vlan_table_[VlanSlot(mac, kVlanTableSize)];
  e.mac = mac;
  e.vlan = vlan;
}

uint16_t XskPort::VlanFor(const net::MacAddr& mac) const {
  const VlanEntry& e = vlan_table_[VlanSlot(mac, kVlanTableSize)];
  return e.mac == mac ? e.vlan : 0;
}

std::span<uint8_t> XskPort::Reserve(size_t n) {
  const size_t room = opts_.frame_size - net::kMaxUdpHeadroom;
  if (n > room) {
    ++counters_.tx_no_room;
    return {};
  }
  if (reserved_ == kNone) {
    if (free_tx_.empty()) ReclaimCompletions();
    if (free_tx_.empty() || xsk_prod_nb_free(&txr_, 1) < 1) {
      // Give the kernel what is queued; frames come back next batch.
      Flush();
      if (free_tx_.empty() || xsk_prod_nb_free(&txr_, 1) < 1) {
        ++counters_.tx_no_room;
        return {};
      }
    }
    reserved_ = free_tx_.back();
    free_tx_.pop_back();
  }
  auto* frame =
      static_cast<uint8_t*>(xsk_umem__get_data(umem_area_, reserved_));
  return {frame + net::kMaxUdpHeadroom, n};
}

void XskPort::Commit(const net::Endpoint& from, const net::Endpoint& to,
                     const net::MacAddr& mac, size_t n) {
  if (reserved_ == kNone) return;
  net::UdpFrameSpec spec;
  spec.src_mac = opts_.mac;
  spec.dst_mac = mac.IsZero() ? net::MacAddr::Broadcast() : mac;
  if (spec.dst_mac.IsBroadcast()) {
    spec.vlan_id = rx_vlan_ > 0 ? static_cast<uint16_t>(rx_vlan_) : 0;
  } else if (!vlan_table_.empty()) {
    spec.vlan_id = VlanFor(spec.dst_mac);
  }
  spec.src = from;
  spec.dst = to;
  spec.ip_id = ip_id_++;
  const size_t hlen = net::UdpHeadersLen(spec);
  const size_t start = net::kMaxUdpHeadroom - hlen;
  auto* frame =
      static_cast<uint8_t*>(xsk_umem__get_data(umem_area_, reserved_));
  size_t len =
      net::WriteUdpHeaders({frame + start, opts_.frame_size - start}, spec, n);
  uint32_t idx = 0;
  if (len == 0 || xsk_ring_prod__reserve(&txr_, 1, &idx) != 1) {
    ++counters_.tx_errors;
    return;  // the frame stays reserved for the next Reserve
  }
  xdp_desc* desc = xsk_ring_prod__tx_desc(&txr_, idx);
  desc->addr = reserved_ + start;
  desc->len = static_cast<uint32_t>(len);
  desc->options = 0;
  reserved_ = kNone;
  ++tx_queued_;
  ++counters_.tx_packets;
  counters_.tx_bytes += len;
}

void XskPort::Kick() {
  for (int i = 0; i < kMaxKicksPerFlush; ++i) {
    ++counters_.tx_kicks;
    if (sendto(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) {
      kick_pending_ = false;
      tx_down_ = false;
      return;
    }
    switch (errno) {
      case EAGAIN:  // copy mode: more queued than one kick sends, go on
        ++counters_.tx_kick_again;
        ReclaimCompletions();
        continue;
      case EBUSY:  // NET_XMIT_DROP: the device dropped one frame; go on
        ++counters_.tx_dropped;
        continue;
      case EINTR:
        continue;
      case ENOBUFS:  // no skb for now: the frames stay queued for next time
        return;
      default:  // ENETDOWN, ENXIO: likewise, counted, and not retried
        ++counters_.tx_errors;  // until the next Flush (FlushPending)
        tx_down_ = true;
        return;
    }
  }
  ++counters_.tx_kick_stalls;  // kick_pending_ stays: the next Flush goes on
}

void XskPort::Flush() {
  if (fill_q_->waiting() > 0) fill_q_->Publish();  // frames RX left here
  if (tx_queued_ > 0) {
    xsk_ring_prod__submit(&txr_, tx_queued_);
    tx_in_flight_ += tx_queued_;
    tx_queued_ = 0;
    kick_pending_ = true;
  }
  if (kick_pending_) {
    if (!zero_copy_ || xsk_ring_prod__needs_wakeup(&txr_)) {
      Kick();
    } else {
      kick_pending_ = false;  // the driver is polling the ring itself
    }
  }
  if (xsk_ring_prod__needs_wakeup(&fill_)) {
    ++counters_.tx_kicks;
    recvfrom(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
  }
  ReclaimCompletions();
}

void XskPort::ReclaimCompletions() {
  uint32_t idx = 0;
  uint32_t n = xsk_ring_cons__peek(&comp_, opts_.tx_frames, &idx);
  if (n == 0) return;
  const uint64_t frame_mask = ~uint64_t{opts_.frame_size - 1};
  for (uint32_t i = 0; i < n; ++i) {
    free_tx_.push_back(*xsk_ring_cons__comp_addr(&comp_, idx + i) & frame_mask);
  }
  xsk_ring_cons__release(&comp_, n);
  tx_in_flight_ -= n;
}

}  // namespace xdpxe::io
