// The bootstorm lab: namespaces, bridge, veths, child processes (lab.h).
#include "bench/bootstorm/lab.h"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::bootstorm {

std::atomic<bool> g_stop{false};

namespace {

void OnStopSignal(int sig) {
  if (g_stop.exchange(true)) {
    // Second Ctrl-C: the loops did not stop; leave now (the namespaces are
    // removed by the next run's RemoveStaleNamespaces).
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

// fork + optional setns + exec; returns the child's pid.
absl::StatusOr<pid_t> ForkExec(const std::string& netns,
                               const std::vector<std::string>& argv,
                               const std::string& log_path, bool die_with_us,
                               const std::string& cgroup = "") {
  std::string procs = cgroup.empty() ? "" : cgroup + "/cgroup.procs";
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int ns_fd = -1;
  if (!netns.empty()) {
    std::string path = "/var/run/netns/" + netns;
    ns_fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) return ErrnoToStatus(errno, "open netns " + path);
  }
  int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    if (ns_fd >= 0) close(ns_fd);
    return ErrnoToStatus(errno, "open log " + log_path);
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(log_fd);
    if (ns_fd >= 0) close(ns_fd);
    return ErrnoToStatus(e, "fork for " + argv[0]);
  }
  if (pid == 0) {
    if (die_with_us) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
    }
    signal(SIGINT, SIG_IGN);  // Ctrl-C goes to us; we stop the children
    if (!procs.empty()) {
      int cg = open(procs.c_str(), O_WRONLY | O_CLOEXEC);
      if (cg >= 0) {
        char pid_text[16];
        int len = snprintf(pid_text, sizeof(pid_text), "%d", getpid());
        if (write(cg, pid_text, len) < 0) _exit(125);
        close(cg);
      }
    }
    setpgid(0, 0);
    if (ns_fd >= 0 && setns(ns_fd, CLONE_NEWNET) != 0) _exit(126);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(log_fd);
  if (ns_fd >= 0) close(ns_fd);
  return pid;
}

std::string Tail(const std::string& path, size_t max = 600) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max) s = s.substr(s.size() - max);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

absl::Status RunWait(const std::string& netns,
                     const std::vector<std::string>& argv) {
  static int seq = 0;
  std::string log = absl::StrCat("/tmp/xs-", getpid(), "-cmd-", seq++, ".log");
  XDPXE_ASSIGN_OR_RETURN(pid_t pid, ForkExec(netns, argv, log, true));
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  std::string out = Tail(log);
  unlink(log.c_str());
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    return absl::InternalError(absl::StrCat(
        "`", absl::StrJoin(argv, " "), "`", netns.empty() ? "" : " in ", netns,
        " failed (status ", st, "): ", out));
  }
  return absl::OkStatus();
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Process& Process::operator=(Process&& o) noexcept {
  if (this != &o) {
    Stop();
    pid_ = o.pid_;
    name_ = std::move(o.name_);
    o.pid_ = -1;
  }
  return *this;
}

bool Process::Alive() {
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exit_status_ = st;
    pid_ = -1;
    return false;
  }
  return r == 0;
}

void Process::Stop(int grace_ms) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  pid_ = -1;
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields after the ")" of comm: state is field 3; utime 14 .. cstime 17.
  size_t rp = line.rfind(')');
  if (rp == std::string::npos) return 0;
  std::vector<std::string> f =
      absl::StrSplit(line.substr(rp + 2), ' ', absl::SkipEmpty());
  if (f.size() < 15) return 0;
  double ticks = 0;
  for (int i = 11; i <= 14; ++i) ticks += std::strtod(f[i].c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuGroup CpuGroup::Create(const std::string& name) {
  CpuGroup g;
  std::string path = "/sys/fs/cgroup/cpuacct/" + name;
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) g.path_ = path;
  return g;
}

CpuGroup& CpuGroup::operator=(CpuGroup&& o) noexcept {
  if (this != &o) {
    this->~CpuGroup();
    path_ = std::move(o.path_);
    o.path_.clear();
  }
  return *this;
}

