// The hashed timer wheel: see timer_wheel.h.
#include "userspace/tftp/timer_wheel.h"

#include <algorithm>
#include <bit>

namespace xdpxe::tftp {

TimerWheel::TimerWheel(net::Duration tick, size_t slots)
    : tick_(std::max(tick, net::Duration(1))) {
  slots = std::bit_ceil(std::max<size_t>(slots, 64));
  mask_ = slots - 1;
  heads_.resize(slots);
  for (TimerNode& h : heads_) h.prev = h.next = &h;
  bitmap_.assign(slots / 64, 0);
}

uint64_t TimerWheel::TickOf(net::Time t, bool round_up) const {
  auto ns = t.time_since_epoch().count();
  if (ns <= 0) return 0;
  uint64_t q = uint64_t(ns) / uint64_t(tick_.count());
  if (round_up && uint64_t(ns) % uint64_t(tick_.count()) != 0) ++q;
  return q;
}

void TimerWheel::Link(TimerNode* head, TimerNode* n) {
  n->next = head->next;
  n->prev = head;
  head->next->prev = n;
  head->next = n;
}

void TimerWheel::Unlink(TimerNode* n) {
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->prev = n->next = nullptr;
}

void TimerWheel::MarkSlot(size_t slot, bool nonempty) {
  uint64_t bit = uint64_t{1} << (slot % 64);
  if (nonempty) {
    bitmap_[slot / 64] |= bit;
  } else {
    bitmap_[slot / 64] &= ~bit;
  }
}

void TimerWheel::Arm(TimerNode* n, net::Time deadline) {
  if (n->armed()) Cancel(n);
  // Never into the past: a due timer fires on the next Advance.
  n->deadline_tick = std::max(TickOf(deadline, true), current_ + 1);
  size_t slot = n->deadline_tick & mask_;
  Link(&heads_[slot], n);
  MarkSlot(slot, true);
  ++armed_;
}

void TimerWheel::Cancel(TimerNode* n) {
  if (!n->armed()) return;
  size_t slot = n->deadline_tick & mask_;
  TimerNode* head = &heads_[slot];
  bool only = head->next == n && n->next == head;
  Unlink(n);
  // A node in Advance's private due list is not in a slot: the slot's
  // bit is left alone then (it is recomputed there).
  if (only) MarkSlot(slot, false);
  --armed_;
}

void TimerWheel::Advance(net::Time now,
                         absl::FunctionRef<void(TimerNode*)> fire) {
  uint64_t target = TickOf(now, false);
  if (target <= current_) return;
  uint64_t steps = std::min<uint64_t>(target - current_, heads_.size());
  TimerNode due;  // sentinel of this call's due list
  due.prev = due.next = &due;
  for (uint64_t i = 1; i <= steps; ++i) {
    size_t slot = (current_ + i) & mask_;
    TimerNode* head = &heads_[slot];
    for (TimerNode* n = head->next; n != head;) {
      TimerNode* next = n->next;
      if (n->deadline_tick <= target) {
        Unlink(n);
        Link(&due, n);
      }
      n = next;
    }
    MarkSlot(slot, head->next != head);
  }
  current_ = target;
  // Fire one at a time: a callback may cancel or re-arm nodes still due.
  while (due.next != &due) {
    TimerNode* n = due.next;
    Unlink(n);
    --armed_;
    fire(n);
  }
}

net::Time TimerWheel::NextDeadline() const {
  if (armed_ == 0) return net::Time::max();
  size_t slots = heads_.size();
  size_t start = (current_ + 1) & mask_;
  // Scan the bitmap from `start`, wrapping once.
  for (size_t d = 0; d < slots;) {
    size_t slot = (start + d) & mask_;
    uint64_t word = bitmap_[slot / 64] >> (slot % 64);
    if (word != 0) {
      d += std::countr_zero(word);
      if (d >= slots) break;
      return net::Time(tick_ * int64_t(current_ + 1 + d));
    }
    d += 64 - slot % 64;
  }
  return net::Time::max();  // unreachable while armed_ > 0
}

}  // namespace xdpxe::tftp
