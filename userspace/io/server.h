// io::Server: the running data plane `xdpxe serve` calls. Learns the
// interface (IPv4 address, MAC, MTU, RX queues), opens the TFTP root, then
// either
//   kXdp    — uses the XDP program xdpctl attached (pinned), or attaches it
//             itself (and then detaches it at the end: only what it
//             attached), puts one AF_XDP socket per RX queue in the XSKMAP,
//             one worker thread per queue, each with its own io_uring and
//             engine and its own slice of the TFTP port range (a datagram
//             RSS put on another queue is forwarded to the slice's owner,
//             io/inbox.h); falls back to kSocket with one log line when XDP
//             cannot be used and `fallback_to_socket`;
//   kSocket — UDP sockets on io_uring (one worker: the sockets are per
//             port, not per queue).
//
//   io::ServerOptions o;
//   o.interface = "eth1";
//   o.tftp_root = "/srv/tftp";
//   o.engine = cfg;                        // server_ip filled in if unset
//   XDPXE_ASSIGN_OR_RETURN(auto server, io::Server::Create(o, &events));
//   signal handler: server->RequestStop();   // async-signal-safe
//   XDPXE_RETURN_IF_ERROR(server->Run());    // blocks until stopped
//
// Start-up problems are one line each, naming the thing and what to do:
// "eth1: no IPv4 address (...)", "tftp-root /srv/tftp: ...",
// "udp 0.0.0.0:69 on eth1: address already in use (...)", "eth1: another
// xdpxe (pid 1234) serves this interface (stop it first; ...)".
#ifndef XDPXE_USERSPACE_IO_SERVER_H_
#define XDPXE_USERSPACE_IO_SERVER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "userspace/engine/engine.h"
#include "userspace/io/interface_info.h"
#include "userspace/io/interface_lock.h"
#include "userspace/io/worker.h"
#include "userspace/io/xdp_loader.h"
#include "userspace/io/xsk_port.h"

namespace xdpxe::io {

enum class Backend { kXdp, kSocket };
std::string_view BackendName(Backend b);  // "xdp", "socket"
std::optional<Backend> ParseBackend(std::string_view name);

struct ServerOptions {
  std::string interface;
  Backend backend = Backend::kXdp;
  bool fallback_to_socket = true;  // kXdp unusable → kSocket, logged
  XdpMode xdp_mode = XdpMode::kNative;
  XskBindMode xsk_bind = XskBindMode::kAuto;
  // engine.tftp.server_ip: Any() → the interface's address. engine.tftp.mtu
  // is capped by the interface MTU.
  engine::EngineConfig engine;
  std::string tftp_root;
  uint32_t queues = 0;  // kXdp: serve RX queues [0, queues); 0: all
  // A primary DHCP server runs on this host: leave UDP 67 to the kernel
  // (XDPXE_F_PASS_DHCP) and, on kXdp, read copies of the requests from an
  // AF_PACKET socket (io/packet_tap.h) so both servers answer. Also set
  // automatically when a socket is bound to UDP 67 at start. On kSocket
  // only the 4011 step is answered then (replies must come from port 67).
  bool pass_dhcp_to_kernel = false;
  // One server per interface (io/interface_lock.h): a second one is
  // refused. Empty: no lock (a directory that cannot be created is
  // logged and the server goes on without one).
  std::string lock_dir = kDefaultLockDir;
};

struct ServerStatus {
  Backend backend = Backend::kSocket;
  std::string interface;
  net::Ipv4Addr server_ip;
  net::MacAddr mac;
  uint32_t mtu = 0;
  uint32_t queues = 0;  // workers
  bool running = false;
  bool xdp_attached_by_us = false;  // kXdp: we attached (and will detach)
  uint32_t xdp_prog_id = 0;
  std::string xsk_mode;  // "copy" / "zero-copy" (kXdp)
  bool pass_dhcp_to_kernel = false;
  bool dhcp_via_packet_socket = false;  // port-67 copies from AF_PACKET
  uint64_t reloads = 0;
  // Summed over workers.
  PortCounters port;
  engine::Counters engine;
  tftp::Counters tftp;
  size_t active_transfers = 0;
  uint64_t forwarded = 0;  // datagrams another queue's worker handed over
  std::vector<tftp::TransferInfo> transfers;  // with progress
  std::vector<WorkerStatus> workers;          // per queue (transfers empty)
  bool stale = false;  // a worker did not answer in time: older figures
};

class Server {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Create(
      ServerOptions opts, engine::EventListener* events);
  ~Server();  // stops workers; detaches the XDP program if we attached it
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until RequestStop(); one thread per worker. Returns the first
  // worker error, else OK.
  absl::Status Run();
  // Async-signal-safe: an atomic store and one write(2) per worker.
  void RequestStop();
  // Thread-safe. Validates, then every worker switches between batches;
  // running transfers keep their file and parameters. Cached files are
  // re-checked (new versions served to new transfers).
  absl::Status Reload(engine::EngineConfig cfg);
  // Thread-safe snapshot.
  ServerStatus Status() const;

  Backend backend() const { return backend_; }
  const InterfaceInfo& interface() const { return info_; }

 private:
  Server() = default;
  absl::Status PrepareConfig(engine::EngineConfig* cfg) const;
  absl::Status StartXdp(engine::EventListener* events);
  absl::Status StartSocket(engine::EventListener* events);
  std::unique_ptr<engine::Engine> NewEngine(engine::EventListener* events,
                                            uint32_t q, uint32_t n);
  void AssignPortOwners(const engine::EngineConfig& cfg)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReleaseXdp();

  std::optional<InterfaceLock> lock_;  // first: released last
  ServerOptions opts_;
  InterfaceInfo info_;
  Backend backend_ = Backend::kSocket;
  std::shared_ptr<tftp::FileStore> files_;
  std::optional<XdpProgram> xdp_;
  bool xdp_attached_by_us_ = false;
  bool zero_copy_ = false;
  bool dhcp_tap_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;  // fixed after Create
  std::vector<Worker*> peer_ptrs_;                // multi-queue only
  std::unique_ptr<PortOwners> owners_;            // multi-queue only
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  mutable absl::Mutex mu_;  // Reload vs. Reload / Status
  engine::EngineConfig cfg_ ABSL_GUARDED_BY(mu_);
  uint64_t reloads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_SERVER_H_
