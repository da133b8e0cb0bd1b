// A hashed timer wheel (Varghese & Lauck) with intrusive nodes: Arm and
// Cancel are O(1) and never allocate, Advance costs the slots it walks plus
// the timers in them. Timers never fire early: a deadline is rounded up to
// the next tick. Deadlines past one turn of the wheel stay in their slot
// until their turn comes.
//
//   struct Transfer { TimerNode timer; ... };
//   TimerWheel wheel;                                // 1 ms x 2048 slots
//   wheel.Arm(&t.timer, now + std::chrono::seconds(1));
//   wheel.Advance(now, [&](TimerNode* n) { OnTimeout(n->owner); });
//   net::Time wake = wheel.NextDeadline();           // for the I/O loop
//
// A node must be cancelled (or have fired) before its memory goes away.
#ifndef XDPXE_USERSPACE_TFTP_TIMER_WHEEL_H_
#define XDPXE_USERSPACE_TFTP_TIMER_WHEEL_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "userspace/net/datagram.h"

namespace xdpxe::tftp {

struct TimerNode {
  TimerNode* prev = nullptr;  // null: not armed
  TimerNode* next = nullptr;
  uint64_t deadline_tick = 0;
  uint32_t owner = 0;  // free for the user (a slot index)
  bool armed() const { return prev != nullptr; }
};

class TimerWheel {
 public:
  // `slots` is rounded up to a power of two.
  explicit TimerWheel(net::Duration tick = std::chrono::milliseconds(1),
                      size_t slots = 2048);
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // (Re)arms `n` to fire at the first Advance with now >= deadline.
  void Arm(TimerNode* n, net::Time deadline);
  void Cancel(TimerNode* n);

  // Fires every timer whose deadline is <= now, each once, in no particular
  // order. The callback may Arm or Cancel any node, including the one that
  // fired and others that are due.
  void Advance(net::Time now, absl::FunctionRef<void(TimerNode*)> fire);

  // No later than the earliest deadline (possibly earlier: a far-future
  // timer's slot); net::Time::max() when nothing is armed.
  net::Time NextDeadline() const;

  size_t size() const { return armed_; }

 private:
  uint64_t TickOf(net::Time t, bool round_up) const;
  static void Link(TimerNode* head, TimerNode* n);
  static void Unlink(TimerNode* n);
  void MarkSlot(size_t slot, bool nonempty);

  net::Duration tick_;
  size_t mask_;
  uint64_t current_ = 0;          // every tick <= current_ has been fired
  std::vector<TimerNode> heads_;  // circular list sentinels
  std::vector<uint64_t> bitmap_;  // bit per non-empty slot
  size_t armed_ = 0;
};

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_TIMER_WHEEL_H_
