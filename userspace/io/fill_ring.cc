#include "userspace/io/fill_ring.h"

#include <algorithm>

namespace xdpxe::io {

FillRing::FillRing(xsk_ring_prod* ring, uint32_t capacity)
    : ring_(ring), capacity_(capacity) {
  pending_.reserve(capacity_);
}

void FillRing::Add(uint64_t addr) {
  if (pending_.size() >= capacity_) {
    ++overflowed_;
    return;
  }
  pending_.push_back(addr);
  ++fresh_;
}

size_t FillRing::Publish() {
  const size_t want = pending_.size();
  if (want == 0) return 0;
  // xsk_prod_nb_free re-reads the kernel's consumer index when the cached
  // view shows fewer than `want` free slots.
  const uint32_t room = xsk_prod_nb_free(ring_, static_cast<uint32_t>(want));
  const uint32_t n = static_cast<uint32_t>(std::min<size_t>(room, want));
  if (n > 0) {
    uint32_t idx = 0;
    // Cannot fail: nb_free just said `n` slots are free.
    xsk_ring_prod__reserve(ring_, n, &idx);
    // The newest frames go first: order does not matter to the kernel, and
    // taking from the back keeps the rest in place.
    for (uint32_t i = 0; i < n; ++i) {
      *xsk_ring_prod__fill_addr(ring_, idx + i) = pending_[want - 1 - i];
    }
    xsk_ring_prod__submit(ring_, n);
    pending_.resize(want - n);
  }
  // What is left is the oldest frames first: those beyond the ones that
  // already waited before this call are newly deferred.
  const size_t old = want - fresh_;
  if (pending_.size() > old) deferred_ += pending_.size() - old;
  fresh_ = 0;
  return pending_.size();
}

}  // namespace xdpxe::io
