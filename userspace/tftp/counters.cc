// TFTP counters: see counters.h.
#include "userspace/tftp/counters.h"

namespace xdpxe::tftp {

std::string_view CounterName(Counter c) {
  switch (c) {
    case Counter::kRxPackets:
      return "rx_packets";
    case Counter::kRxMalformed:
      return "rx_malformed";
    case Counter::kRequests:
      return "requests";
    case Counter::kRequestDuplicates:
      return "request_duplicates";
    case Counter::kWriteRefused:
      return "write_refused";
    case Counter::kTransfersStarted:
      return "transfers_started";
    case Counter::kTransfersDone:
      return "transfers_done";
    case Counter::kTransfersFailed:
      return "transfers_failed";
    case Counter::kProbes:
      return "probes";
    case Counter::kRejectedTotalLimit:
      return "rejected_total_limit";
    case Counter::kRejectedClientLimit:
      return "rejected_client_limit";
    case Counter::kRejectedNoPort:
      return "rejected_no_port";
    case Counter::kRejectedPath:
      return "rejected_path";
    case Counter::kNotFound:
      return "not_found";
    case Counter::kDataBlocks:
      return "data_blocks";
    case Counter::kDataBytes:
      return "data_bytes";
    case Counter::kRetransmits:
      return "retransmits";
    case Counter::kAcks:
      return "acks";
    case Counter::kAcksStale:
      return "acks_stale";
    case Counter::kTimeouts:
      return "timeouts";
    case Counter::kIdleExpired:
      return "idle_expired";
    case Counter::kTxFull:
      return "tx_full";
    case Counter::kUnknownTid:
      return "unknown_tid";
    case Counter::kErrorsReceived:
      return "errors_received";
    case Counter::kCount:
      break;
  }
  return "unknown";
}

Counters CounterSet::Snapshot() const {
  Counters c;
  for (size_t i = 0; i < kNumCounters; ++i) {
    c.values[i] = values_[i].load(std::memory_order_relaxed);
  }
  for (size_t i = 0; i < kNumErrorCodes; ++i) {
    c.errors_sent[i] = errors_sent_[i].load(std::memory_order_relaxed);
  }
  return c;
}

}  // namespace xdpxe::tftp