CpuGroup::~CpuGroup() {
  if (path_.empty()) return;
  // The server was stopped first; what is left are its own children (e.g.
  // in.tftpd's per-transfer processes, which outlive it): SIGKILL them,
  // since a group with members cannot be removed.
  for (int i = 0; i < 50 && rmdir(path_.c_str()) != 0 && errno == EBUSY; ++i) {
    std::ifstream procs(path_ + "/cgroup.procs");
    pid_t pid;
    while (procs >> pid) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  path_.clear();
}

double CpuGroup::Seconds() const {
  if (path_.empty()) return -1;
  std::ifstream in(path_ + "/cpuacct.usage");
  uint64_t ns = 0;
  if (!(in >> ns)) return -1;
  return ns / 1e9;
}

uint64_t UdpRcvbufErrors(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/net/snmp"));
  std::string header, values, line;
  while (std::getline(in, line)) {
    if (line.rfind("Udp: ", 0) != 0) continue;
    if (header.empty()) {
      header = line;
    } else {
      values = line;
      break;
    }
  }
  std::vector<std::string> h = absl::StrSplit(header, ' ', absl::SkipEmpty());
  std::vector<std::string> v = absl::StrSplit(values, ' ', absl::SkipEmpty());
  for (size_t i = 0; i < h.size() && i < v.size(); ++i) {
    if (h[i] == "RcvbufErrors") return std::strtoull(v[i].c_str(), nullptr, 10);
  }
  return 0;
}

HostCpu ReadHostCpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  HostCpu h;
  in >> cpu;
  uint64_t v[10] = {};
  for (int i = 0; i < 10 && (in >> v[i]); ++i) {
  }
  // user nice system idle iowait irq softirq steal (guest counted in user)
  for (int i = 0; i < 8; ++i) h.total += v[i];
  h.busy = h.total - v[3] - v[4];
  return h;
}

double HostBusy(const HostCpu& a, const HostCpu& b) {
  if (b.total <= a.total) return 0;
  return double(b.busy - a.busy) / double(b.total - a.total);
}

uint64_t SoftnetDrops() {
  std::ifstream in("/proc/net/softnet_stat");
  std::string line;
  uint64_t sum = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() > 1) sum += std::strtoull(f[1].c_str(), nullptr, 16);
  }
  return sum;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec * 1e-6;
}

absl::Status RunCommand(const std::vector<std::string>& argv) {
  return RunWait("", argv);
}

void RemoveStaleNamespaces() {
  DIR* d = opendir("/var/run/netns");
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind("xs-", 0) != 0) continue;
    int pid = std::atoi(n.c_str() + 3);
    if (pid <= 0) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(n);
  }
  closedir(d);
  for (const auto& n : stale) {
    XDPXE_LOG(kInfo, "bootstorm: removing stale namespace %s", n);
    (void)RunCommand({"ip", "netns", "del", n});
  }
}

absl::StatusOr<std::unique_ptr<Lab>> Lab::Create(const LabOptions& opts) {
  std::unique_ptr<Lab> lab(new Lab());
  absl::Status st = lab->Build(opts);
  if (!st.ok()) return st;  // ~Lab tears down what was built
  return lab;
}

absl::Status Lab::Build(const LabOptions& opts) {
  std::string base = absl::StrCat("xs-", getpid(), "-");
  const char* suffix[4] = {"sw", "dhcp", "srv", "cli"};
  for (int i = 0; i < 4; ++i) names_[i] = base + suffix[i];
  work_dir_ = absl::StrCat("/tmp/xs-", getpid(), "-work");
  ifname_ = absl::StrCat("xs", getpid());
  mkdir(work_dir_.c_str(), 0755);
  built_ = true;  // from here on, teardown deletes whatever exists
  for (const auto& n : names_) {
    XDPXE_RETURN_IF_ERROR(RunCommand({"ip", "netns", "add", n}));
  }
  const std::string& sw = names_[kSwitch];
  XDPXE_RETURN_IF_ERROR(RunCommand(
      {"ip", "-n", sw, "link", "add", "br0", "type", "bridge", "forward_delay",
       "0", "stp_state", "0", "mcast_snooping", "0", "ageing_time", "100000"}));
  for (int i = 0; i < 4; ++i) {
    XDPXE_RETURN_IF_ERROR(
        RunIn(static_cast<Ns>(i),
              {"sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
               "net.ipv6.conf.default.disable_ipv6=1"}));
    XDPXE_RETURN_IF_ERROR(
        RunCommand({"ip", "-n", names_[i], "link", "set", "lo", "up"}));
  }
  const char* port[4] = {"", "p-dhcp", "p-srv", "p-cli"};
  for (int i = kPrimary; i <= kClient; ++i) {
    XDPXE_RETURN_IF_ERROR(
        RunCommand({"ip", "-n", sw, "link", "add", port[i], "type", "veth",
                    "peer", "name", ifname_, "netns", names_[i]}));
    XDPXE_RETURN_IF_ERROR(RunCommand(
        {"ip", "-n", sw, "link", "set", port[i], "master", "br0", "up"}));
  }
  XDPXE_RETURN_IF_ERROR(
      RunCommand({"ip", "-n", sw, "link", "set", "br0", "up"}));
  XDPXE_RETURN_IF_ERROR(
      RunCommand({"ip", "-n", names_[kPrimary], "addr", "add",
                  kPrimaryIp.ToString() + "/16", "dev", ifname_}));
  XDPXE_RETURN_IF_ERROR(
      RunCommand({"ip", "-n", names_[kServer], "addr", "add",
                  kServerIp.ToString() + "/16", "dev", ifname_}));
  for (int i = kPrimary; i <= kClient; ++i) {
    XDPXE_RETURN_IF_ERROR(
        RunCommand({"ip", "-n", names_[i], "link", "set", ifname_, "up"}));
  }
  // The machines' frames carry many MACs; the client port must see them all.
  XDPXE_RETURN_IF_ERROR(RunCommand(
      {"ip", "-n", names_[kClient], "link", "set", ifname_, "promisc", "on"}));
  // Packets queued while the server ARPs for 1,000 new clients at once.
  // (gc_thresh* are host-wide, not per namespace: left alone.)
  for (Ns n : {kPrimary, kServer}) {
    XDPXE_RETURN_IF_ERROR(
        RunIn(n, {"sysctl", "-q", "-w",
                  "net.ipv4.neigh." + ifname_ + ".unres_qlen_bytes=1048576"}));
  }
  // The server's MAC: SIOCGIFHWADDR on a socket made inside its namespace.
  XDPXE_ASSIGN_OR_RETURN(int old, EnterNs(kServer));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  LeaveNs(old);
  if (fd < 0) return ErrnoToStatus(errno, "socket in " + names_[kServer]);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname_.c_str(), IFNAMSIZ - 1);
  int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
  int e = errno;
  close(fd);
  if (rc != 0)
    return ErrnoToStatus(e, "SIOCGIFHWADDR " + ifname_ + " in server netns");
  for (int i = 0; i < 6; ++i) server_mac_.bytes[i] = ifr.ifr_hwaddr.sa_data[i];
  // (The primary's socket buffers stay at the kernel default: a child
  // netns cannot raise net.core.rmem_default here, EINVAL. Its drops are
  // counted per storm and hit every server alike.)
  if (!opts.netem.empty()) XDPXE_RETURN_IF_ERROR(SetNetem(opts.netem));
  return absl::OkStatus();
}

