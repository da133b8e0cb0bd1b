// The TFTP transfer table and request handling: see server.h.
#include "userspace/tftp/server.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "userspace/common/log.h"

namespace xdpxe::tftp {
namespace {

// Room for any ERROR this server sends.
constexpr size_t kMaxErrorLen = 160;

ServerConfig Clamped(ServerConfig c) {
  if (c.port_lo > c.port_hi) std::swap(c.port_lo, c.port_hi);
  if (c.port_lo == 0) c.port_lo = 1;
  c.mtu = std::max<uint16_t>(c.mtu, 576);
  c.max_window = std::max<uint16_t>(c.max_window, 1);
  c.max_transfers = std::max<size_t>(c.max_transfers, 1);
  c.max_per_client = std::max<size_t>(c.max_per_client, 1);
  c.retransmit_timeout =
      std::max(c.retransmit_timeout, std::chrono::milliseconds(1));
  c.max_retransmit_timeout =
      std::max(c.max_retransmit_timeout, c.retransmit_timeout);
  return c;
}

}  // namespace

absl::Status ValidateServerConfig(const ServerConfig& c) {
  auto bad = [](auto... parts) {
    return absl::InvalidArgumentError(absl::StrCat("tftp: ", parts...));
  };
  if (c.port_lo == 0 || c.port_lo > c.port_hi) {
    return bad("transfer port range ", c.port_lo, "-", c.port_hi,
               " is empty (set port_lo <= port_hi, both > 0)");
  }
  if (c.listen_port >= c.port_lo && c.listen_port <= c.port_hi) {
    return bad("listen port ", c.listen_port, " lies inside the transfer ",
               "port range ", c.port_lo, "-", c.port_hi);
  }
  if (c.mtu < 576) {
    return bad("mtu ", c.mtu, " is below the IPv4 minimum of 576");
  }
  if (c.max_window == 0) return bad("max_window must be at least 1");
  if (c.max_transfers == 0 || c.max_per_client == 0) {
    return bad("max_transfers and max_per_client must be at least 1");
  }
  if (c.retransmit_timeout.count() <= 0 ||
      c.max_retransmit_timeout < c.retransmit_timeout) {
    return bad("retransmit timeouts ", c.retransmit_timeout.count(), " ms / ",
               c.max_retransmit_timeout.count(), " ms: need 0 < first <= max");
  }
  return absl::OkStatus();
}

std::string_view TransferEventKindName(TransferEventKind k) {
  switch (k) {
    case TransferEventKind::kStarted:
      return "started";
    case TransferEventKind::kDone:
      return "done";
    case TransferEventKind::kProbe:
      return "probe";
    case TransferEventKind::kFailed:
      return "failed";
    case TransferEventKind::kRejected:
      return "rejected";
  }
  return "unknown";
}

Server::Server(ServerConfig cfg, std::shared_ptr<FileStore> files,
               EventObserver* events)
    : cfg_(Clamped(cfg)),
      files_(std::move(files)),
      events_(events),
      by_port_(65536, kNoSlot),
      port_ring_(65536) {
  RebuildPortRing();
  by_client_.reserve(std::min<size_t>(cfg_.max_transfers, 65536));
  per_client_.reserve(std::min<size_t>(cfg_.max_transfers, 65536));
}

absl::Status Server::set_config(ServerConfig cfg) {
  if (absl::Status s = ValidateServerConfig(cfg); !s.ok()) return s;
  bool range_changed =
      cfg.port_lo != cfg_.port_lo || cfg.port_hi != cfg_.port_hi;
  cfg_ = cfg;
  if (range_changed) RebuildPortRing();
  return absl::OkStatus();
}

bool Server::Wants(uint16_t port) const {
  return port == cfg_.listen_port ||
         (port >= cfg_.port_lo && port <= cfg_.port_hi) ||
         by_port_[port] != kNoSlot;
}

void Server::RebuildPortRing() {
  ring_head_ = ring_size_ = 0;
  for (uint32_t p = cfg_.port_lo; p <= cfg_.port_hi; ++p) {
    if (by_port_[p] == kNoSlot && p != cfg_.listen_port) PushPort(uint16_t(p));
  }
}

uint16_t Server::PeekPort() const {
  return ring_size_ == 0 ? cfg_.listen_port : port_ring_[ring_head_];
}

uint16_t Server::PopPort() {
  uint16_t p = port_ring_[ring_head_];
  ring_head_ = (ring_head_ + 1) % port_ring_.size();
  --ring_size_;
  return p;
}

void Server::PushPort(uint16_t port) {
  port_ring_[(ring_head_ + ring_size_) % port_ring_.size()] = port;
  ++ring_size_;
}

void Server::OnDatagram(const net::Datagram& d, net::Time now,
                        net::TxSink& sink) {
  if (!Wants(d.dst.port)) return;  // not ours: never answer for others
  counters_.Add(Counter::kRxPackets);
  if (d.dst.port == cfg_.listen_port) {
    HandleRequest(d, now, sink);
    return;
  }
  uint32_t slot = by_port_[d.dst.port];
  if (slot == kNoSlot) {
    HandleStray(d, sink);
    return;
  }
  HandleTransferPacket(slot, d, now, sink);
}

void Server::SendError(const net::Endpoint& from, const net::Datagram& d,
                       ErrorCode code, std::string_view message,
                       net::TxSink& sink) {
  std::span<uint8_t> room = sink.Reserve(kMaxErrorLen);
  size_t n = room.empty() ? 0 : BuildError(room, code, message);
  if (n == 0) {
    counters_.Add(Counter::kTxFull);
    return;
  }
  sink.Commit(from, d.src, d.src_mac, n);
  counters_.AddErrorSent(code);
}

void Server::HandleStray(const net::Datagram& d, net::TxSink& sink) {
  counters_.Add(Counter::kUnknownTid);
  std::optional<Opcode> op = PeekOpcode(d.payload);
  // Never answer an ERROR (no error loops) or noise.
  if (!op || *op == Opcode::kError) return;
  SendError(d.dst, d, ErrorCode::kUnknownTid, "unknown transfer ID", sink);
}

void Server::Reject(const net::Datagram& d, std::string_view file,
                    ErrorCode code, std::string_view message,
                    net::TxSink& sink) {
  net::Endpoint from{d.dst.addr, PeekPort()};
  if (from.addr.IsBroadcast() || from.addr.IsAny()) from.addr = cfg_.server_ip;
  SendError(from, d, code, message, sink);
  if (events_ != nullptr) {
    TransferEvent e;
    e.kind = TransferEventKind::kRejected;
    e.client = d.src;
    e.client_mac = d.src_mac;
    e.server = from;
    e.file = file;
    e.error = code;
    e.message = message;
    events_->OnTransferEvent(e);
  }
}

bool Server::Admit(const net::Datagram& d, std::string_view file,
                   net::TxSink& sink) {
  if (active_ >= cfg_.max_transfers) {
    counters_.Add(Counter::kRejectedTotalLimit);
    char msg[96];
    std::snprintf(msg, sizeof(msg),
                  "server busy: %zu transfers running (limit %zu), retry",
                  active_, cfg_.max_transfers);
    Reject(d, file, ErrorCode::kNotDefined, msg, sink);
    return false;
  }
  auto pc = per_client_.find(d.src.addr);
  if (pc != per_client_.end() && pc->second >= cfg_.max_per_client) {
    counters_.Add(Counter::kRejectedClientLimit);
    char msg[96];
    std::snprintf(msg, sizeof(msg),
                  "too many transfers from this client (limit %zu), retry",
                  cfg_.max_per_client);
    Reject(d, file, ErrorCode::kNotDefined, msg, sink);
    return false;
  }
  if (ring_size_ == 0) {
    counters_.Add(Counter::kRejectedNoPort);
    Reject(d, file, ErrorCode::kNotDefined,
           "server busy: no free transfer port, retry", sink);
    return false;
  }
  return true;
}

void Server::RejectFile(const net::Datagram& d, std::string_view file,
                        const absl::Status& status, net::TxSink& sink) {
  ErrorCode code = FileErrorToTftp(status);
  if (code == ErrorCode::kFileNotFound) {
    counters_.Add(Counter::kNotFound);
    XDPXE_LOG(kInfo, "%s (client %s)", status.message(), d.src.ToString());
    Reject(d, file, code, "file not found", sink);
  } else {
    if (code == ErrorCode::kAccessViolation) {
      counters_.Add(Counter::kRejectedPath);
    }
    XDPXE_LOG(kWarning, "%s (client %s)", status.message(), d.src.ToString());
    Reject(d, file, code,
           code == ErrorCode::kAccessViolation ? "access violation"
                                               : "cannot read file",
           sink);
  }
}

void Server::HandleRequest(const net::Datagram& d, net::Time now,
                           net::TxSink& sink) {
  std::optional<Opcode> op = PeekOpcode(d.payload);
  if (!op) {
    counters_.Add(Counter::kRxMalformed);
    if (d.payload.size() >= 2) {
      SendError(d.dst, d, ErrorCode::kIllegalOperation,
                "illegal operation: unknown opcode", sink);
    }
    return;
  }
  if (*op == Opcode::kError) return;  // never answer an ERROR
  if (*op != Opcode::kRrq && *op != Opcode::kWrq) {
    counters_.Add(Counter::kRxMalformed);
    SendError(d.dst, d, ErrorCode::kIllegalOperation,
              "illegal operation: port 69 takes read requests only", sink);
    return;
  }
  counters_.Add(Counter::kRequests);
  Request req;
  RequestParse parsed = ParseRequest(d.payload, &req);
  if (parsed == RequestParse::kOptionRefused) {
    char msg[96];
    std::snprintf(msg, sizeof(msg),
                  "option refused: %.*s (blksize 8-65464, timeout 1-255, "
                  "windowsize >= 1)",
                  int(std::min<size_t>(req.options.refused_option.size(), 16)),
                  req.options.refused_option.data());
    Reject(d, req.filename, ErrorCode::kOptionRefused, msg, sink);
    return;
  }
  if (parsed != RequestParse::kOk) {
    counters_.Add(Counter::kRxMalformed);
    Reject(d, req.filename, ErrorCode::kIllegalOperation,
           RequestParseMessage(parsed), sink);
    return;
  }
  if (req.opcode == Opcode::kWrq) {
    counters_.Add(Counter::kWriteRefused);
    Reject(d, req.filename, ErrorCode::kAccessViolation,
           "read-only server: write requests are refused", sink);
    return;
  }
  if (auto it = by_client_.find(d.src); it != by_client_.end()) {
    uint32_t old = it->second;
    Transfer& t = slots_[old];
    absl::StatusOr<std::string> name = FileStore::NormalizeName(req.filename);
    if (t.blocks_acked() == 0 && name.ok() && *name == t.file()->name()) {
      counters_.Add(Counter::kRequestDuplicates);
      return;  // a retransmitted RRQ; our timer resends what it lost
    }
    Settle(old, t.Fail(FailReason::kSuperseded), now);
  }
  if (!Admit(d, req.filename, sink)) return;
  absl::StatusOr<FileRef> file = files_->Get(req.filename);
  if (!file.ok()) {
    RejectFile(d, req.filename, file.status(), sink);
    return;
  }
  StartTransfer(d, req, *std::move(file), now, sink);
}

void Server::StartTransfer(const net::Datagram& d, const Request& req,
                           FileRef file, net::Time now, net::TxSink& sink) {
  uint32_t slot = AllocSlot();
  Transfer& t = slots_[slot];
  TransferParams p;
  p.server = {d.dst.addr, PopPort()};
  if (p.server.addr.IsBroadcast() || p.server.addr.IsAny()) {
    p.server.addr = cfg_.server_ip;
  }
  p.client = d.src;
  p.client_mac = d.src_mac;
  p.mode = req.mode;
  p.negotiated =
      Negotiate(req.options, {.max_blksize = uint16_t(std::min<size_t>(
                                  cfg_.mtu - kBlockOverhead, kMaxBlockSize)),
                              .max_window = cfg_.max_window});
  p.rto = cfg_.retransmit_timeout;
  p.max_rto = cfg_.max_retransmit_timeout;
  p.max_tries = cfg_.max_retries;
  p.idle_limit = cfg_.idle_timeout;
  by_port_[p.server.port] = slot;
  by_client_[d.src] = slot;
  ++per_client_[d.src.addr];
  ++active_;
  counters_.Add(Counter::kTransfersStarted);
  t.timer.owner = slot;
  t.Start(std::move(file), p, now, sink, counters_);
  Emit(TransferEventKind::kStarted, t, now);
  wheel_.Arm(&t.timer, t.deadline());
}

void Server::HandleTransferPacket(uint32_t slot, const net::Datagram& d,
                                  net::Time now, net::TxSink& sink) {
  Transfer& t = slots_[slot];
  if (d.src != t.client()) {
    counters_.Add(Counter::kUnknownTid);
    std::optional<Opcode> op = PeekOpcode(d.payload);
    if (op && *op != Opcode::kError) {
      SendError(d.dst, d, ErrorCode::kUnknownTid, "unknown transfer ID", sink);
    }
    return;
  }
  std::optional<Opcode> op = PeekOpcode(d.payload);
  if (op == Opcode::kAck) {
    if (std::optional<uint16_t> block = ParseAck(d.payload)) {
      Settle(slot, t.OnAck(*block, now, sink, counters_), now);
      return;
    }
  } else if (op == Opcode::kError) {
    counters_.Add(Counter::kErrorsReceived);
    if (std::optional<ErrorPacket> e = ParseError(d.payload)) {
      Settle(slot, t.OnError(*e), now);
      return;
    }
  }
  counters_.Add(Counter::kRxMalformed);
  if (d.payload.size() < 2) return;  // noise: let the timer recover
  SendError(d.dst, d, ErrorCode::kIllegalOperation,
            "illegal operation: expected ACK", sink);
  Settle(slot, t.Fail(FailReason::kIllegalPacket), now);
}

void Server::OnTick(net::Time now, net::TxSink& sink) {
  wheel_.Advance(now, [&](TimerNode* n) {
    uint32_t slot = n->owner;
    Settle(slot, slots_[slot].OnTimer(now, sink, counters_), now);
  });
}

void Server::Settle(uint32_t slot, Outcome o, net::Time now) {
  Transfer& t = slots_[slot];
  switch (o) {
    case Outcome::kContinue:
      wheel_.Arm(&t.timer, t.deadline());
      return;
    case Outcome::kDone:
      counters_.Add(Counter::kTransfersDone);
      Emit(TransferEventKind::kDone, t, now);
      break;
    case Outcome::kProbe:
      counters_.Add(Counter::kProbes);
      Emit(TransferEventKind::kProbe, t, now);
      break;
    case Outcome::kFailed:
      counters_.Add(Counter::kTransfersFailed);
      Emit(TransferEventKind::kFailed, t, now);
      break;
  }
  Free(slot);
}

void Server::Emit(TransferEventKind kind, const Transfer& t, net::Time now) {
  if (events_ == nullptr) return;
  TransferEvent e;
  e.kind = kind;
  e.client = t.client();
  e.client_mac = t.client_mac();
  e.server = t.server();
  e.file = t.file()->name();
  e.mode = t.mode();
  e.file_size = t.tsize();
  e.bytes = t.bytes_acked();
  e.blksize = t.blksize();
  e.window = t.window();
  e.duration = now - t.started();
  e.retransmits = t.retransmits();
  e.reason = t.fail_reason();
  e.error = t.client_error();
  events_->OnTransferEvent(e);
}

uint32_t Server::AllocSlot() {
  if (!free_slots_.empty()) {
    uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  slots_.emplace_back();
  return uint32_t(slots_.size() - 1);
}

void Server::Free(uint32_t slot) {
  Transfer& t = slots_[slot];
  wheel_.Cancel(&t.timer);
  uint16_t port = t.server().port;
  by_port_[port] = kNoSlot;
  if (port >= cfg_.port_lo && port <= cfg_.port_hi &&
      port != cfg_.listen_port) {
    PushPort(port);
  }
  if (auto it = by_client_.find(t.client());
      it != by_client_.end() && it->second == slot) {
    by_client_.erase(it);
  }
  if (auto it = per_client_.find(t.client().addr); it != per_client_.end()) {
    if (--it->second == 0) per_client_.erase(it);
  }
  t.Release();
  free_slots_.push_back(slot);
  --active_;
}

std::vector<TransferInfo> Server::Transfers() const {
  std::vector<TransferInfo> out;
  out.reserve(active_);
  for (const Transfer& t : slots_) {
    if (t.state() == TransferState::kFree) continue;
    TransferInfo i;
    i.client = t.client();
    i.server = t.server();
    i.file = t.file()->name();
    i.mode = t.mode();
    i.state = t.state();
    i.file_size = t.tsize();
    i.bytes_acked = t.bytes_acked();
    i.blocks_acked = t.blocks_acked();
    i.last_block = t.last_block();
    i.blksize = t.blksize();
    i.window = t.window();
    i.retransmits = t.retransmits();
    i.started = t.started();
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace xdpxe::tftp
