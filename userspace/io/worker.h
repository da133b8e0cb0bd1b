// One data-plane worker: an io_uring loop, one port (the AF_XDP socket of
// an RX queue, or the UDP sockets) and its own engine, run on one thread.
// Nothing mutable is shared with other workers; the Server talks to a
// worker only through atomics, a mutex-guarded mailbox and Wake().
//
//   Worker w(queue, std::move(loop), std::move(engine));
//   XDPXE_RETURN_IF_ERROR(w.AttachPort(std::move(port)));
//   std::thread t([&] { status = w.Run(stop); });
//   w.PostReload(cfg);   // any thread; applied between batches
#ifndef XDPXE_USERSPACE_IO_WORKER_H_
#define XDPXE_USERSPACE_IO_WORKER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "userspace/engine/engine.h"
#include "userspace/io/inbox.h"
#include "userspace/io/packet_tap.h"
#include "userspace/io/port.h"
#include "userspace/io/uring_loop.h"

namespace xdpxe::io {

// Which worker owns each UDP port (multi-queue only): the transfer port
// range is split into one slice per worker; every other port is kLocal
// (handled where it arrives). Read by every worker, written on reload.
class PortOwners {
 public:
  static constexpr uint8_t kLocal = 0xff;
  PortOwners() {
    for (auto& o : owner_) o.store(kLocal, std::memory_order_relaxed);
  }
  void Assign(uint16_t lo, uint16_t hi, uint8_t worker) {
    for (uint32_t p = lo; p <= hi; ++p) {
      owner_[p].store(worker, std::memory_order_relaxed);
    }
  }
  uint8_t Get(uint16_t port) const {
    return owner_[port].load(std::memory_order_relaxed);
  }

 private:
  std::atomic<uint8_t> owner_[65536];
};

// What Status() reports per worker.
struct WorkerStatus {
  uint32_t queue = 0;
  uint64_t forwarded = 0;        // datagrams handed to their owner worker
  uint64_t forward_dropped = 0;  // the owner's inbox was full
  PortCounters port;
  engine::Counters engine;
  tftp::Counters tftp;
  size_t active_transfers = 0;
  std::vector<tftp::TransferInfo> transfers;
};

class Worker : public DatagramHandler {
 public:
  Worker(uint32_t queue, std::unique_ptr<UringLoop> loop,
         std::unique_ptr<engine::Engine> engine);
  ~Worker() override;

  UringLoop* loop() { return loop_.get(); }
  void set_port(std::unique_ptr<Port> port) { port_ = std::move(port); }
  Port* port() { return port_.get(); }
  // Extra receive path (AF_PACKET copies of port-67 requests) answered
  // through this worker's port.
  void set_tap(std::unique_ptr<PacketTap> tap) { tap_ = std::move(tap); }
  // Multi-queue: datagrams for ports `owners` gives to another worker are
  // forwarded to peers[owner]'s inbox. Set before Run; both outlive it.
  void set_peers(const std::vector<Worker*>* peers, const PortOwners* owners) {
    peers_ = peers;
    owners_ = owners;
  }
  Inbox& inbox() { return inbox_; }
  uint32_t queue() const { return queue_; }

  // Serves until `stop` is true (checked after every wake-up).
  absl::Status Run(const std::atomic<bool>& stop);

  // Any thread. The worker applies it between batches; the result is
  // logged (the config was validated by the caller).
  void PostReload(engine::EngineConfig cfg);
  // Any thread: asks for a fresh snapshot and waits up to `timeout` for
  // it; returns the latest one either way (marked by `fresh`).
  WorkerStatus Snapshot(absl::Duration timeout, bool* fresh);

  void OnDatagram(const net::Datagram& d) override;

 private:
  void ServeMailbox();
  void Publish();
  void WakePeers();

  const uint32_t queue_;
  std::unique_ptr<UringLoop> loop_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Port> port_;
  std::unique_ptr<PacketTap> tap_;
  const std::vector<Worker*>* peers_ = nullptr;
  const PortOwners* owners_ = nullptr;
  Inbox inbox_;
  uint64_t dirty_peers_ = 0;  // bit per peer with freshly queued datagrams
  std::atomic<uint64_t> forwarded_{0};
  std::atomic<uint64_t> forward_dropped_{0};
  std::atomic<bool> mail_{false};  // a reload or a status request waits

  absl::Mutex mu_;
  std::optional<engine::EngineConfig> reload_ ABSL_GUARDED_BY(mu_);
  uint64_t status_wanted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t status_served_ ABSL_GUARDED_BY(mu_) = 0;
  WorkerStatus published_ ABSL_GUARDED_BY(mu_);
  bool running_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_WORKER_H_