absl::Status Lab::SetNetem(const std::string& netem) {
  // Both directions: the client's bridge port (towards the machines) and
  // the server's bridge port (towards the server).
  for (const char* port : {"p-cli", "p-srv"}) {
    (void)RunCommand(
        {"tc", "-n", names_[kSwitch], "qdisc", "del", "dev", port, "root"});
    if (netem.empty()) continue;
    std::vector<std::string> argv = {"tc",    "-n",   names_[kSwitch],
                                     "qdisc", "add",  "dev",
                                     port,    "root", "netem"};
    for (absl::string_view w : absl::StrSplit(netem, ' ', absl::SkipEmpty())) {
      argv.emplace_back(w);
    }
    absl::Status st = RunCommand(argv);
    if (!st.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--netem: ", st.message(),
          " (this kernel may lack sch_netem, CONFIG_NET_SCH_NETEM: use "
          "--loss P for generator-side loss instead)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Process> Lab::Spawn(Ns n, const std::vector<std::string>& argv,
                                   const std::string& log_name,
                                   const std::string& cgroup) {
  XDPXE_ASSIGN_OR_RETURN(
      pid_t pid,
      ForkExec(names_[n], argv, work_dir_ + "/" + log_name, true, cgroup));
  return Process(pid, argv[0]);
}

absl::Status Lab::RunIn(Ns n, const std::vector<std::string>& argv) {
  return RunWait(names_[n], argv);
}

absl::StatusOr<int> Lab::EnterNs(Ns n) {
  int old = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (old < 0) return ErrnoToStatus(errno, "open /proc/thread-self/ns/net");
  std::string path = "/var/run/netns/" + names_[n];
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    close(old);
    return ErrnoToStatus(e, "open " + path);
  }
  int rc = setns(fd, CLONE_NEWNET);
  int e = errno;
  close(fd);
  if (rc != 0) {
    close(old);
    return ErrnoToStatus(e, "setns " + path);
  }
  return old;
}

void Lab::LeaveNs(int old_fd) {
  if (old_fd < 0) return;
  if (setns(old_fd, CLONE_NEWNET) != 0) {
    XDPXE_LOG(kError, "bootstorm: cannot return to the original netns: %s",
              std::strerror(errno));
    std::abort();  // never run on in a lab namespace by accident
  }
  close(old_fd);
}

void Lab::Teardown() {
  if (!built_) return;
  built_ = false;
  // Deleting a namespace removes its veth ends (and the peers with them).
  for (int i = 3; i >= 0; --i) {
    if (names_[i].empty()) continue;
    std::string path = "/var/run/netns/" + names_[i];
    if (access(path.c_str(), F_OK) == 0) {
      (void)RunCommand({"ip", "netns", "del", names_[i]});
    }
  }
  // XDP pins of our interface name (xdpxe leaves them when it stops).
  (void)RunCommand({"rm", "-rf", "/sys/fs/bpf/xdpxe/" + ifname_});
  if (getenv("BOOTSTORM_KEEP_WORK") == nullptr) {
    (void)RunCommand({"rm", "-rf", work_dir_});
  } else {
    XDPXE_LOG(kInfo, "bootstorm: kept %s (logs)", work_dir_);
  }
}

Lab::~Lab() { Teardown(); }

}  // namespace xdpxe::bootstorm
