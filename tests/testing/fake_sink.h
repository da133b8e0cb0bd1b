// A TxSink for sans-I/O tests: records every datagram the code under test
// commits, with its addressing, and can be told to run out of room.
//
//   xdpxe::testing::FakeSink sink;
//   responder.Handle(dgram, now, sink);
//   ASSERT_EQ(sink.sent().size(), 1u);
//   EXPECT_EQ(sink.sent()[0].to.port, 68);
#ifndef XDPXE_TESTS_TESTING_FAKE_SINK_H_
#define XDPXE_TESTS_TESTING_FAKE_SINK_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "userspace/net/datagram.h"

namespace xdpxe::testing {

struct SentDatagram {
  net::Endpoint from;
  net::Endpoint to;
  net::MacAddr mac;
  std::vector<uint8_t> payload;
};

class FakeSink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    ++reserves_;
    if (full_) return {};
    buf_.assign(n, 0xcc);  // poison: a caller must write what it commits
    return buf_;
  }
  void Commit(const net::Endpoint& from, const net::Endpoint& to,
              const net::MacAddr& mac, size_t n) override {
    SentDatagram d{from, to, mac,
                   std::vector<uint8_t>(buf_.begin(), buf_.begin() + n)};
    sent_.push_back(std::move(d));
  }

  // While true, Reserve returns no room (a full TX ring).
  void set_full(bool full) { full_ = full; }
  const std::vector<SentDatagram>& sent() const { return sent_; }
  std::vector<SentDatagram> Take() { return std::exchange(sent_, {}); }
  void Clear() { sent_.clear(); }
  int reserves() const { return reserves_; }

 private:
  std::vector<uint8_t> buf_;
  std::vector<SentDatagram> sent_;
  bool full_ = false;
  int reserves_ = 0;
};

// A clock for sans-I/O tests: starts at an arbitrary fixed point.
class FakeClock {
 public:
  net::Time now() const { return now_; }
  void Advance(net::Duration d) { now_ += d; }

 private:
  net::Time now_ = net::Time(std::chrono::seconds(1000));
};

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_FAKE_SINK_H_
