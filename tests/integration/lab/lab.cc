#include "tests/integration/lab/lab.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace xdpxe::lab {

bool CanRunRootTests() {
  const char* ci = std::getenv("CI");
  return geteuid() == 0 || (ci != nullptr && std::string(ci) == "true");
}

ShResult Sh(const std::string& cmd) {
  ShResult r;
  FILE* f = popen((cmd + " 2>&1").c_str(), "r");
  if (f == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) r.out.append(buf, n);
  int st = pclose(f);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

absl::Status ShOk(const std::string& cmd) {
  ShResult r = Sh(cmd);
  if (r.ok()) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("`", cmd, "` exited ", r.status, ": ", r.out));
}

absl::StatusOr<Process> Process::Spawn(const std::vector<std::string>& argv,
                                       const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string log = log_path.empty() ? "/dev/null" : log_path;
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  Process p;
  p.log_ = log_path;
  int err = posix_spawnp(&p.pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) {
    p.pid_ = -1;
    return absl::InternalError(
        absl::StrCat("spawn ", absl::StrJoin(argv, " "), ": errno ", err));
  }
  return p;
}

Process::Process(Process&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)), log_(std::move(o.log_)) {}

Process& Process::operator=(Process&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = std::exchange(o.pid_, -1);
    log_ = std::move(o.log_);
  }
  return *this;
}

Process::~Process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int st;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void Process::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int Process::Wait(int timeout_ms) {
  if (pid_ <= 0) return -1;
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return st;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string Process::ReadLog() const { return ReadFile(log_); }

absl::StatusOr<std::unique_ptr<ScopedNetns>> ScopedNetns::Enter(
    const std::string& netns) {
  auto s = std::unique_ptr<ScopedNetns>(new ScopedNetns());
  s->orig_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int fd = open(("/var/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (s->orig_fd_ < 0 || fd < 0) {
    if (fd >= 0) close(fd);
    return absl::NotFoundError("netns " + netns + ": cannot open");
  }
  int r = setns(fd, CLONE_NEWNET);
  close(fd);
  if (r < 0) return absl::InternalError("setns " + netns);
  return s;
}

ScopedNetns::~ScopedNetns() {
  if (orig_fd_ >= 0) {
    setns(orig_fd_, CLONE_NEWNET);
    close(orig_fd_);
  }
}

std::string Host::Exec(const std::string& cmd) const {
  return absl::StrCat("ip netns exec ", netns, " ", cmd);
}

std::vector<std::string> Host::Nsenter(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), {"nsenter", "--net=/run/netns/" + netns});
  return argv;
}

