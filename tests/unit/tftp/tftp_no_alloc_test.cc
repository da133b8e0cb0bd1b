// Proves the steady state of a transfer allocates nothing: every operator
// new in this binary is counted, and ACK -> DATA exchanges (lock-step and
// windowed), retransmission timeouts and stray packets run with the count
// unchanged. Its own binary, so the counting operator new stays here.

#include "gtest/gtest.h"
#include "tests/testing/alloc_counter.h"
#include "tests/unit/tftp/tftp_test_util.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using testing::Ack;
using testing::kClientIp;
using testing::kServerIp;

// Writes into one fixed buffer and remembers the last DATA block.
class DiscardSink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    return std::span<uint8_t>(buf_).first(std::min(n, sizeof(buf_)));
  }
  void Commit(const net::Endpoint& from, const net::Endpoint&,
              const net::MacAddr&, size_t) override {
    from_port = from.port;
    last_block = uint16_t(buf_[2] << 8 | buf_[3]);
    ++sent;
  }
  uint16_t from_port = 0;
  uint16_t last_block = 0;
  long sent = 0;

 private:
  uint8_t buf_[65536];
};

class NoAllocTest : public ::testing::TestWithParam<int> {};

TEST_P(NoAllocTest, SteadyStateDataAndAckPathsDoNotAllocate) {
  const int window = GetParam();
  testing::TempDir root;
  root.Write("nbp.efi", testing::RandomContent(8 << 20, 1));
  auto store = FileStore::Open(root.path());
  ASSERT_TRUE(store.ok());
  ServerConfig cfg;
  cfg.server_ip = kServerIp;
  Server server(cfg, *store);
  DiscardSink sink;
  xdpxe::testing::FakeClock clock;
  const net::Endpoint client{kClientIp, 2000};
  std::string ws = std::to_string(window);
  auto rrq = testing::Rrq("nbp.efi", {{"blksize", "1468"}, {"windowsize", ws}});
  server.OnDatagram(testing::Dgram(client, {kServerIp, 69}, rrq), clock.now(),
                    sink);
  const uint16_t tid = sink.from_port;
  std::vector<uint8_t> ack = Ack(0);
  std::vector<uint8_t> stray = Ack(1);
  auto dgram = testing::Dgram(client, {kServerIp, tid}, ack);
  auto stray_dgram = testing::Dgram({kClientIp, 2001}, {kServerIp, tid}, stray);
  server.OnDatagram(dgram, clock.now(), sink);  // ACK 0: first window

  const long before = ::xdpxe::testing::AllocationCount();
  const long sent_before = sink.sent;
  for (int i = 0; i < 300; ++i) {  // 300 x 16 blocks < the file
    uint16_t b = sink.last_block;
    ack[2] = uint8_t(b >> 8);
    ack[3] = uint8_t(b);
    server.OnDatagram(dgram, clock.now(), sink);  // next window
    server.OnDatagram(dgram, clock.now(), sink);  // duplicate: ignored
    if (i % 100 == 0) {
      server.OnDatagram(stray_dgram, clock.now(), sink);  // ERROR 5
      clock.Advance(milliseconds(1000));                  // retransmit
      server.OnTick(clock.now(), sink);
    }
    clock.Advance(milliseconds(1));
    server.OnTick(clock.now(), sink);
  }
  const long allocs = ::xdpxe::testing::AllocationCount() - before;
  EXPECT_EQ(allocs, 0);
  EXPECT_GE(sink.sent - sent_before, 300L * window);
  EXPECT_EQ(server.active_transfers(), 1u);
  // The counter is live: starting a transfer does allocate (file lookup).
  const long at_rrq = ::xdpxe::testing::AllocationCount();
  server.OnDatagram(testing::Dgram({kClientIp, 2002}, {kServerIp, 69}, rrq),
                    clock.now(), sink);
  EXPECT_GT(::xdpxe::testing::AllocationCount(), at_rrq);
}

INSTANTIATE_TEST_SUITE_P(Windows, NoAllocTest, ::testing::Values(1, 16));

}  // namespace
}  // namespace xdpxe::tftp
