// The engine's routing counters: single writer (the worker thread), relaxed
// snapshot from any thread (`xdpxe status`, metrics). DHCP verdicts are
// counted by the verdict's numeric value so the engine needs no list of
// the responder's reasons.
//
//   engine::Counters c = engine.counters();
//   c[engine::Counter::kDroppedPort];
#ifndef XDPXE_USERSPACE_ENGINE_COUNTERS_H_
#define XDPXE_USERSPACE_ENGINE_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace xdpxe::engine {

enum class Counter : uint8_t {
  kRxDatagrams,   // every datagram the engine saw
  kDhcp,          // to port 67 or 4011
  kDhcpReplies,   // the responder sent a reply
  kDhcpDisabled,  // DHCP datagrams while ProxyDHCP is off
  kTftp,          // to port 69 or a transfer port
  kDroppedPort,   // to any other port
  kTicks,         // OnTick calls
  kCount,
};
inline constexpr size_t kNumCounters = size_t(Counter::kCount);
inline constexpr size_t kMaxVerdicts = 32;
std::string_view CounterName(Counter c);  // "dropped_port"

struct Counters {
  std::array<uint64_t, kNumCounters> values{};
  std::array<uint64_t, kMaxVerdicts> dhcp_verdicts{};  // by Verdict value
  uint64_t operator[](Counter c) const { return values[size_t(c)]; }
  Counters& operator+=(const Counters& o);
};

class CounterSet {
 public:
  void Add(Counter c, uint64_t n = 1) { Bump(values_[size_t(c)], n); }
  void AddVerdict(uint8_t v) {
    Bump(verdicts_[v < kMaxVerdicts ? v : kMaxVerdicts - 1], 1);
  }
  Counters Snapshot() const;

 private:
  static void Bump(std::atomic<uint64_t>& a, uint64_t n) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::array<std::atomic<uint64_t>, kNumCounters> values_{};
  std::array<std::atomic<uint64_t>, kMaxVerdicts> verdicts_{};
};

}  // namespace xdpxe::engine

#endif  // XDPXE_USERSPACE_ENGINE_COUNTERS_H_
