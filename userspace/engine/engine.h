// The sans-I/O engine of one worker: routes each received datagram by
// destination port — 67 and 4011 to the ProxyDHCP responder, 69 and the
// TFTP transfer range to the TFTP server, anything else dropped and
// counted — and drives the TFTP timers. Every reply leaves through the
// TxSink the caller passes; the engine never touches the kernel.
//
//   engine::Engine eng(cfg, files, &listener);
//   eng.OnDatagram(d, now, sink);                  // per received datagram
//   if (now >= eng.NextDeadline()) eng.OnTick(now, sink);
//   eng.Reload(new_cfg);                           // same thread, running
//                                                  // transfers carry on
//
// One Engine per worker thread; not thread-safe except counters(). The
// EventListener is shared by every worker's engine, so it must be
// thread-safe.
#ifndef XDPXE_USERSPACE_ENGINE_ENGINE_H_
#define XDPXE_USERSPACE_ENGINE_ENGINE_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "userspace/dhcp/responder.h"
#include "userspace/engine/counters.h"
#include "userspace/net/datagram.h"
#include "userspace/tftp/file_store.h"
#include "userspace/tftp/server.h"

namespace xdpxe::engine {

struct EngineConfig {
  // nullptr: no ProxyDHCP (TFTP only); DHCP datagrams are then dropped.
  std::shared_ptr<const dhcp::ResponderConfig> dhcp;
  tftp::ServerConfig tftp;
};

// Boot events, one per client event (never per packet): the app turns them
// into the event log. Called on worker threads, concurrently.
class EventListener {
 public:
  virtual ~EventListener() = default;
  // The responder answered `request` (info says who, which phase, file).
  virtual void OnDhcpReply(const net::Datagram& request,
                           const dhcp::ReplyInfo& info) = 0;
  virtual void OnTransferEvent(const tftp::TransferEvent& event) = 0;
  // A PXE client the responder chose not to answer, for a reason an
  // operator must see (unknown architecture, no boot file configured, a
  // host rule says ignore). Not called for ordinary DHCP clients or
  // malformed packets: those are counters only.
  virtual void OnDhcpNoReply(const net::Datagram& request,
                             const dhcp::ReplyInfo& info) {
    (void)request;
    (void)info;
  }
};

// True for the verdicts OnDhcpNoReply reports.
bool IsNoReplyWorthLogging(dhcp::Verdict v);

class Engine : private tftp::EventObserver {
 public:
  // `events` may be null.
  Engine(EngineConfig cfg, std::shared_ptr<tftp::FileStore> files,
         EventListener* events = nullptr);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void OnDatagram(const net::Datagram& d, net::Time now, net::TxSink& sink);
  void OnTick(net::Time now, net::TxSink& sink);
  // When OnTick next has work; Time::max() when idle.
  net::Time NextDeadline() const { return tftp_.NextDeadline(); }

  // New configuration for new requests; running TFTP transfers keep theirs.
  // InvalidArgument (naming the field) leaves the old configuration.
  absl::Status Reload(EngineConfig cfg);

  // Relaxed snapshot; any thread.
  Counters counters() const { return counters_.Snapshot(); }
  tftp::Counters tftp_counters() const { return tftp_.counters(); }
  size_t active_transfers() const { return tftp_.active_transfers(); }
  std::vector<tftp::TransferInfo> Transfers() const {
    return tftp_.Transfers();
  }

 private:
  void OnTransferEvent(const tftp::TransferEvent& e) override;

  EventListener* events_;
  bool dhcp_enabled_;
  dhcp::ProxyResponder dhcp_;
  tftp::Server tftp_;
  CounterSet counters_;
};

}  // namespace xdpxe::engine

#endif  // XDPXE_USERSPACE_ENGINE_ENGINE_H_
