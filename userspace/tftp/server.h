// The TFTP server of one worker: the transfer table behind port 69 and the
// transfer port range, with admission limits, timers and counters. Sans-I/O:
// the engine hands it datagrams and the time, and it sends through a TxSink.
//
//   tftp::Server tftp(cfg, files, &observer);
//   if (tftp.Wants(d.dst.port)) tftp.OnDatagram(d, now, sink);
//   ...
//   if (now >= tftp.NextDeadline()) tftp.OnTick(now, sink);
//
// Table: a transfer is found by its server port (each transfer has its own
// TID port from [port_lo, port_hi], handed out oldest-freed first) and must
// come from its client's (address, port), so the key is (client address,
// client port, server port). A packet to a transfer port from anyone else
// gets ERROR 5 and the transfer carries on. An RRQ from a client port that
// already has a transfer that has not made progress yet, for the same
// file, is a retransmission and is ignored (our own timer resends); any
// other RRQ from that port replaces the old transfer (a rebooted client
// that reuses its port, as iPXE under TCG does).
//
// Errors answering a request come from a fresh TID port, as RFC 1350 has
// it and as tftp-hpa and dnsmasq do.
//
// Not thread-safe except counters(): one Server per worker thread.
#ifndef XDPXE_USERSPACE_TFTP_SERVER_H_
#define XDPXE_USERSPACE_TFTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "userspace/net/addr.h"
#include "userspace/net/datagram.h"
#include "userspace/tftp/counters.h"
#include "userspace/tftp/file_store.h"
#include "userspace/tftp/packet.h"
#include "userspace/tftp/timer_wheel.h"
#include "userspace/tftp/transfer.h"

namespace xdpxe::tftp {

struct ServerConfig {
  net::Ipv4Addr server_ip;  // source of replies to RRQs sent to broadcast
  uint16_t listen_port = kTftpPort;
  uint16_t port_lo = 61000;  // transfer (TID) ports; keep clear of
  uint16_t port_hi = 65535;  // ip_local_port_range
  uint16_t mtu = 1500;       // blksize is capped to mtu - 32
  uint16_t max_window = 64;  // RFC 7440 windowsize cap
  size_t max_transfers = 4096;
  size_t max_per_client = 8;  // per client IPv4 address
  std::chrono::milliseconds retransmit_timeout{1000};  // first; doubles
  std::chrono::milliseconds max_retransmit_timeout{8000};
  uint8_t max_retries = 5;  // retransmissions without progress, then fail
  std::chrono::milliseconds idle_timeout{30000};  // no progress: freed
};
// InvalidArgument naming the field when `cfg` cannot work.
absl::Status ValidateServerConfig(const ServerConfig& cfg);

enum class TransferEventKind : uint8_t {
  kStarted,   // an RRQ was accepted
  kDone,      // every block acknowledged
  kProbe,     // the client ended a tsize probe after the OACK (EDK2)
  kFailed,    // see reason
  kRejected,  // the RRQ was answered with an ERROR (no transfer started)
};
std::string_view TransferEventKindName(TransferEventKind k);  // "done"

// One per transfer start and end (never per packet). Every kStarted is
// followed by exactly one kDone, kProbe or kFailed.
struct TransferEvent {
  TransferEventKind kind = TransferEventKind::kStarted;
  net::Endpoint client;
  net::MacAddr client_mac;
  net::Endpoint server;   // our TID
  std::string_view file;  // valid during the callback only
  Mode mode = Mode::kOctet;
  uint64_t file_size = 0;  // tsize (netascii: the converted size)
  uint64_t bytes = 0;      // acknowledged so far
  uint16_t blksize = 0;
  uint16_t window = 0;
  net::Duration duration{};  // since the RRQ
  uint32_t retransmits = 0;
  FailReason reason = FailReason::kNone;     // kFailed
  ErrorCode error = ErrorCode::kNotDefined;  // kRejected: sent; kFailed
                                             // by ERROR: the client's
  std::string_view message;                  // kRejected: the ERROR text sent
};

// Called synchronously from OnDatagram/OnTick: it must not call back into
// the Server.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void OnTransferEvent(const TransferEvent& event) = 0;
};

