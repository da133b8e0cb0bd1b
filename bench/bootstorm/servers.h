// The servers bootstorm compares, started inside the lab: the primary DHCP
// server (dnsmasq, addresses only) and the server under test.
//
//   xdpxe         xdpxe serve --backend xdp     (ProxyDHCP + TFTP)
//   xdpxe-socket  xdpxe serve --backend socket  (ProxyDHCP + TFTP)
//   dnsmasq       dnsmasq dhcp-range=...,proxy + enable-tftp (the seed system)
//   tftp-hpa      dnsmasq proxy (no TFTP) + in.tftpd for the TFTP part
//
// Every peer is configured for the load, not left at defaults that would
// lose on purpose (dnsmasq --tftp-max=10000, lease-max 10000).
#ifndef XDPXE_BENCH_BOOTSTORM_SERVERS_H_
#define XDPXE_BENCH_BOOTSTORM_SERVERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bootstorm/lab.h"

namespace xdpxe::bootstorm {

enum class ServerKind { kXdpxe, kXdpxeSocket, kDnsmasq, kTftpHpa };
std::string ServerName(ServerKind k);
absl::StatusOr<ServerKind> ParseServer(const std::string& name);

struct ServerSetup {
  std::string tftp_root;
  std::string xdpxe_binary;              // path to the xdpxe binary
  std::vector<std::string> xdpxe_extra;  // more `xdpxe serve` flags
  std::string primary_preload;  // deep_rcvbuf.so for the primary, or ""
};

// The processes of one server under test (one or two).
class RunningServer {
 public:
  RunningServer() = default;
  RunningServer(RunningServer&&) = default;
  RunningServer& operator=(RunningServer&&) = default;
  ~RunningServer() { Stop(); }
  void Stop() {
    for (Process& p : procs) p.Stop();
    procs.clear();
  }
  std::vector<Process> procs;
  CpuGroup cpu;  // declared after procs: destroyed (rmdir) after Stop
  // CPU seconds of every process of the server, now: the cpuacct group
  // when there is one, else /proc/PID/stat (children it waited for).
  double CpuSeconds() const;
  bool Alive();
};

absl::StatusOr<RunningServer> StartServer(Lab& lab, ServerKind kind,
                                          const ServerSetup& setup);
// The lab's primary DHCP server: addresses only, fresh leases each call.
// With ping=false (the default), --no-ping skips dnsmasq's 3-s
// address-conflict check before each first offer.
// `preload`: deep_rcvbuf.so (deep socket buffers for the primary only).
absl::StatusOr<Process> StartPrimary(Lab& lab, bool ping,
                                     const std::string& preload);

// Waits until every UDP port in `ports` is bound in the namespace of `pid`
// (read from /proc/PID/net/udp), at most `timeout_ms`.
// Waits until `text` appears in the file at `path`, at most `timeout_ms`.
absl::Status WaitForLogLine(const std::string& path, const std::string& text,
                            int timeout_ms);

absl::Status WaitForUdpPorts(pid_t pid, const std::vector<int>& ports,
                             int timeout_ms);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_SERVERS_H_
