// Hand-off of datagrams between workers. On a multi-queue NIC, RSS hashes
// a TFTP transfer's RRQ (to port 69) and its ACKs (to the transfer's own
// port) independently, so the ACKs may arrive on another queue — another
// worker — than the one whose engine holds the transfer. Each worker owns
// a disjoint slice of the transfer port range; a worker that receives a
// datagram for a port another worker owns copies it into that worker's
// Inbox, and wakes the owner once per batch (not per datagram).
//
// Fixed capacity, preallocated: Push never allocates; a full inbox drops
// (the client's retransmission recovers, as on a lossy link).
//
//   if (owner != me) { if (inbox[owner].Push(d)) dirty |= 1 << owner; }
//   ... end of batch: for each dirty owner: loop[owner]->Wake();
//   owner: inbox.Drain([&](const net::Datagram& d) { engine.OnDatagram(...);
//   });
#ifndef XDPXE_USERSPACE_IO_INBOX_H_
#define XDPXE_USERSPACE_IO_INBOX_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "userspace/net/datagram.h"

namespace xdpxe::io {

class Inbox {
 public:
  static constexpr size_t kMaxPayload = 2048;

  explicit Inbox(size_t capacity = 1024) : slots_(capacity) {}

  // Any thread. False when full or the payload is too large (dropped).
  bool Push(const net::Datagram& d) {
    if (d.payload.size() > kMaxPayload) return false;
    absl::MutexLock l(&mu_);
    if (count_ == slots_.size()) {
      ++dropped_;
      return false;
    }
    Slot& s = slots_[(head_ + count_) % slots_.size()];
    s.d = d;
    s.len = d.payload.size();
    std::memcpy(s.data, d.payload.data(), s.len);
    ++count_;
    pending_.store(true, std::memory_order_release);
    return true;
  }

  bool pending() const { return pending_.load(std::memory_order_acquire); }

  // The owning worker: hands every queued datagram to `f` (outside the
  // lock, a bounded batch at a time).
  template <typename F>
  void Drain(F&& f) {
    pending_.store(false, std::memory_order_relaxed);
    for (;;) {
      size_t n;
      size_t first;
      {
        absl::MutexLock l(&mu_);
        n = count_ < kBatch ? count_ : kBatch;
        first = head_;
        if (n == 0) return;
      }
      for (size_t i = 0; i < n; ++i) {
        Slot& s = slots_[(first + i) % slots_.size()];
        net::Datagram d = s.d;
        d.payload = {s.data, s.len};
        f(d);
      }
      absl::MutexLock l(&mu_);
      head_ = (head_ + n) % slots_.size();
      count_ -= n;
    }
  }

  uint64_t dropped() const {
    absl::MutexLock l(&mu_);
    return dropped_;
  }

 private:
  static constexpr size_t kBatch = 64;
  struct Slot {
    net::Datagram d;
    size_t len = 0;
    uint8_t data[kMaxPayload];
  };
  mutable absl::Mutex mu_;
  std::vector<Slot> slots_;
  size_t head_ ABSL_GUARDED_BY(mu_) = 0;
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> pending_{false};
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_INBOX_H_
