// The io_uring event loop every worker runs (after liburing's
// examples/io_uring-udp.c): one ring, completions demultiplexed on
// user_data to the handler that queued the request, reaped in batches;
// an eventfd read kept armed so another thread or a signal handler can wake
// the loop (stop / reload); the wait bounded by the engine's next deadline.
//
//   XDPXE_ASSIGN_OR_RETURN(auto loop, io::UringLoop::Create());
//   io_uring_sqe* sqe = loop->Prepare(&handler, /*cookie=*/3);
//   io_uring_prep_recvmsg_multishot(sqe, fd, &msg, 0);
//   while (!stop) {
//     XDPXE_RETURN_IF_ERROR(loop->RunOnce(engine.NextDeadline()).status());
//     ...
//   }
//
// user_data layout: bits 0..47 the CompletionHandler*, bits 48..63 a
// caller-chosen cookie (socket index, TX slot...), so one handler object
// serves many requests without a lookup table.
#ifndef XDPXE_USERSPACE_IO_URING_LOOP_H_
#define XDPXE_USERSPACE_IO_URING_LOOP_H_

#include <liburing.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "userspace/net/datagram.h"

namespace xdpxe::io {

class CompletionHandler {
 public:
  virtual ~CompletionHandler() = default;
  virtual void OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) = 0;
};

struct UringLoopOptions {
  unsigned sq_entries = 256;
  unsigned cq_entries = 4096;  // headroom for multishot bursts
};

class UringLoop {
 public:
  static absl::StatusOr<std::unique_ptr<UringLoop>> Create(
      UringLoopOptions opts = {});
  ~UringLoop();
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;

  io_uring* ring() { return &ring_; }

  // A zeroed SQE whose completion goes to `h` with `cookie`. When the SQ is
  // full, what is queued is submitted first (one syscall for the batch).
  // nullptr only when submission itself fails (the ring is unusable).
  io_uring_sqe* Prepare(CompletionHandler* h, uint16_t cookie);

  // Makes a RunOnce in progress (or the next one) return promptly.
  // Async-signal-safe and thread-safe: a single write(2) to an eventfd.
  void Wake();

  // Submits queued SQEs, waits for at least one completion, a Wake(), or
  // `deadline` (Time::max(): no timeout), then dispatches every ready
  // completion, batch by batch. Returns the number dispatched (0 on
  // timeout). EINTR is not an error.
  absl::StatusOr<int> RunOnce(net::Time deadline);

  // Submits queued SQEs without waiting.
  absl::Status Submit();

  uint64_t wakeups() const { return wakeups_; }
  uint64_t completions() const { return completions_; }

 private:
  class WakeHandler;
  UringLoop() = default;
  absl::Status ArmWakeRead();

  io_uring ring_{};
  bool ring_ok_ = false;
  int event_fd_ = -1;
  uint64_t event_buf_ = 0;
  std::unique_ptr<WakeHandler> wake_;
  uint64_t wakeups_ = 0;
  uint64_t completions_ = 0;
};

inline uint64_t EncodeUserData(CompletionHandler* h, uint16_t cookie) {
  return (uint64_t{cookie} << 48) |
         (reinterpret_cast<uintptr_t>(h) & ((uint64_t{1} << 48) - 1));
}

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_URING_LOOP_H_
