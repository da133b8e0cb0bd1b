// One read transfer's state machine: see transfer.h.
#include "userspace/tftp/transfer.h"

#include <algorithm>
#include <cstring>

namespace xdpxe::tftp {

std::string_view FailReasonName(FailReason r) {
  switch (r) {
    case FailReason::kNone:
      return "none";
    case FailReason::kTimeout:
      return "timeout";
    case FailReason::kIdle:
      return "idle";
    case FailReason::kClientError:
      return "client_error";
    case FailReason::kIllegalPacket:
      return "illegal_packet";
    case FailReason::kSuperseded:
      return "superseded";
    case FailReason::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

void Transfer::Start(FileRef file, const TransferParams& p, net::Time now,
                     net::TxSink& sink, CounterSet& counters) {
  file_ = std::move(file);
  std::span<const uint8_t> content =
      p.mode == Mode::kNetascii ? file_->netascii() : file_->octets();
  data_ = content.data();
  size_ = content.size();
  neg_ = p.negotiated;
  neg_.blksize = std::max(neg_.blksize, kMinBlockSize);
  neg_.window = std::max<uint16_t>(neg_.window, 1);
  // Always one final block shorter than blksize, possibly empty.
  last_block_ = size_ / neg_.blksize + 1;
  acked_ = next_ = window_end_ = highest_sent_ = restart_guard_ = 0;
  started_ = last_progress_ = now;
  rto_ = neg_.timeout_s != 0
             ? net::Duration(std::chrono::seconds(neg_.timeout_s))
             : p.rto;
  max_rto_ = std::max(p.max_rto, rto_);
  // A client asking for a long timeout still gets one retransmission
  // before the idle limit frees its transfer.
  idle_limit_ = std::max(p.idle_limit, 2 * rto_);
  server_ = p.server;
  client_ = p.client;
  mac_ = p.client_mac;
  mode_ = p.mode;
  retransmits_ = 0;
  tries_ = 0;
  max_tries_ = p.max_tries;
  tx_blocked_ = false;
  slid_ = false;
  reason_ = FailReason::kNone;
  client_error_ = ErrorCode::kNotDefined;
  if (neg_.oack()) {
    state_ = TransferState::kOackSent;
    SendOack(now, sink, counters);
  } else {
    state_ = TransferState::kSending;
    OpenWindow(1);
    SendPending(now, sink, counters);
  }
}

void Transfer::Release() {
  file_.reset();
  data_ = nullptr;
  state_ = TransferState::kFree;
  deadline_ = net::Time::max();
}

uint64_t Transfer::bytes_acked() const {
  return std::min<uint64_t>(acked_ * neg_.blksize, size_);
}

void Transfer::Progress(net::Time now) {
  last_progress_ = now;
  tries_ = 0;
}

void Transfer::OpenWindow(uint64_t first) {
  next_ = first;
  window_end_ = std::min<uint64_t>(first + neg_.window - 1, last_block_);
}

void Transfer::Arm(net::Time now) {
  net::Duration rto =
      tx_blocked_ ? kTxRetry : rto_ * (int64_t{1} << std::min<int>(tries_, 16));
  deadline_ =
      std::min(now + std::min(rto, max_rto_), last_progress_ + idle_limit_);
}

bool Transfer::SendBlock(uint64_t index, net::TxSink& sink,
                         CounterSet& counters) {
  uint64_t offset = (index - 1) * neg_.blksize;
  size_t len = size_t(std::min<uint64_t>(neg_.blksize, size_ - offset));
  std::span<uint8_t> room = sink.Reserve(kDataHeaderLen + len);
  if (room.size() < kDataHeaderLen + len) return false;
  WriteDataHeader(room, uint16_t(index));  // wire block: index mod 65536
  if (len != 0) std::memcpy(room.data() + kDataHeaderLen, data_ + offset, len);
  sink.Commit(server_, client_, mac_, kDataHeaderLen + len);
  counters.Add(Counter::kDataBlocks);
  counters.Add(Counter::kDataBytes, len);
  if (index <= highest_sent_) {
    ++retransmits_;
    counters.Add(Counter::kRetransmits);
  } else {
    highest_sent_ = index;
  }
  return true;
}

void Transfer::SendPending(net::Time now, net::TxSink& sink,
                           CounterSet& counters) {
  tx_blocked_ = false;
  for (; next_ <= window_end_; ++next_) {
    if (!SendBlock(next_, sink, counters)) {
      tx_blocked_ = true;
      counters.Add(Counter::kTxFull);
      break;
    }
  }
  Arm(now);
}

void Transfer::SendOack(net::Time now, net::TxSink& sink,
                        CounterSet& counters) {
  std::span<uint8_t> room = sink.Reserve(kMaxOackLen);
  size_t n = room.empty() ? 0 : BuildOack(room, neg_, size_);
  if (n == 0) {
    tx_blocked_ = true;
    counters.Add(Counter::kTxFull);
  } else {
    tx_blocked_ = false;
    sink.Commit(server_, client_, mac_, n);
  }
  Arm(now);
}

Outcome Transfer::OnAck(uint16_t block, net::Time now, net::TxSink& sink,
                        CounterSet& counters) {
  if (state_ == TransferState::kOackSent) {
    if (block != 0) {
      counters.Add(Counter::kAcksStale);
      return Outcome::kContinue;
    }
    counters.Add(Counter::kAcks);
    state_ = TransferState::kSending;
    Progress(now);
    OpenWindow(1);
    SendPending(now, sink, counters);
    return Outcome::kContinue;
  }
  // The one index in (acked_, highest_sent_] whose low 16 bits are `block`.
  uint16_t delta = uint16_t(block - uint16_t(acked_));
  uint64_t index = acked_ + delta;
  if (delta == 0 && slid_ && acked_ < window_end_) {
    // The client repeats the ACK we slid on: it really has a gap there.
    // Restart once (the flag is cleared), never once per duplicate.
    counters.Add(Counter::kAcksStale);
    slid_ = false;
    restart_guard_ = highest_sent_;
    OpenWindow(acked_ + 1);
    SendPending(now, sink, counters);
    return Outcome::kContinue;
  }
  if (delta == 0 || index > highest_sent_) {
    counters.Add(Counter::kAcksStale);
    return Outcome::kContinue;
  }
  counters.Add(Counter::kAcks);
  acked_ = index;
  Progress(now);
  if (acked_ == last_block_) {
    deadline_ = net::Time::max();
    return Outcome::kDone;
  }
  if (acked_ < window_end_ && acked_ <= restart_guard_) {
    // Inside blocks that were already in flight when we last restarted:
    // the client is catching up through duplicates, not reporting a new
    // gap. Slide the window instead of restarting it, or every duplicate
    // would restart a window whose duplicates restart the next (the
    // windowed form of the Sorcerer's Apprentice). A real second gap here
    // is recovered by the retransmit timer.
    window_end_ = std::max(
        window_end_, std::min<uint64_t>(acked_ + neg_.window, last_block_));
    slid_ = true;
  } else {
    slid_ = false;
    // Last of the window: the next window. Earlier: the client saw a gap,
    // restart right after what it has (RFC 7440 section 4).
    if (acked_ < window_end_) restart_guard_ = highest_sent_;
    OpenWindow(acked_ + 1);
  }
  SendPending(now, sink, counters);
  return Outcome::kContinue;
}

Outcome Transfer::OnError(const ErrorPacket& e) {
  client_error_ = e.code;
  deadline_ = net::Time::max();
  // EDK2 asks for tsize, reads it from our OACK and aborts with ERROR 8
  // ("User aborted the transfer"), then asks again: not a failure.
  if (state_ == TransferState::kOackSent && neg_.ack_tsize) {
    return Outcome::kProbe;
  }
  reason_ = FailReason::kClientError;
  return Outcome::kFailed;
}

Outcome Transfer::Fail(FailReason r) {
  reason_ = r;
  deadline_ = net::Time::max();
  return Outcome::kFailed;
}

Outcome Transfer::OnTimer(net::Time now, net::TxSink& sink,
                          CounterSet& counters) {
  if (tx_blocked_) {
    // Not a loss: the sink was full. Carry on where it stopped.
    if (state_ == TransferState::kOackSent) {
      SendOack(now, sink, counters);
    } else {
      SendPending(now, sink, counters);
    }
    return Outcome::kContinue;
  }
  if (now - last_progress_ >= idle_limit_) {
    counters.Add(Counter::kIdleExpired);
    return Fail(FailReason::kIdle);
  }
  if (tries_ >= max_tries_) return Fail(FailReason::kTimeout);
  ++tries_;
  counters.Add(Counter::kTimeouts);
  if (state_ == TransferState::kOackSent) {
    ++retransmits_;
    counters.Add(Counter::kRetransmits);
    SendOack(now, sink, counters);
  } else {
    OpenWindow(acked_ + 1);
    SendPending(now, sink, counters);
  }
  return Outcome::kContinue;
}

}  // namespace xdpxe::tftp