// One running transfer, for `xdpxe status`.
struct TransferInfo {
  net::Endpoint client;
  net::Endpoint server;
  std::string file;
  Mode mode = Mode::kOctet;
  TransferState state = TransferState::kFree;
  uint64_t file_size = 0;
  uint64_t bytes_acked = 0;
  uint64_t blocks_acked = 0;
  uint64_t last_block = 0;
  uint16_t blksize = 0;
  uint16_t window = 0;
  uint32_t retransmits = 0;
  net::Time started{};
};

class Server {
 public:
  // An invalid `cfg` is clamped to something that works (see
  // ValidateServerConfig for what callers should check first).
  Server(ServerConfig cfg, std::shared_ptr<FileStore> files,
         EventObserver* events = nullptr);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // listen_port, inside [port_lo, port_hi], or a port still held by a
  // transfer started before a reload moved the range.
  bool Wants(uint16_t dst_port) const;
  // Datagrams to a port it does not want are ignored.
  void OnDatagram(const net::Datagram& d, net::Time now, net::TxSink& sink);
  // Retransmits, expiries. Cheap when nothing is due.
  void OnTick(net::Time now, net::TxSink& sink);
  // When OnTick next has work (possibly earlier); Time::max() when idle.
  net::Time NextDeadline() const { return wheel_.NextDeadline(); }

  // Applies to new transfers only; running ones keep what they started
  // with (their port, file, blksize, window, timeouts).
  absl::Status set_config(ServerConfig cfg);
  const ServerConfig& config() const { return cfg_; }

  size_t active_transfers() const { return active_; }
  Counters counters() const { return counters_.Snapshot(); }  // any thread
  std::vector<TransferInfo> Transfers() const;

 private:
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  void HandleRequest(const net::Datagram& d, net::Time now, net::TxSink& sink);
  void HandleTransferPacket(uint32_t slot, const net::Datagram& d,
                            net::Time now, net::TxSink& sink);
  void HandleStray(const net::Datagram& d, net::TxSink& sink);
  // Sends ERROR from `from` to the datagram's sender and counts it.
  void SendError(const net::Endpoint& from, const net::Datagram& d,
                 ErrorCode code, std::string_view message, net::TxSink& sink);
  void Reject(const net::Datagram& d, std::string_view file, ErrorCode code,
              std::string_view message, net::TxSink& sink);
  // The limit checks; false when the request was rejected.
  bool Admit(const net::Datagram& d, std::string_view file, net::TxSink& sink);
  void StartTransfer(const net::Datagram& d, const Request& req, FileRef file,
                     net::Time now, net::TxSink& sink);
  void RejectFile(const net::Datagram& d, std::string_view file,
                  const absl::Status& status, net::TxSink& sink);
  void Settle(uint32_t slot, Outcome o, net::Time now);
  void Free(uint32_t slot);
  void Emit(TransferEventKind kind, const Transfer& t, net::Time now);
  uint32_t AllocSlot();
  void RebuildPortRing();
  uint16_t PeekPort() const;
  uint16_t PopPort();
  void PushPort(uint16_t port);

  ServerConfig cfg_;
  std::shared_ptr<FileStore> files_;
  EventObserver* events_;
  std::deque<Transfer> slots_;  // stable addresses (intrusive timers)
  std::vector<uint32_t> free_slots_;
  std::vector<uint32_t> by_port_;  // server port -> slot
  absl::flat_hash_map<net::Endpoint, uint32_t> by_client_;
  absl::flat_hash_map<net::Ipv4Addr, uint32_t> per_client_;
  std::vector<uint16_t> port_ring_;  // free ports in range, FIFO
  size_t ring_head_ = 0;
  size_t ring_size_ = 0;
  TimerWheel wheel_;
  CounterSet counters_;
  size_t active_ = 0;
};

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_SERVER_H_
