#include "userspace/io/worker.h"

#include <algorithm>
#include <utility>

#include "userspace/common/log.h"

namespace xdpxe::io {

Worker::Worker(uint32_t queue, std::unique_ptr<UringLoop> loop,
               std::unique_ptr<engine::Engine> engine)
    : queue_(queue), loop_(std::move(loop)), engine_(std::move(engine)) {
  published_.queue = queue_;
}

Worker::~Worker() {
  // The port's pending receives/polls point at the port: drop it before
  // the loop, and never run the loop again (see xsk_port.h).
  tap_.reset();
  port_.reset();
  loop_.reset();
}

void Worker::OnDatagram(const net::Datagram& d) {
  if (owners_ != nullptr) {
    const uint8_t owner = owners_->Get(d.dst.port);
    if (owner != PortOwners::kLocal && owner != queue_ &&
        owner < peers_->size()) {
      // Single writer per counter: relaxed load + store, no locked op.
      if ((*peers_)[owner]->inbox().Push(d)) {
        dirty_peers_ |= uint64_t{1} << owner;
        forwarded_.store(forwarded_.load(std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
      } else {
        forward_dropped_.store(
            forward_dropped_.load(std::memory_order_relaxed) + 1,
            std::memory_order_relaxed);
      }
      return;
    }
  }
  // vDSO clock read, not a syscall.
  engine_->OnDatagram(d, net::Clock::now(), *port_);
}

void Worker::WakePeers() {
  // One wake-up per peer per batch, however many datagrams it was given.
  for (uint64_t m = dirty_peers_; m != 0; m &= m - 1) {
    (*peers_)[static_cast<size_t>(__builtin_ctzll(m))]->loop()->Wake();
  }
  dirty_peers_ = 0;
}

absl::Status Worker::Run(const std::atomic<bool>& stop) {
  {
    absl::MutexLock l(&mu_);
    running_ = true;
  }
  absl::Status result = absl::OkStatus();
  // A Flush with work left (Port::FlushPending) is retried this soon.
  constexpr net::Duration kFlushRetry = std::chrono::milliseconds(1);
  while (!stop.load(std::memory_order_acquire)) {
    net::Time deadline = engine_->NextDeadline();
    if (port_->FlushPending()) {
      deadline = std::min(deadline, net::Clock::now() + kFlushRetry);
    }
    absl::StatusOr<int> n = loop_->RunOnce(deadline);
    if (!n.ok()) {
      result = n.status();
      break;
    }
    const net::Time now = net::Clock::now();
    if (inbox_.pending()) {
      inbox_.Drain(
          [&](const net::Datagram& d) { engine_->OnDatagram(d, now, *port_); });
    }
    if (now >= engine_->NextDeadline()) engine_->OnTick(now, *port_);
    port_->Flush();
    if (dirty_peers_ != 0) WakePeers();
    if (mail_.load(std::memory_order_acquire)) ServeMailbox();
  }
  port_->Flush();
  absl::MutexLock l(&mu_);
  running_ = false;
  return result;
}

void Worker::ServeMailbox() {
  mail_.store(false, std::memory_order_relaxed);
  std::optional<engine::EngineConfig> cfg;
  bool status = false;
  {
    absl::MutexLock l(&mu_);
    cfg = std::exchange(reload_, std::nullopt);
    status = status_wanted_ != status_served_;
  }
  if (cfg) {
    absl::Status s = engine_->Reload(std::move(*cfg));
    if (!s.ok()) {
      XDPXE_LOG(kError, "queue %u: reload refused: %s", queue_, s.ToString());
    }
  }
  if (status) Publish();
}

void Worker::Publish() {
  WorkerStatus st;
  st.queue = queue_;
  st.forwarded = forwarded_.load(std::memory_order_relaxed);
  st.forward_dropped = forward_dropped_.load(std::memory_order_relaxed);
  st.port = port_->counters();
  st.engine = engine_->counters();
  st.tftp = engine_->tftp_counters();
  st.active_transfers = engine_->active_transfers();
  st.transfers = engine_->Transfers();
  absl::MutexLock l(&mu_);
  published_ = std::move(st);
  status_served_ = status_wanted_;
}

void Worker::PostReload(engine::EngineConfig cfg) {
  {
    absl::MutexLock l(&mu_);
    reload_ = std::move(cfg);
  }
  mail_.store(true, std::memory_order_release);
  loop_->Wake();
}

WorkerStatus Worker::Snapshot(absl::Duration timeout, bool* fresh) {
  absl::MutexLock l(&mu_);
  if (!running_) {
    // Not serving: the engine is idle and may be read from here.
    *fresh = true;
    published_.engine = engine_->counters();
    published_.tftp = engine_->tftp_counters();
    if (port_) published_.port = port_->counters();
    return published_;
  }
  const uint64_t want = ++status_wanted_;
  mail_.store(true, std::memory_order_release);
  loop_->Wake();
  auto served = [this, want]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return status_served_ >= want || !running_;
  };
  *fresh = mu_.AwaitWithTimeout(absl::Condition(&served), timeout);
  WorkerStatus st = published_;
  st.engine = engine_->counters();  // atomics: always current
  return st;
}

}  // namespace xdpxe::io
