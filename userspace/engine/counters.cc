#include "userspace/engine/counters.h"

namespace xdpxe::engine {

std::string_view CounterName(Counter c) {
  switch (c) {
    case Counter::kRxDatagrams:
      return "rx_datagrams";
    case Counter::kDhcp:
      return "dhcp";
    case Counter::kDhcpReplies:
      return "dhcp_replies";
    case Counter::kDhcpDisabled:
      return "dhcp_disabled";
    case Counter::kTftp:
      return "tftp";
    case Counter::kDroppedPort:
      return "dropped_port";
    case Counter::kTicks:
      return "ticks";
    case Counter::kCount:
      break;
  }
  return "?";
}

Counters& Counters::operator+=(const Counters& o) {
  for (size_t i = 0; i < kNumCounters; ++i) values[i] += o.values[i];
  for (size_t i = 0; i < kMaxVerdicts; ++i) {
    dhcp_verdicts[i] += o.dhcp_verdicts[i];
  }
  return *this;
}

Counters CounterSet::Snapshot() const {
  Counters c;
  for (size_t i = 0; i < kNumCounters; ++i) {
    c.values[i] = values_[i].load(std::memory_order_relaxed);
  }
  for (size_t i = 0; i < kMaxVerdicts; ++i) {
    c.dhcp_verdicts[i] = verdicts_[i].load(std::memory_order_relaxed);
  }
  return c;
}

}  // namespace xdpxe::engine
