// Turns the engine's boot events (dhcp::ReplyInfo, tftp::TransferEvent)
// into boot event log lines and the per-phase latency histograms. Called
// concurrently from every worker thread; one line per client step, never
// per packet.
//
//   BootEventSink events(log.get(), &phases, "autoexec.ipxe");
//   io::Server::Create(opts, &events);
#ifndef XDPXE_USERSPACE_APP_BOOT_EVENTS_H_
#define XDPXE_USERSPACE_APP_BOOT_EVENTS_H_

#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "userspace/app/event_log.h"
#include "userspace/app/metrics.h"
#include "userspace/engine/engine.h"

namespace xdpxe::app {

class BootEventSink : public engine::EventListener {
 public:
  // `script_name`: the TFTP name of the iPXE script (ipxe-script=), whose
  // completed transfers are logged as event=ipxe-script.
  BootEventSink(EventLog* log, PhaseHistograms* phases,
                std::string script_name);

  void OnDhcpReply(const net::Datagram& request,
                   const dhcp::ReplyInfo& info) override;
  void OnTransferEvent(const tftp::TransferEvent& event) override;
  void OnDhcpNoReply(const net::Datagram& request,
                     const dhcp::ReplyInfo& info) override;

  void set_script_name(std::string name);  // reload

  // For tests: the clock the phase latencies use.
  void set_clock_for_testing(absl::Time (*now)()) { now_ = now; }

 private:
  struct Client {
    absl::Time first_offer = absl::InfinitePast();
    absl::Time last_offer = absl::InfinitePast();
    absl::Time last_reply = absl::InfinitePast();
    std::optional<uint16_t> arch;
  };
  Client& ClientLocked(const net::MacAddr& mac);

  EventLog* log_;
  PhaseHistograms* phases_;
  absl::Time (*now_)() = absl::Now;
  std::mutex mu_;
  std::string script_name_;
  absl::flat_hash_map<net::MacAddr, Client> clients_;
  // The socket backend sees no MAC on TFTP packets: the 4011 request's
  // ciaddr tells which client an address belongs to.
  absl::flat_hash_map<net::Ipv4Addr, net::MacAddr> mac_by_ip_;
};

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_BOOT_EVENTS_H_
