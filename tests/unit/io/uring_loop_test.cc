// Tests io::UringLoop: user_data demux to handler + cookie, batched reaping,
// eventfd wake-up from another thread, deadline-bounded waits.
#include "userspace/io/uring_loop.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace xdpxe::io {
namespace {

class Recorder : public CompletionHandler {
 public:
  void OnCompletion(uint16_t cookie, const io_uring_cqe& cqe) override {
    cookies.push_back(cookie);
    results.push_back(cqe.res);
  }
  std::vector<uint16_t> cookies;
  std::vector<int> results;
};

TEST(UringLoopTest, DemuxesCompletionsToHandlerAndCookie) {
  auto loop = UringLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status();
  Recorder a, b;
  for (uint16_t i = 0; i < 100; ++i) {
    io_uring_sqe* sqe = (*loop)->Prepare(i % 2 ? &a : &b, 0xff00 | i);
    ASSERT_NE(sqe, nullptr);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, EncodeUserData(i % 2 ? &a : &b, 0xff00 | i));
  }
  int got = 0;
  while (got < 100) {
    auto n = (*loop)->RunOnce(net::Time::max());
    ASSERT_TRUE(n.ok()) << n.status();
    got += *n;
  }
  ASSERT_EQ(a.cookies.size(), 50u);
  ASSERT_EQ(b.cookies.size(), 50u);
  EXPECT_EQ(a.cookies[0], 0xff01);
  EXPECT_EQ(b.cookies[49], 0xff00 | 98);
}

TEST(UringLoopTest, SqOverflowSubmitsInsteadOfFailing) {
  auto loop = UringLoop::Create({.sq_entries = 8, .cq_entries = 64});
  ASSERT_TRUE(loop.ok()) << loop.status();
  Recorder r;
  for (int i = 0; i < 40; ++i) {
    ASSERT_NE((*loop)->Prepare(&r, 1), nullptr) << i;
  }
  int got = 0;
  while (got < 40) got += (*loop)->RunOnce(net::Time::max()).value();
  EXPECT_EQ(r.cookies.size(), 40u);
}

TEST(UringLoopTest, DeadlineBoundsTheWait) {
  auto loop = UringLoop::Create();
  ASSERT_TRUE(loop.ok());
  auto n = (*loop)->RunOnce(net::Clock::now() + std::chrono::milliseconds(5));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 0);
  // A deadline in the past polls.
  n = (*loop)->RunOnce(net::Clock::now() - std::chrono::seconds(1));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
}

TEST(UringLoopTest, WakeFromAnotherThreadEndsAnUnboundedWait) {
  auto loop = UringLoop::Create();
  ASSERT_TRUE(loop.ok());
  UringLoop* l = loop->get();
  std::thread t([l] { l->Wake(); });
  auto n = l->RunOnce(net::Time::max());  // would block forever otherwise
  t.join();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(l->wakeups(), 1u);
  // The wake read is re-armed: a second wake-up works too.
  l->Wake();
  ASSERT_TRUE(l->RunOnce(net::Time::max()).ok());
  EXPECT_EQ(l->wakeups(), 2u);
}

}  // namespace
}  // namespace xdpxe::io
