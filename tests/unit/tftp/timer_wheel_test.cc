// Tests for the hashed timer wheel (userspace/tftp/timer_wheel.h).
#include "userspace/tftp/timer_wheel.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TimerWheelTest, FiresAtOrAfterDeadlineNeverBefore) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel;
  TimerNode a, b;
  a.owner = 1;
  b.owner = 2;
  wheel.Arm(&a, clock.now() + milliseconds(10));
  wheel.Arm(&b, clock.now() + milliseconds(25));
  EXPECT_EQ(wheel.size(), 2u);
  std::vector<uint32_t> fired;
  auto rec = [&](TimerNode* n) { fired.push_back(n->owner); };
  // Catch the wheel up to "now" first (it starts at the epoch).
  wheel.Advance(clock.now(), rec);
  EXPECT_TRUE(fired.empty());
  clock.Advance(milliseconds(9));
  wheel.Advance(clock.now(), rec);
  EXPECT_TRUE(fired.empty());
  clock.Advance(milliseconds(1));
  wheel.Advance(clock.now(), rec);
  EXPECT_EQ(fired, std::vector<uint32_t>{1});
  EXPECT_FALSE(a.armed());
  clock.Advance(milliseconds(100));
  wheel.Advance(clock.now(), rec);
  EXPECT_EQ(fired, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), net::Time::max());
}

TEST(TimerWheelTest, CancelAndRearm) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel;
  TimerNode a;
  int fired = 0;
  auto rec = [&](TimerNode*) { ++fired; };
  wheel.Advance(clock.now(), rec);
  wheel.Arm(&a, clock.now() + milliseconds(5));
  wheel.Cancel(&a);
  wheel.Cancel(&a);  // idempotent
  EXPECT_EQ(wheel.size(), 0u);
  wheel.Arm(&a, clock.now() + milliseconds(5));
  wheel.Arm(&a, clock.now() + milliseconds(50));  // re-arm moves it
  EXPECT_EQ(wheel.size(), 1u);
  clock.Advance(milliseconds(10));
  wheel.Advance(clock.now(), rec);
  EXPECT_EQ(fired, 0);
  clock.Advance(milliseconds(40));
  wheel.Advance(clock.now(), rec);
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheelTest, DeadlinesBeyondOneTurnWaitForTheirTurn) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel(milliseconds(1), 64);  // one turn = 64 ms
  TimerNode a;
  int fired = 0;
  auto rec = [&](TimerNode*) { ++fired; };
  wheel.Advance(clock.now(), rec);
  wheel.Arm(&a, clock.now() + seconds(1));
  for (int i = 0; i < 999; ++i) {
    clock.Advance(milliseconds(1));
    wheel.Advance(clock.now(), rec);
    ASSERT_EQ(fired, 0) << i;
    ASSERT_LE(wheel.NextDeadline(),
              a.armed() ? clock.now() + seconds(1) : net::Time::max());
  }
  clock.Advance(milliseconds(1));
  wheel.Advance(clock.now(), rec);
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheelTest, LongJumpFiresEverythingDue) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel(milliseconds(1), 64);
  std::vector<TimerNode> nodes(500);
  std::mt19937 rng(3);
  wheel.Advance(clock.now(), [](TimerNode*) {});
  for (TimerNode& n : nodes) {
    wheel.Arm(&n, clock.now() + milliseconds(rng() % 10000));
  }
  int fired = 0;
  clock.Advance(seconds(3600));
  wheel.Advance(clock.now(), [&](TimerNode*) { ++fired; });
  EXPECT_EQ(fired, 500);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheelTest, NextDeadlineIsNeverLaterThanTheEarliestTimer) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel;
  std::vector<TimerNode> nodes(64);
  std::mt19937 rng(11);
  wheel.Advance(clock.now(), [](TimerNode*) {});
  for (int round = 0; round < 200; ++round) {
    TimerNode& n = nodes[rng() % nodes.size()];
    if (rng() % 3 == 0) {
      wheel.Cancel(&n);
    } else {
      wheel.Arm(&n, clock.now() + milliseconds(1 + rng() % 5000));
    }
    net::Time earliest = net::Time::max();
    for (const TimerNode& m : nodes) {
      if (m.armed()) {
        earliest = std::min(earliest, net::Time(milliseconds(m.deadline_tick)));
      }
    }
    ASSERT_LE(wheel.NextDeadline(), earliest);
    if (earliest != net::Time::max()) {
      EXPECT_GT(wheel.NextDeadline(), clock.now());
    }
    clock.Advance(milliseconds(rng() % 50));
    wheel.Advance(clock.now(), [](TimerNode*) {});
  }
}

TEST(TimerWheelTest, CallbackMayCancelOtherDueTimersAndRearmItself) {
  xdpxe::testing::FakeClock clock;
  TimerWheel wheel;
  TimerNode a, b;
  a.owner = 1;
  b.owner = 2;
  wheel.Advance(clock.now(), [](TimerNode*) {});
  wheel.Arm(&a, clock.now() + milliseconds(5));
  wheel.Arm(&b, clock.now() + milliseconds(5));
  int fired = 0;
  clock.Advance(milliseconds(5));
  wheel.Advance(clock.now(), [&](TimerNode* n) {
    ++fired;
    TimerNode* other = n == &a ? &b : &a;
    wheel.Cancel(other);
    wheel.Arm(n, clock.now());  // in the past: fires next Advance
  });
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(wheel.size(), 1u);
  clock.Advance(milliseconds(1));
  wheel.Advance(clock.now(), [&](TimerNode*) { ++fired; });
  EXPECT_EQ(fired, 2);
}

}  // namespace
}  // namespace xdpxe::tftp