absl::StatusOr<std::unique_ptr<Lan>> Lan::Create(LanOptions opts) {
  auto lan = std::unique_ptr<Lan>(new Lan());
  const std::string base = absl::StrCat(opts.prefix, opts.tag, "-", getpid());
  const std::string lan_ns = base + "-lan";
  char tmpl[] = "/tmp/xdpxe-lab-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp");
  lan->dir_ = tmpl;
  auto add_ns = [&](const std::string& ns) -> absl::Status {
    if (absl::Status s = ShOk("ip netns add " + ns); !s.ok()) return s;
    lan->namespaces_.push_back(ns);
    return ShOk(absl::StrCat("ip netns exec ", ns,
                             " sh -c 'ip link set lo up; sysctl -qw "
                             "net.ipv6.conf.all.disable_ipv6=1 "
                             "net.ipv6.conf.default.disable_ipv6=1'"));
  };
  if (absl::Status s = add_ns(lan_ns); !s.ok()) return s;
  if (absl::Status s = ShOk(absl::StrCat("ip -n ", lan_ns,
                                         " link add br0 type bridge && ip -n ",
                                         lan_ns, " link set br0 up"));
      !s.ok()) {
    return s;
  }
  int i = 1;
  for (const std::string& h : opts.hosts) {
    Host host;
    host.name = h;
    host.netns = base + "-" + h;
    // Unique per process: pins under /sys/fs/bpf/xdpxe/<ifname>/ are
    // global, not per namespace.
    host.ifname = absl::StrCat(h, getpid() % 100000);
    host.ip = *net::Ipv4Addr::Parse(absl::StrCat(opts.subnet, ".", i++));
    if (absl::Status s = add_ns(host.netns); !s.ok()) return s;
    const std::string peer = h + "p";  // inside the lan namespace
    const std::string cmds[] = {
        absl::StrCat("ip link add ", host.ifname, " netns ", host.netns,
                     " numtxqueues ", opts.queues, " numrxqueues ", opts.queues,
                     " type veth peer name ", peer, " netns ", lan_ns,
                     " numtxqueues ", opts.queues, " numrxqueues ",
                     opts.queues),
        absl::StrCat("ip -n ", lan_ns, " link set ", peer, " master br0 up"),
        absl::StrCat("ip -n ", host.netns, " addr add ", host.ip.ToString(),
                     "/24 dev ", host.ifname),
        absl::StrCat("ip -n ", host.netns, " link set ", host.ifname, " up"),
        absl::StrCat("ip netns exec ", host.netns, " ethtool -K ", host.ifname,
                     " tx off >/dev/null"),
        absl::StrCat("ip netns exec ", lan_ns, " ethtool -K ", peer,
                     " tx off >/dev/null"),
    };
    for (const std::string& c : cmds) {
      if (absl::Status s = ShOk(c); !s.ok()) return s;
    }
    // Multi-queue: veth picks the peer's RX queue from the sender's TX
    // queue; XPS maps TX queue i to CPU i (mod CPUs), so flows handled on
    // different CPUs land on different RX queues, as RSS spreads them.
    for (int q = 0; opts.queues > 1 && q < opts.queues; ++q) {
      const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
      const unsigned mask = 1u << (q % (cpus > 0 ? cpus : 1));
      for (const auto& [ns, dev] :
           {std::pair{host.netns, host.ifname}, std::pair{lan_ns, peer}}) {
        Sh(absl::StrCat("ip netns exec ", ns, " sh -c 'echo ", absl::Hex(mask),
                        " > /sys/class/net/", dev, "/queues/tx-", q,
                        "/xps_cpus'"));
      }
    }
    ShResult mac =
        Sh(host.Exec("cat /sys/class/net/" + host.ifname + "/address"));
    host.mac =
        net::MacAddr::Parse(std::string(absl::StripAsciiWhitespace(mac.out)))
            .value_or(net::MacAddr{});
    lan->hosts_.push_back(std::move(host));
  }
  return lan;
}

Lan::~Lan() {
  for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) {
    // Processes a test left behind in its own namespaces: by PID.
    ShResult pids = Sh("ip netns pids " + *it);
    for (absl::string_view p :
         absl::StrSplit(pids.out, '\n', absl::SkipWhitespace())) {
      int pid = std::atoi(std::string(p).c_str());
      if (pid > 1) kill(pid, SIGKILL);
    }
    Sh("ip netns del " + *it);
  }
  // An XDP program attached by a test stays pinned in the global bpffs
  // after its interface went away with the namespace.
  for (const Host& h : hosts_) Sh("rm -rf /sys/fs/bpf/xdpxe/" + h.ifname);
  if (!dir_.empty()) Sh("rm -rf " + dir_);
}

const Host& Lan::host(const std::string& name) const {
  for (const Host& h : hosts_) {
    if (h.name == name) return h;
  }
  static const Host kNone;
  return kNone;
}

absl::StatusOr<Process> StartDnsmasq(const Host& host, const std::string& dir) {
  uint32_t net = host.ip.value & 0xffffff00u;
  std::string lo = net::Ipv4Addr{net | 100}.ToString();
  std::string hi = net::Ipv4Addr{net | 199}.ToString();
  return Process::Spawn(
      {"ip", "netns", "exec", host.netns, "dnsmasq", "--no-daemon",
       "--conf-file=/dev/null", "--port=0", "--user=root",
       "--interface=" + host.ifname, "--bind-interfaces",
       "--dhcp-range=" + lo + "," + hi + ",255.255.255.0,1h",
       "--dhcp-leasefile=" + dir + "/dnsmasq.leases",
       "--pid-file=" + dir + "/dnsmasq.pid", "--log-dhcp",
       "--dhcp-authoritative", "--no-ping"},
      dir + "/dnsmasq.log");
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

absl::Status WriteRandomFile(const std::string& path, size_t size,
                             uint32_t seed) {
  std::mt19937 rng(seed);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return f ? absl::OkStatus() : absl::InternalError("write " + path);
}

}  // namespace xdpxe::lab
