#include "userspace/io/server.h"

#include <bpf/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "userspace/common/log.h"
#include "userspace/common/status_macros.h"
#include "userspace/io/udp_port.h"

namespace xdpxe::io {

namespace {

constexpr uint16_t kDhcpPort = 67;
constexpr uint16_t kProxyPort = 4011;

// True when some socket in this network namespace is bound to UDP `port`
// (/proc/net/udp lists "<hex ip>:<hex port>" as local_address).
bool UdpPortBound(uint16_t port) {
  std::ifstream f("/proc/net/udp");
  std::string line;
  std::getline(f, line);  // header
  char want[8];
  std::snprintf(want, sizeof(want), ":%04X", port);
  while (std::getline(f, line)) {
    // "  12: 00000000:0043 00000000:0000 07 ..."
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t start = line.find_first_not_of(' ', colon + 1);
    if (start == std::string::npos) continue;
    std::string local = line.substr(start, 13);
    if (local.size() == 13 && local.compare(8, 5, want) == 0) return true;
  }
  return false;
}

// Each lazily opened transfer port is an fd: make room for the whole range.
void RaiseFdLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

void AddTftpCounters(tftp::Counters& sum, const tftp::Counters& c) {
  for (size_t i = 0; i < sum.values.size(); ++i) sum.values[i] += c.values[i];
  for (size_t i = 0; i < sum.errors_sent.size(); ++i) {
    sum.errors_sent[i] += c.errors_sent[i];
  }
}

// Worker q's slice of the transfer port range when `n` workers share it
// (the whole range when it is smaller than n: no forwarding then).
engine::EngineConfig SliceFor(const engine::EngineConfig& cfg, uint32_t q,
                              uint32_t n) {
  engine::EngineConfig c = cfg;
  const uint32_t lo = cfg.tftp.port_lo, hi = cfg.tftp.port_hi;
  const uint32_t range = hi - lo + 1;
  if (n <= 1 || range < n) return c;
  const uint32_t span = range / n;
  c.tftp.port_lo = static_cast<uint16_t>(lo + q * span);
  c.tftp.port_hi =
      static_cast<uint16_t>(q + 1 == n ? hi : lo + (q + 1) * span - 1);
  return c;
}

}  // namespace

std::string_view BackendName(Backend b) {
  return b == Backend::kXdp ? "xdp" : "socket";
}

std::optional<Backend> ParseBackend(std::string_view name) {
  if (name == "xdp") return Backend::kXdp;
  if (name == "socket") return Backend::kSocket;
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Create(
    ServerOptions opts, engine::EventListener* events) {
  auto s = std::unique_ptr<Server>(new Server());
  s->opts_ = std::move(opts);
  XDPXE_ASSIGN_OR_RETURN(s->info_, ReadInterfaceInfo(s->opts_.interface));
  XDPXE_RETURN_IF_ERROR(RequireIpv4(s->info_));
  if (!s->opts_.lock_dir.empty()) {
    absl::StatusOr<InterfaceLock> lock =
        InterfaceLock::Acquire(s->opts_.lock_dir, s->info_.name);
    if (lock.ok()) {
      s->lock_.emplace(std::move(*lock));
    } else if (absl::IsAlreadyExists(lock.status())) {
      return lock.status();
    } else {
      XDPXE_LOG(kWarning,
                "%s: %s; not guarding against a second xdpxe on the "
                "interface",
                s->info_.name, lock.status().message());
    }
  }
  if (s->opts_.tftp_root.empty()) {
    return absl::InvalidArgumentError(
        "tftp-root: not set (give the directory the boot files are in)");
  }
  absl::StatusOr<std::shared_ptr<tftp::FileStore>> files =
      tftp::FileStore::Open(s->opts_.tftp_root);
  if (!files.ok()) {
    return absl::Status(files.status().code(),
                        absl::StrCat("tftp-root ", s->opts_.tftp_root, ": ",
                                     files.status().message()));
  }
  s->files_ = std::move(*files);
  engine::EngineConfig cfg = s->opts_.engine;
  XDPXE_RETURN_IF_ERROR(s->PrepareConfig(&cfg));
  {
    absl::MutexLock l(&s->mu_);
    s->cfg_ = cfg;
  }
  if (!s->opts_.pass_dhcp_to_kernel && s->opts_.engine.dhcp != nullptr &&
      UdpPortBound(kDhcpPort)) {
    s->opts_.pass_dhcp_to_kernel = true;
    XDPXE_LOG(kInfo,
              "%s: another DHCP server listens on UDP 67 here: leaving port "
              "67 to it",
              s->info_.name);
  }

  s->backend_ = s->opts_.backend;
  if (s->backend_ == Backend::kXdp) {
    absl::Status st = s->StartXdp(events);
    if (!st.ok()) {
      s->workers_.clear();
      s->dhcp_tap_ = false;
      s->ReleaseXdp();
      if (!s->opts_.fallback_to_socket) return st;
      XDPXE_LOG(kWarning,
                "%s: XDP unavailable (%s); serving with --backend "
                "socket instead",
                s->info_.name, st.message());
      s->backend_ = Backend::kSocket;
    }
  }
  if (s->backend_ == Backend::kSocket) {
    XDPXE_RETURN_IF_ERROR(s->StartSocket(events));
  }
  return s;
}

absl::Status Server::PrepareConfig(engine::EngineConfig* cfg) const {
  if (cfg->tftp.server_ip.IsAny()) cfg->tftp.server_ip = info_.ipv4;
  if (cfg->dhcp != nullptr) {
    if (cfg->dhcp->server_ip.IsAny()) {
      auto d = std::make_shared<dhcp::ResponderConfig>(*cfg->dhcp);
      d->server_ip = info_.ipv4;
      cfg->dhcp = std::move(d);
    }
    XDPXE_RETURN_IF_ERROR(cfg->dhcp->Validate());
  }
  if (cfg->tftp.mtu > info_.mtu) {
    cfg->tftp.mtu = static_cast<uint16_t>(std::min<uint32_t>(info_.mtu, 65535));
  }
  return tftp::ValidateServerConfig(cfg->tftp);
}

std::unique_ptr<engine::Engine> Server::NewEngine(engine::EventListener* events,
                                                  uint32_t q, uint32_t n) {
  absl::MutexLock l(&mu_);
  return std::make_unique<engine::Engine>(SliceFor(cfg_, q, n), files_, events);
}

void Server::AssignPortOwners(const engine::EngineConfig& cfg) {
  const auto n = static_cast<uint32_t>(workers_.size());
  for (uint32_t q = 0; q < n; ++q) {
    engine::EngineConfig c = SliceFor(cfg, q, n);
    owners_->Assign(c.tftp.port_lo, c.tftp.port_hi, static_cast<uint8_t>(q));
  }
}

absl::Status Server::StartXdp(engine::EventListener* events) {
  XdpConfig xc;
  bool dhcp;
  {
    absl::MutexLock l(&mu_);
    dhcp = cfg_.dhcp != nullptr;
    xc.server_ip = cfg_.tftp.server_ip;
    xc.tftp_port_lo = cfg_.tftp.port_lo;
    xc.tftp_port_hi = cfg_.tftp.port_hi;
  }
  xc.flags = opts_.pass_dhcp_to_kernel ? XDPXE_F_PASS_DHCP : 0;
  absl::StatusOr<XdpProgram> prog = XdpProgram::OpenPinned(info_.name);
  if (prog.ok()) {
    XDPXE_RETURN_IF_ERROR(prog->SetConfig(xc));
    XDPXE_LOG(kInfo,
              "%s: using the XDP program already attached (id %u, "
              "pinned)",
              info_.name, prog->prog_id());
  } else if (absl::IsNotFound(prog.status())) {
    prog = XdpProgram::Attach(info_.name, opts_.xdp_mode, xc);
    if (!prog.ok()) return prog.status();
    xdp_attached_by_us_ = true;
  } else {
    return prog.status();
  }
  xdp_.emplace(std::move(*prog));

  uint32_t nq = info_.rx_queues;
  if (opts_.queues != 0) nq = std::min(nq, opts_.queues);
  nq = std::clamp<uint32_t>(nq, 1, XDPXE_MAX_QUEUES);
  for (uint32_t q = 0; q < nq; ++q) {
    XDPXE_ASSIGN_OR_RETURN(std::unique_ptr<UringLoop> loop,
                           UringLoop::Create());
    auto w =
        std::make_unique<Worker>(q, std::move(loop), NewEngine(events, q, nq));
    XskPortOptions xo;
    xo.interface = info_.name;
    xo.queue = q;
    xo.bind_mode = opts_.xsk_bind;
    xo.mac = info_.mac;
    XDPXE_ASSIGN_OR_RETURN(std::unique_ptr<XskPort> port,
                           XskPort::Open(w->loop(), xo, w.get()));
    zero_copy_ = port->zero_copy();
    int fd = port->fd();
    if (int err = bpf_map_update_elem(xdp_->xsks_map_fd(), &q, &fd, BPF_ANY);
        err != 0) {
      return absl::InternalError(
          absl::StrCat(info_.name, ": put AF_XDP socket of queue ", q,
                       " in the XSKMAP: error ", err));
    }
    w->set_port(std::move(port));
    if (q == 0 && opts_.pass_dhcp_to_kernel && dhcp) {
      // Port 67 goes to the kernel (and the primary server); worker 0 reads
      // copies of the requests and answers through its AF_XDP socket.
      XDPXE_ASSIGN_OR_RETURN(
          std::unique_ptr<PacketTap> tap,
          PacketTap::Open(w->loop(), info_.name, w.get(), /*bgid=*/1));
      w->set_tap(std::move(tap));
      dhcp_tap_ = true;
    }
    workers_.push_back(std::move(w));
  }
  if (nq > 1) {
    // RSS may deliver a transfer's ACKs to another queue than its RRQ:
    // each worker owns a slice of the port range, the others forward.
    owners_ = std::make_unique<PortOwners>();
    {
      absl::MutexLock l(&mu_);
      AssignPortOwners(cfg_);
    }
    for (const auto& w : workers_) peer_ptrs_.push_back(w.get());
    for (const auto& w : workers_) w->set_peers(&peer_ptrs_, owners_.get());
  }
  XDPXE_LOG(kInfo, "%s: AF_XDP on %u queue(s), %s mode%s", info_.name, nq,
            zero_copy_ ? "zero-copy" : "copy",
            dhcp_tap_ ? "; port 67 left to the kernel, PXE requests read "
                        "from AF_PACKET"
                      : "");
  return absl::OkStatus();
}

absl::Status Server::StartSocket(engine::EventListener* events) {
  RaiseFdLimit();
  UdpPortOptions uo;
  uo.interface = info_.name;
  bool dhcp;
  {
    absl::MutexLock l(&mu_);
    dhcp = cfg_.dhcp != nullptr;
    uo.ports.push_back(cfg_.tftp.listen_port);
    uo.lazy_lo = cfg_.tftp.port_lo;
    uo.lazy_hi = cfg_.tftp.port_hi;
  }
  if (dhcp) {
    if (opts_.pass_dhcp_to_kernel) {
      // Replies must come from port 67, which the primary holds: only the
      // 4011 step is ours on this backend.
      XDPXE_LOG(kWarning,
                "%s: UDP 67 belongs to the primary DHCP server; with "
                "--backend socket ProxyDHCP answers only on 4011 (use "
                "--backend xdp to answer DISCOVERs too)",
                info_.name);
    } else {
      uo.ports.push_back(kDhcpPort);
    }
    uo.ports.push_back(kProxyPort);
  }
  XDPXE_ASSIGN_OR_RETURN(std::unique_ptr<UringLoop> loop, UringLoop::Create());
  auto w =
      std::make_unique<Worker>(0, std::move(loop), NewEngine(events, 0, 1));
  XDPXE_ASSIGN_OR_RETURN(std::unique_ptr<UdpPort> port,
                         UdpPort::Open(w->loop(), uo, w.get()));
  w->set_port(std::move(port));
  workers_.push_back(std::move(w));
  XDPXE_LOG(kInfo, "%s: UDP sockets on io_uring (%s)", info_.name,
            dhcp ? "ProxyDHCP + TFTP" : "TFTP only");
  return absl::OkStatus();
}

void Server::ReleaseXdp() {
  if (xdp_ && xdp_attached_by_us_) {
    if (absl::Status s = xdp_->Detach(); !s.ok()) {
      XDPXE_LOG(kWarning, "%s: detach XDP: %s", info_.name, s.ToString());
    }
  }
  xdp_attached_by_us_ = false;
  xdp_.reset();
}

Server::~Server() {
  RequestStop();
  workers_.clear();  // closes the XSKs: the XSKMAP slots empty themselves
  ReleaseXdp();
}

absl::Status Server::Run() {
  if (running_.exchange(true)) {
    return absl::FailedPreconditionError("io::Server::Run: already running");
  }
  if (stop_.load()) {
    running_ = false;
    return absl::OkStatus();
  }
  std::vector<absl::Status> results(workers_.size());
  std::vector<std::thread> threads;
  {
    // Signals go to the caller's thread, never to a spawned worker.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([this, i, &results] {
        results[i] = workers_[i]->Run(stop_);
        if (!results[i].ok()) RequestStop();
      });
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  results[0] = workers_[0]->Run(stop_);
  if (!results[0].ok()) RequestStop();
  for (std::thread& t : threads) t.join();
  running_ = false;
  for (const absl::Status& s : results) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

void Server::RequestStop() {
  stop_.store(true, std::memory_order_release);
  for (const auto& w : workers_) w->loop()->Wake();
}

absl::Status Server::Reload(engine::EngineConfig cfg) {
  XDPXE_RETURN_IF_ERROR(PrepareConfig(&cfg));
  absl::MutexLock l(&mu_);
  if (xdp_ && (cfg.tftp.port_lo != cfg_.tftp.port_lo ||
               cfg.tftp.port_hi != cfg_.tftp.port_hi ||
               cfg.tftp.server_ip != cfg_.tftp.server_ip)) {
    XdpConfig xc{cfg.tftp.server_ip, cfg.tftp.port_lo, cfg.tftp.port_hi,
                 opts_.pass_dhcp_to_kernel ? uint32_t{XDPXE_F_PASS_DHCP} : 0};
    // Transfers on ports outside the new range lose their steering: the
    // old range stays steered until they are done would need two ranges;
    // keep the union while any is running.
    xc.tftp_port_lo = std::min(cfg.tftp.port_lo, cfg_.tftp.port_lo);
    xc.tftp_port_hi = std::max(cfg.tftp.port_hi, cfg_.tftp.port_hi);
    XDPXE_RETURN_IF_ERROR(xdp_->SetConfig(xc));
  }
  if ((cfg.dhcp != nullptr) != (cfg_.dhcp != nullptr) &&
      backend_ == Backend::kSocket) {
    XDPXE_LOG(kWarning,
              "%s: turning ProxyDHCP on/off takes a restart with --backend "
              "socket (its sockets are opened at start)",
              info_.name);
  }
  cfg_ = cfg;
  ++reloads_;
  files_->Reload();
  // A reload that moves the range re-slices it; transfers running on a
  // port that changes owner are then lost (clients retry the boot).
  if (owners_) AssignPortOwners(cfg);
  const auto n = static_cast<uint32_t>(workers_.size());
  for (uint32_t q = 0; q < n; ++q) workers_[q]->PostReload(SliceFor(cfg, q, n));
  return absl::OkStatus();
}

ServerStatus Server::Status() const {
  ServerStatus st;
  st.backend = backend_;
  st.interface = info_.name;
  st.mac = info_.mac;
  st.mtu = info_.mtu;
  st.queues = static_cast<uint32_t>(workers_.size());
  st.running = running_.load();
  st.xdp_attached_by_us = xdp_attached_by_us_;
  st.xdp_prog_id = xdp_ ? xdp_->prog_id() : 0;
  if (backend_ == Backend::kXdp)
    st.xsk_mode = zero_copy_ ? "zero-copy" : "copy";
  st.pass_dhcp_to_kernel = opts_.pass_dhcp_to_kernel;
  st.dhcp_via_packet_socket = dhcp_tap_;
  {
    absl::MutexLock l(&mu_);
    st.server_ip = cfg_.tftp.server_ip;
    st.reloads = reloads_;
  }
  for (const auto& w : workers_) {
    bool fresh = false;
    WorkerStatus ws = w->Snapshot(absl::Milliseconds(200), &fresh);
    st.stale |= !fresh;
    st.port += ws.port;
    st.engine += ws.engine;
    AddTftpCounters(st.tftp, ws.tftp);
    st.active_transfers += ws.active_transfers;
    st.forwarded += ws.forwarded;
    std::move(ws.transfers.begin(), ws.transfers.end(),
              std::back_inserter(st.transfers));
    ws.transfers.clear();
    st.workers.push_back(std::move(ws));
  }
  return st;
}

}  // namespace xdpxe::io
