// Network-namespace labs for integration tests (root): namespaces, a bridged
// LAN of veths, child processes, all RAII so a failing test still deletes
// what it created. Reusable by every suite; names carry the caller's prefix
// and the PID so concurrent ctest runs do not collide.
//
//   auto lab = lab::Lan::Create({.prefix = "xi-", .tag = "tftp",
//                                .hosts = {"srv", "cli"}});
//   ASSERT_TRUE(lab.ok()) << lab.status();
//   const lab::Host& srv = (*lab)->host("srv");   // 198.18.20.1/24
//   auto out = lab::Sh(srv.Exec("ip -br addr"));
//   lab::Process server = lab::Process::Spawn(
//       {"ip", "netns", "exec", srv.netns, "./dataplane_serve", ...});
#ifndef XDPXE_TESTS_INTEGRATION_LAB_LAB_H_
#define XDPXE_TESTS_INTEGRATION_LAB_LAB_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "userspace/net/addr.h"

namespace xdpxe::lab {

// True when the test may touch namespaces; when false the caller
// GTEST_SKIPs. Fails (returns true) under CI=true so CI never skips.
bool CanRunRootTests();

struct ShResult {
  int status = -1;  // exit status, -1 when not exited normally
  std::string out;  // stdout + stderr
  bool ok() const { return status == 0; }
};
// /bin/sh -c `cmd`, output captured.
ShResult Sh(const std::string& cmd);
absl::Status ShOk(const std::string& cmd);

// A child process (argv, no shell) with stdout+stderr to `log_path` (or
// /dev/null). The destructor SIGKILLs and reaps it if still running.
class Process {
 public:
  static absl::StatusOr<Process> Spawn(const std::vector<std::string>& argv,
                                       const std::string& log_path = "");
  Process() = default;
  Process(Process&& o) noexcept;
  Process& operator=(Process&& o) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int sig);
  // Waits up to `timeout_ms`; returns the wait status or -1 on timeout.
  int Wait(int timeout_ms);
  const std::string& log_path() const { return log_; }
  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  std::string log_;
};

// Moves the calling thread into a namespace until destroyed.
class ScopedNetns {
 public:
  static absl::StatusOr<std::unique_ptr<ScopedNetns>> Enter(
      const std::string& netns);
  ~ScopedNetns();

 private:
  int orig_fd_ = -1;
};

struct Host {
  std::string name;    // "srv"
  std::string netns;   // "xi-tftp-1234-srv"
  std::string ifname;  // "srv12345": name + PID, unique across tests
  net::Ipv4Addr ip;    // on ifname, /24
  net::MacAddr mac;
  // "ip netns exec <netns> <cmd>"
  std::string Exec(const std::string& cmd) const;
  // {"nsenter", "--net=/run/netns/<netns>", argv...}: keeps /sys/fs/bpf.
  std::vector<std::string> Nsenter(std::vector<std::string> argv) const;
};

struct LanOptions {
  std::string prefix = "xi-";
  std::string tag = "lab";
  std::vector<std::string> hosts;    // each gets its own netns + veth
  std::string subnet = "198.18.20";  // hosts are .1, .2, ... in order
  int queues = 1;  // RX/TX queues of every veth (multi-queue tests)
};

// Hosts joined by a bridge in a "<prefix><tag>-<pid>-lan" namespace, TX
// checksum offload off on every veth (so AF_XDP sees full checksums).
// Run servers that attach XDP with `nsenter --net=/run/netns/NS`:
// `ip netns exec` remounts /sys, hiding /sys/fs/bpf.
class Lan {
 public:
  static absl::StatusOr<std::unique_ptr<Lan>> Create(LanOptions opts);
  ~Lan();  // kills processes left in the namespaces, deletes them

  const Host& host(const std::string& name) const;
  const std::vector<Host>& hosts() const { return hosts_; }
  std::string dir() const { return dir_; }  // scratch dir, removed at end

 private:
  Lan() = default;
  std::vector<std::string> namespaces_;
  std::vector<Host> hosts_;
  std::string dir_;
};

// Starts dnsmasq in `host` as the primary DHCP server handing out addresses
// only (no PXE), range .100-.199 of the host's /24, leases in `dir`.
absl::StatusOr<Process> StartDnsmasq(const Host& host, const std::string& dir);

// Reads a whole file ("" when missing).
std::string ReadFile(const std::string& path);
// Writes `size` pseudo-random bytes (seeded by `seed`) to `path`.
absl::Status WriteRandomFile(const std::string& path, size_t size,
                             uint32_t seed);

}  // namespace xdpxe::lab

#endif  // XDPXE_TESTS_INTEGRATION_LAB_LAB_H_
