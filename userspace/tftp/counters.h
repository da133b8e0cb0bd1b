// The TFTP server's counters: one single-writer set per Server (per worker
// thread), readable from any thread as a relaxed snapshot for `xdpxe status`
// and the metrics endpoint. Increments are plain loads and stores (no locked
// instructions): only the owning thread writes.
//
//   Counters c = server.counters();             // any thread
//   for (size_t i = 0; i < kNumCounters; ++i)
//     Print(CounterName(Counter(i)), c.values[i]);
//   c.errors_sent[size_t(ErrorCode::kFileNotFound)];
#ifndef XDPXE_USERSPACE_TFTP_COUNTERS_H_
#define XDPXE_USERSPACE_TFTP_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "userspace/tftp/packet.h"

namespace xdpxe::tftp {

enum class Counter : uint8_t {
  kRxPackets,          // datagrams handed to the server
  kRxMalformed,        // too short / unparsable, dropped or answered
  kRequests,           // RRQ and WRQ on port 69
  kRequestDuplicates,  // retransmitted RRQ of a running transfer
  kWriteRefused,       // WRQ (read-only server)
  kTransfersStarted,
  kTransfersDone,        // last block acknowledged
  kTransfersFailed,      // timed out, expired, aborted by an ERROR
  kProbes,               // tsize probe ended by the client after the OACK
  kRejectedTotalLimit,   // max_transfers reached
  kRejectedClientLimit,  // max_per_client reached
  kRejectedNoPort,       // transfer port range exhausted
  kRejectedPath,         // name refused by the file store (escape, bad name)
  kNotFound,
  kDataBlocks,      // DATA packets sent, first sends and resends
  kDataBytes,       // DATA payload bytes sent
  kRetransmits,     // DATA/OACK packets sent again after a timeout/NAK
  kAcks,            // ACKs that advanced a transfer
  kAcksStale,       // duplicate or out-of-window ACKs (ignored)
  kTimeouts,        // retransmit timer expiries
  kIdleExpired,     // transfers freed by the idle limit
  kTxFull,          // TxSink had no room (retried later)
  kUnknownTid,      // packets from a stray sender / to a free port
  kErrorsReceived,  // ERROR packets from clients
  kCount,
};
inline constexpr size_t kNumCounters = size_t(Counter::kCount);
std::string_view CounterName(Counter c);  // "transfers_started"

struct Counters {
  std::array<uint64_t, kNumCounters> values{};
  std::array<uint64_t, kNumErrorCodes> errors_sent{};  // by ErrorCode
  uint64_t operator[](Counter c) const { return values[size_t(c)]; }
};

class CounterSet {
 public:
  void Add(Counter c, uint64_t n = 1) { Bump(values_[size_t(c)], n); }
  void AddErrorSent(ErrorCode code) {
    size_t i = size_t(code);
    Bump(errors_sent_[i < kNumErrorCodes ? i : 0], 1);
  }
  Counters Snapshot() const;

 private:
  static void Bump(std::atomic<uint64_t>& a, uint64_t n) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::array<std::atomic<uint64_t>, kNumCounters> values_{};
  std::array<std::atomic<uint64_t>, kNumErrorCodes> errors_sent_{};
};

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_COUNTERS_H_
