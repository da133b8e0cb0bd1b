// Tests io::Inbox, the worker-to-worker datagram hand-off: order, copies
// that outlive the sender's buffer, a full inbox drops, concurrent
// producers lose nothing while there is room.
#include "userspace/io/inbox.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace xdpxe::io {
namespace {

net::Datagram Make(const std::string& s, uint16_t port) {
  net::Datagram d;
  d.dst.port = port;
  d.payload = {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  return d;
}

TEST(InboxTest, DrainsInOrderFromItsOwnCopies) {
  Inbox box(8);
  EXPECT_FALSE(box.pending());
  for (int i = 0; i < 5; ++i) {
    std::string s = "msg" + std::to_string(i);  // gone after Push
    ASSERT_TRUE(box.Push(Make(s, static_cast<uint16_t>(61000 + i))));
  }
  EXPECT_TRUE(box.pending());
  std::vector<std::string> got;
  box.Drain([&](const net::Datagram& d) {
    got.emplace_back(d.payload.begin(), d.payload.end());
    EXPECT_EQ(d.dst.port, 61000 + got.size() - 1);
  });
  EXPECT_EQ(got,
            (std::vector<std::string>{"msg0", "msg1", "msg2", "msg3", "msg4"}));
  EXPECT_FALSE(box.pending());
}

TEST(InboxTest, FullOrOversizedDrops) {
  Inbox box(2);
  EXPECT_TRUE(box.Push(Make("a", 1)));
  EXPECT_TRUE(box.Push(Make("b", 1)));
  EXPECT_FALSE(box.Push(Make("c", 1)));
  EXPECT_EQ(box.dropped(), 1u);
  EXPECT_FALSE(box.Push(Make(std::string(Inbox::kMaxPayload + 1, 'x'), 1)));
  int n = 0;
  box.Drain([&](const net::Datagram&) { ++n; });
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(box.Push(Make("d", 1)));  // room again, wrapped around
}

TEST(InboxTest, ConcurrentProducersAndADrainingConsumer) {
  Inbox box(4096);
  constexpr int kPerThread = 1000;
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t) {
    producers.emplace_back([&box, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string s = std::to_string(t) + ":" + std::to_string(i);
        while (!box.Push(Make(s, 1))) std::this_thread::yield();
      }
    });
  }
  int got = 0;
  std::vector<int> last(3, -1);
  bool ordered = true;
  while (got < 3 * kPerThread) {
    box.Drain([&](const net::Datagram& d) {
      std::string s(d.payload.begin(), d.payload.end());
      int t = s[0] - '0';
      int i = std::stoi(s.substr(2));
      ordered &= i == last[t] + 1;  // per-producer FIFO
      last[t] = i;
      ++got;
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(got, 3 * kPerThread);
}

}  // namespace
}  // namespace xdpxe::io
