// One read transfer's state machine (RFC 1350 + 2347/2348/2349/7440): the
// OACK handshake, windowed sending, the ACK rules, retransmission with
// backoff, block-number rollover and the idle limit. Sans-I/O: each call is
// handed `now` and a TxSink, sends what it must, and says whether the
// transfer goes on; the owner (Server) keeps the timer at deadline().
//
//   Transfer t;
//   t.Start(file, params, now, sink, counters);   // OACK or first window
//   Outcome o = t.OnAck(block, now, sink, counters);
//   wheel.Arm(&t.timer, t.deadline());
//
// Block numbers: internally every block has a 64-bit index (1..last); the
// wire carries index mod 65536, so block 65535 is followed by block 0 (what
// tftp-hpa and iPXE do). An ACK is mapped onto the one index inside the
// window that matches it; a window is at most 65535 blocks, so that index
// is unique.
//
// ACK rules (RFC 7440 section 4): an ACK for the last block of the window
// opens the next window; an ACK for an earlier block (the client saw a gap)
// restarts the window just after it; an ACK that does not advance (a
// duplicate, or a late one from before a restart) is ignored, so duplicates
// never trigger duplicate windows (the Sorcerer's Apprentice bug). After a
// restart, an early ACK for a block that was already in flight slides the
// window rather than restarting it again: a client that re-ACKs duplicate
// DATA cannot set off a cascade of overlapping windows.
//
// DATA goes straight into the TxSink reservation: one copy, from the shared
// file snapshot into the frame. No allocation on any call but Start.
#ifndef XDPXE_USERSPACE_TFTP_TRANSFER_H_
#define XDPXE_USERSPACE_TFTP_TRANSFER_H_

#include <cstdint>

#include "userspace/net/addr.h"
#include "userspace/net/datagram.h"
#include "userspace/tftp/counters.h"
#include "userspace/tftp/file_store.h"
#include "userspace/tftp/negotiation.h"
#include "userspace/tftp/packet.h"
#include "userspace/tftp/timer_wheel.h"

namespace xdpxe::tftp {

enum class TransferState : uint8_t {
  kFree,      // slot unused (owner's bookkeeping)
  kOackSent,  // waiting for ACK 0
  kSending,   // DATA windows
};

enum class Outcome : uint8_t {
  kContinue,
  kDone,    // the last block was acknowledged
  kProbe,   // the client ended a tsize probe after our OACK (EDK2 ERROR 8)
  kFailed,  // see fail_reason()
};

enum class FailReason : uint8_t {
  kNone,
  kTimeout,        // no progress after max_tries retransmissions
  kIdle,           // no progress for the idle limit
  kClientError,    // the client sent ERROR
  kIllegalPacket,  // the client sent something other than ACK/ERROR
  kSuperseded,     // the same client port started a different request
  kShutdown,       // the server dropped it (reload to a smaller table...)
};
std::string_view FailReasonName(FailReason r);  // "timeout"

// Everything a transfer is started with; fixed for its life (a config
// reload never changes a running transfer).
struct TransferParams {
  net::Endpoint server;  // our TID: address the RRQ was sent to, our port
  net::Endpoint client;
  net::MacAddr client_mac;
  Mode mode = Mode::kOctet;
  Negotiated negotiated;
  net::Duration rto = std::chrono::seconds(1);      // first retransmit
  net::Duration max_rto = std::chrono::seconds(8);  // backoff cap
  uint8_t max_tries = 5;                            // retransmits in a row
  net::Duration idle_limit = std::chrono::seconds(30);
};

class Transfer {
 public:
  // How soon a transfer retries after the TxSink had no room.
  static constexpr net::Duration kTxRetry = std::chrono::milliseconds(2);

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Sends the OACK (if any option was accepted) or the first window.
  void Start(FileRef file, const TransferParams& p, net::Time now,
             net::TxSink& sink, CounterSet& counters);
  // An ACK from the client.
  Outcome OnAck(uint16_t block, net::Time now, net::TxSink& sink,
                CounterSet& counters);
  // An ERROR from the client: a probe when it answers our OACK with tsize.
  Outcome OnError(const ErrorPacket& e);
  // The owner's timer for deadline() fired.
  Outcome OnTimer(net::Time now, net::TxSink& sink, CounterSet& counters);
  // Marks the transfer failed for a reason found by the owner.
  Outcome Fail(FailReason r);
  // Drops the file reference; the slot may be reused.
  void Release();

  net::Time deadline() const { return deadline_; }
  TransferState state() const { return state_; }
  FailReason fail_reason() const { return reason_; }
  ErrorCode client_error() const { return client_error_; }
  const FileRef& file() const { return file_; }
  const net::Endpoint& client() const { return client_; }
  const net::Endpoint& server() const { return server_; }
  const net::MacAddr& client_mac() const { return mac_; }
  Mode mode() const { return mode_; }
  uint16_t blksize() const { return neg_.blksize; }
  uint16_t window() const { return neg_.window; }
  uint64_t tsize() const { return size_; }  // bytes sent in this mode
  uint64_t bytes_acked() const;
  uint64_t blocks_acked() const { return acked_; }
  uint64_t last_block() const { return last_block_; }
  uint32_t retransmits() const { return retransmits_; }
  net::Time started() const { return started_; }
  bool negotiated_tsize() const { return neg_.ack_tsize; }

  TimerNode timer;  // armed by the owner at deadline()

 private:
  void OpenWindow(uint64_t first);
  void SendPending(net::Time now, net::TxSink& sink, CounterSet& counters);
  bool SendBlock(uint64_t index, net::TxSink& sink, CounterSet& counters);
  void SendOack(net::Time now, net::TxSink& sink, CounterSet& counters);
  void Arm(net::Time now);
  void Progress(net::Time now);

  FileRef file_;
  const uint8_t* data_ = nullptr;  // octets or netascii form of file_
  uint64_t size_ = 0;
  uint64_t last_block_ = 0;     // index of the final (short) block
  uint64_t acked_ = 0;          // highest index the client acknowledged
  uint64_t next_ = 0;           // next index to send in this window
  uint64_t window_end_ = 0;     // last index of this window
  uint64_t highest_sent_ = 0;   // resending at or below this = retransmit
  uint64_t restart_guard_ = 0;  // highest_sent_ at the last gap restart
  net::Time started_{};
  net::Time last_progress_{};
  net::Time deadline_ = net::Time::max();
  net::Duration rto_{};
  net::Duration max_rto_{};
  net::Duration idle_limit_{};
  net::Endpoint server_;
  net::Endpoint client_;
  net::MacAddr mac_;
  Negotiated neg_;
  uint32_t retransmits_ = 0;
  uint8_t tries_ = 0;
  uint8_t max_tries_ = 0;
  TransferState state_ = TransferState::kFree;
  Mode mode_ = Mode::kOctet;
  bool tx_blocked_ = false;
  bool slid_ = false;  // the last ACK slid the window (see OnAck)
  FailReason reason_ = FailReason::kNone;
  ErrorCode client_error_ = ErrorCode::kNotDefined;
};

// The design budget (DESIGN.md "Performance model"): state per transfer,
// the shared file not counted.
inline constexpr size_t kTransferStateBudget = 256;
static_assert(sizeof(Transfer) <= kTransferStateBudget,
              "per-transfer state over the 256-byte budget");

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_TRANSFER_H_
