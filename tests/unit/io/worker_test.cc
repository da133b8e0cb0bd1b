// io::Worker's loop against a fake port: a Flush that reports work left
// (Port::FlushPending: AF_XDP frames the kernel has not taken, RX frames
// waiting for fill-ring room) is retried without any packet or timer to
// wake the worker. Before, the worker slept until the next event, which
// for an idle TFTP transfer is its 1-s retransmit timer.
#include "userspace/io/worker.h"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "userspace/tftp/file_store.h"

namespace xdpxe::io {
namespace {

class StuckPort : public Port {
 public:
  explicit StuckPort(int flushes_until_done) : left_(flushes_until_done) {}
  std::span<uint8_t> Reserve(size_t) override { return {}; }
  void Commit(const net::Endpoint&, const net::Endpoint&, const net::MacAddr&,
              size_t) override {}
  void Flush() override {
    flushes_.fetch_add(1, std::memory_order_relaxed);
    if (left_.load(std::memory_order_relaxed) > 0) {
      left_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  bool FlushPending() const override {
    return left_.load(std::memory_order_relaxed) > 0;
  }
  const PortCounters& counters() const override { return counters_; }

  int flushes() const { return flushes_.load(std::memory_order_relaxed); }
  int left() const { return left_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int> left_;
  std::atomic<int> flushes_{0};
  PortCounters counters_;
};

TEST(WorkerTest, RetriesAFlushWithWorkLeftWhileIdle) {
  char tmpl[] = "/tmp/xdpxe-worker-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  auto files = tftp::FileStore::Open(root);
  ASSERT_TRUE(files.ok()) << files.status();
  engine::EngineConfig cfg;  // TFTP only, no transfers: never a deadline
  cfg.tftp.server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
  auto engine = std::make_unique<engine::Engine>(cfg, *files);
  ASSERT_EQ(engine->NextDeadline(), net::Time::max());
  auto loop = UringLoop::Create({});
  ASSERT_TRUE(loop.ok()) << loop.status();
  Worker w(0, *std::move(loop), std::move(engine));
  auto port = std::make_unique<StuckPort>(5);
  StuckPort* p = port.get();
  w.set_port(std::move(port));

  std::atomic<bool> stop{false};
  absl::Status run;
  std::thread t([&] { run = w.Run(stop); });
  // Bounded wait; the assertion is on what happened, not on how fast.
  for (int i = 0; i < 500 && p->left() > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  stop.store(true, std::memory_order_release);
  w.loop()->Wake();
  t.join();
  EXPECT_TRUE(run.ok()) << run;
  EXPECT_EQ(p->left(), 0) << "the worker slept with a Flush pending";
  EXPECT_GE(p->flushes(), 5);
  rmdir(root.c_str());
}

}  // namespace
}  // namespace xdpxe::io
