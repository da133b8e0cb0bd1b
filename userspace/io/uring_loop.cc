#include "userspace/io/uring_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::io {

namespace {

CompletionHandler* HandlerOf(uint64_t user_data) {
  // User-space pointers on x86-64 and arm64 fit in 48 bits (canonical,
  // upper bits zero), so masking recovers the pointer exactly.
  return reinterpret_cast<CompletionHandler*>(
      static_cast<uintptr_t>(user_data & ((uint64_t{1} << 48) - 1)));
}

}  // namespace

class UringLoop::WakeHandler : public CompletionHandler {
 public:
  explicit WakeHandler(UringLoop* loop) : loop_(loop) {}
  void OnCompletion(uint16_t, const io_uring_cqe&) override {
    ++loop_->wakeups_;
    // Re-arm; a failure here only loses the wake-up path, and the caller
    // still sees RunOnce return because this completion was dispatched.
    (void)loop_->ArmWakeRead();
  }

 private:
  UringLoop* loop_;
};

absl::StatusOr<std::unique_ptr<UringLoop>> UringLoop::Create(
    UringLoopOptions opts) {
  auto loop = std::unique_ptr<UringLoop>(new UringLoop());
  io_uring_params p{};
  p.flags =
      IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL;
  p.cq_entries = opts.cq_entries;
  int err = io_uring_queue_init_params(opts.sq_entries, &loop->ring_, &p);
  if (err == -EINVAL) {  // older kernel: drop the optional flags
    p = {};
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = opts.cq_entries;
    err = io_uring_queue_init_params(opts.sq_entries, &loop->ring_, &p);
  }
  if (err < 0) {
    return ErrnoToStatus(-err,
                         absl::StrCat("io_uring_queue_init(", opts.sq_entries,
                                      " entries) (is io_uring disabled by "
                                      "kernel.io_uring_disabled?)"));
  }
  loop->ring_ok_ = true;
  loop->event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (loop->event_fd_ < 0) return ErrnoToStatus(errno, "eventfd");
  loop->wake_ = std::make_unique<WakeHandler>(loop.get());
  XDPXE_RETURN_IF_ERROR(loop->ArmWakeRead());
  return loop;
}

UringLoop::~UringLoop() {
  if (ring_ok_) io_uring_queue_exit(&ring_);
  if (event_fd_ >= 0) close(event_fd_);
}

absl::Status UringLoop::ArmWakeRead() {
  io_uring_sqe* sqe = Prepare(wake_.get(), 0);
  if (sqe == nullptr) return absl::InternalError("io_uring: no SQE for wake");
  io_uring_prep_read(sqe, event_fd_, &event_buf_, sizeof(event_buf_), 0);
  return absl::OkStatus();
}

io_uring_sqe* UringLoop::Prepare(CompletionHandler* h, uint16_t cookie) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    if (io_uring_submit(&ring_) < 0) return nullptr;
    sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) return nullptr;
  }
  io_uring_prep_nop(sqe);  // zero the fields a previous user left
  io_uring_sqe_set_data64(sqe, EncodeUserData(h, cookie));
  return sqe;
}

void UringLoop::Wake() {
  uint64_t one = 1;
  // EAGAIN means the counter is saturated: a wake-up is pending anyway.
  ssize_t r = write(event_fd_, &one, sizeof(one));
  (void)r;
}

absl::Status UringLoop::Submit() {
  int r = io_uring_submit(&ring_);
  if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
    return ErrnoToStatus(-r, "io_uring_submit");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> UringLoop::RunOnce(net::Time deadline) {
  io_uring_cqe* cqe = nullptr;
  int r;
  if (deadline == net::Time::max()) {
    r = io_uring_submit_and_wait(&ring_, 1);
  } else {
    auto left = deadline - net::Clock::now();
    if (left < net::Duration::zero()) left = net::Duration::zero();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left);
    __kernel_timespec ts{};
    ts.tv_sec = ns.count() / 1000000000;
    ts.tv_nsec = ns.count() % 1000000000;
    r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }
  if (r < 0 && r != -ETIME && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
    return ErrnoToStatus(-r, "io_uring_enter");
  }
  int total = 0;
  // Batched reaping: walk every ready CQE, then advance the head once.
  // Handlers may queue new SQEs (re-arm, send); they are submitted by the
  // next RunOnce / Submit, together.
  for (;;) {
    unsigned head;
    unsigned n = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      const io_uring_cqe copy = *cqe;
      ++n;
      if (CompletionHandler* h = HandlerOf(copy.user_data)) {
        h->OnCompletion(static_cast<uint16_t>(copy.user_data >> 48), copy);
      }
    }
    if (n == 0) break;
    io_uring_cq_advance(&ring_, n);
    total += static_cast<int>(n);
  }
  completions_ += static_cast<uint64_t>(total);
  return total;
}

}  // namespace xdpxe::io
