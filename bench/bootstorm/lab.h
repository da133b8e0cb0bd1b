// The bootstorm lab: network namespaces joined by a bridge, every address in
// 198.19.0.0/16, torn down on every exit path (destructor, Ctrl-C, error).
//
//   xs-<pid>-sw    bridge br0, one port per namespace below
//   xs-<pid>-dhcp  xs<pid> 198.19.0.2/16  the primary DHCP server (dnsmasq)
//   xs-<pid>-srv   xs<pid> 198.19.0.1/16  the server under test (proxy + TFTP)
//   xs-<pid>-cli   xs<pid> (no address)   the simulated machines, raw frames
//
//   XDPXE_ASSIGN_OR_RETURN(auto lab, Lab::Create({}));
//   XDPXE_ASSIGN_OR_RETURN(auto p, lab->Spawn(Lab::kServer, argv, "srv.log"));
//   ... p.Stop(); ... // ~Lab deletes the namespaces
//
// Processes are started with fork + setns + exec (so the PID we hold is the
// server's own, for /proc/PID/stat), with PR_SET_PDEATHSIG so they die with
// us even on SIGKILL.
#ifndef XDPXE_BENCH_BOOTSTORM_LAB_H_
#define XDPXE_BENCH_BOOTSTORM_LAB_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "userspace/net/addr.h"

namespace xdpxe::bootstorm {

inline constexpr net::Ipv4Addr kServerIp =
    net::Ipv4Addr::FromOctets(198, 19, 0, 1);
inline constexpr net::Ipv4Addr kPrimaryIp =
    net::Ipv4Addr::FromOctets(198, 19, 0, 2);
inline constexpr net::Ipv4Addr kNetmask =
    net::Ipv4Addr::FromOctets(255, 255, 0, 0);
// The primary's pool: 198.19.4.0 - 198.19.31.255 (7,168 addresses).
inline constexpr net::Ipv4Addr kPoolStart =
    net::Ipv4Addr::FromOctets(198, 19, 4, 0);
inline constexpr net::Ipv4Addr kPoolEnd =
    net::Ipv4Addr::FromOctets(198, 19, 31, 255);
// Static addresses for the raw modes (no DHCP): 198.19.64.0/18.
inline constexpr net::Ipv4Addr kStaticBase =
    net::Ipv4Addr::FromOctets(198, 19, 64, 0);
// The generator's own probe address (ping, UDP ceiling).
inline constexpr net::Ipv4Addr kProbeIp =
    net::Ipv4Addr::FromOctets(198, 19, 255, 254);

// Set by SIGINT/SIGTERM; every load loop polls it.
extern std::atomic<bool> g_stop;
void InstallStopHandlers();

// A child process in one of the lab's namespaces.
class Process {
 public:
  Process() = default;
  Process(pid_t pid, std::string name) : pid_(pid), name_(std::move(name)) {}
  Process(Process&& o) noexcept { *this = std::move(o); }
  Process& operator=(Process&& o) noexcept;
  ~Process() { Stop(); }

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  bool Alive();
  // SIGTERM, then SIGKILL after `grace_ms`; reaps. Idempotent.
  void Stop(int grace_ms = 2000);

 private:
  pid_t pid_ = -1;
  std::string name_;
  int exit_status_ = 0;
};

// utime + stime + cutime + cstime of a process, in seconds (the children
// count because in.tftpd forks one per transfer and reaps it).
double ProcessCpuSeconds(pid_t pid);
// UDP RcvbufErrors in the network namespace of `pid` (/proc/PID/net/snmp):
// datagrams the kernel dropped because the socket's buffer was full.
uint64_t UdpRcvbufErrors(pid_t pid);
// Packets dropped host-wide because a CPU's input backlog was full
// (/proc/net/softnet_stat, column 2): where veth bursts overflow.
uint64_t SoftnetDrops();
// Busy and total jiffies of the whole host (/proc/stat "cpu" line): the
// share of both cores in use, softirq work in ksoftirqd included.
struct HostCpu {
  uint64_t busy = 0, total = 0;
};
HostCpu ReadHostCpu();
double HostBusy(const HostCpu& a, const HostCpu& b);  // 0..1
// Own CPU (user + system) of this process, seconds.
double SelfCpuSeconds();

// A cgroup-v1 cpuacct group for one server under test: every process the
// server forks lands in it too, so in.tftpd's per-transfer children (which
// it never waits for, so /proc/PID/stat's cutime misses them) are counted.
// Removed (rmdir) when the last owner goes; empty path when unavailable.
class CpuGroup {
 public:
  static CpuGroup Create(const std::string& name);
  CpuGroup() = default;
  CpuGroup(CpuGroup&& o) noexcept : path_(std::move(o.path_)) {
    o.path_.clear();
  }
  CpuGroup& operator=(CpuGroup&& o) noexcept;
  ~CpuGroup();
  const std::string& path() const { return path_; }
  // CPU seconds of everything that ran in the group; -1 when unavailable.
  double Seconds() const;

 private:
  std::string path_;
};

struct LabOptions {
  std::string netem;  // e.g. "loss 1% delay 1ms", applied on the client port
};

class Lab {
 public:
  enum Ns { kSwitch, kPrimary, kServer, kClient };

  static absl::StatusOr<std::unique_ptr<Lab>> Create(const LabOptions& opts);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& ns(Ns n) const { return names_[n]; }
  // The interface inside each of kPrimary/kServer/kClient: "xs<pid>", so
  // that XDP pins (/sys/fs/bpf/xdpxe/<ifname>/) of two labs never collide.
  const std::string& ifname() const { return ifname_; }
  const std::string& work_dir() const { return work_dir_; }
  net::MacAddr server_mac() const { return server_mac_; }

  // Runs argv in namespace `n`, stdout+stderr to work_dir/log_name, in the
  // cpuacct group `cgroup` when one is given.
  absl::StatusOr<Process> Spawn(Ns n, const std::vector<std::string>& argv,
                                const std::string& log_name,
                                const std::string& cgroup = "");
  // Runs a command in namespace `n` and waits (set-up helpers).
  absl::Status RunIn(Ns n, const std::vector<std::string>& argv);
  // Enters namespace `n` on the calling thread; returns the old netns fd
  // for LeaveNs. Sockets created in between stay in `n`.
  absl::StatusOr<int> EnterNs(Ns n);
  static void LeaveNs(int old_fd);

  // Replaces the netem qdisc on the client's bridge port and the server's
  // port ("" removes it).
  absl::Status SetNetem(const std::string& netem);

 private:
  Lab() = default;
  absl::Status Build(const LabOptions& opts);
  void Teardown();

  std::string names_[4];
  std::string work_dir_;
  std::string ifname_;
  net::MacAddr server_mac_;
  bool built_ = false;
};

// Runs argv (no namespace), waits, fails with its output tail on error.
absl::Status RunCommand(const std::vector<std::string>& argv);
// Deletes xs-<pid>-* namespaces left behind by bootstorm runs that died.
void RemoveStaleNamespaces();

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_LAB_H_
