// XdpProgram: load the skeleton, attach with a bpf_link, pin under
// /sys/fs/bpf/xdpxe/<ifname>/, and turn every libbpf -errno into one
// absl::Status that names the interface and says what to do.
#include "userspace/io/xdp_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"
#include "userspace/common/status_macros.h"
#include "xdpxe_xdp.skel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

namespace xdpxe::io {

namespace {

constexpr char kProgName[] = "xdpxe_xdp";
constexpr char kBpffs[] = "/sys/fs/bpf";
constexpr const char* kPinNames[] = {"link", "prog", "xsks", "config", "stats"};

int LibbpfPrint(enum libbpf_print_level level, const char* fmt, va_list ap) {
  char buf[1024];
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  if (n < 0) return 0;
  std::string_view line(buf, std::min<size_t>(n, sizeof(buf) - 1));
  while (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  LogLevel l = level == LIBBPF_WARN   ? LogLevel::kWarning
               : level == LIBBPF_INFO ? LogLevel::kInfo
                                      : LogLevel::kDebug;
  // libbpf's lines already start with "libbpf: ".
  if (LogEnabled(l)) LogLine(l, std::string(line));
  return n;
}

std::string PinDir(const std::string& ifname) {
  return absl::StrCat(kXdpPinRoot, "/", ifname);
}
std::string PinPath(const std::string& ifname, const char* name) {
  return absl::StrCat(kXdpPinRoot, "/", ifname, "/", name);
}

absl::Status CheckBpffs() {
  struct statfs st;
  if (statfs(kBpffs, &st) != 0 || st.f_type != BPF_FS_MAGIC) {
    return absl::FailedPreconditionError(absl::StrCat(
        kBpffs, ": bpffs is not mounted (mount it: mount -t bpf bpf ", kBpffs,
        "; `ip netns exec` remounts /sys without it, `nsenter "
        "--net=/run/netns/NAME` keeps it)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> IfIndex(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ ||
      ifname.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", ifname, "\": not an interface name"));
  }
  unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) {
    return absl::NotFoundError(
        absl::StrCat(ifname, ": no such interface (ip -br link lists them)"));
  }
  return static_cast<int>(idx);
}

// libbpf's -errno (or errno) → Status, converted once, here.
absl::Status BpfError(int err, const std::string& ifname,
                      absl::string_view what) {
  if (err < 0) err = -err;
  switch (err) {
    case EPERM:
    case EACCES:
      return absl::PermissionDeniedError(absl::StrCat(
          ifname, ": ", what,
          ": permission denied (needs root, or CAP_BPF + CAP_NET_ADMIN; "
          "run it with sudo)"));
    case ENODEV:
      return absl::NotFoundError(
          absl::StrCat(ifname, ": ", what,
                       ": the interface went away (ip -br link lists them)"));
    default:
      return ErrnoToStatus(err, absl::StrCat(ifname, ": ", what));
  }
}

bool HasCapability(int cap) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  return data[cap / 32].effective & (1u << (cap % 32));
}

// Checked before libbpf runs, so the user gets one line instead of libbpf's
// warnings about RLIMIT_MEMLOCK and "Couldn't load trivial BPF program".
absl::Status CheckPrivileges(const std::string& ifname) {
  constexpr int kCapBpf = 39;  // CAP_BPF (Linux 5.8), not in older headers
  const bool bpf = HasCapability(CAP_SYS_ADMIN) || HasCapability(kCapBpf);
  if (bpf && HasCapability(CAP_NET_ADMIN)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      ifname,
      ": attaching XDP needs root, or CAP_BPF + CAP_NET_ADMIN (run it with "
      "sudo)"));
}

uint32_t ModeFlag(XdpMode m) {
  return m == XdpMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
}

struct ProgInfo {
  uint32_t id = 0;
  std::string name;
};

absl::StatusOr<ProgInfo> ProgInfoByFd(int fd, const std::string& ifname) {
  struct bpf_prog_info info = {};
  uint32_t len = sizeof(info);
  if (int err = bpf_obj_get_info_by_fd(fd, &info, &len))
    return BpfError(err, ifname, "bpf_obj_get_info_by_fd(prog)");
  return ProgInfo{info.id, info.name};
}

std::string ProgNameById(uint32_t id) {
  int fd = bpf_prog_get_fd_by_id(id);
  if (fd < 0) return "?";
  auto info = ProgInfoByFd(fd, "");
  close(fd);
  return info.ok() ? info->name : "?";
}

// Removes our pins (and the directory) for ifname; missing ones are fine.
void RemovePins(const std::string& ifname) {
  for (const char* name : kPinNames) unlink(PinPath(ifname, name).c_str());
  rmdir(PinDir(ifname).c_str());
}

bool HasPins(const std::string& ifname) {
  return access(PinPath(ifname, "link").c_str(), F_OK) == 0 ||
         access(PinPath(ifname, "config").c_str(), F_OK) == 0;
}

// Pins are keyed by name, and bpffs is shared by every network namespace:
// the pins of `ifname` may be those of a live program on an interface of
// the same name elsewhere. Those must be left alone, not adopted or
// "cleaned up".
absl::Status PinsElsewhere(const std::string& ifname, uint32_t link_ifindex) {
  return absl::FailedPreconditionError(absl::StrCat(
      ifname, ": the pins in ", PinDir(ifname),
      " belong to xdpxe's program on another interface (ifindex ", link_ifindex,
      ": one of the same name in another network namespace, or renamed); "
      "pins are keyed by name, so xdpxe leaves them alone (give this "
      "interface another name)"));
}

// Whether the pinned link `li` is attached to `ifindex` of this namespace.
bool AttachedHere(const struct bpf_link_info& li, int ifindex) {
  if (li.xdp.ifindex != uint32_t(ifindex)) return false;
  LIBBPF_OPTS(bpf_xdp_query_opts, q);
  if (bpf_xdp_query(ifindex, 0, &q) != 0) return false;
  return li.prog_id != 0 &&
         (q.prog_id == li.prog_id || q.drv_prog_id == li.prog_id ||
          q.skb_prog_id == li.prog_id);
}

// The ifindex the pinned link of `ifname` is attached to (in whichever
// namespace); 0 when it is detached or there is none.
uint32_t PinnedLinkIfindex(const std::string& ifname) {
  int fd = bpf_obj_get(PinPath(ifname, "link").c_str());
  if (fd < 0) return 0;
  struct bpf_link_info li = {};
  uint32_t len = sizeof(li);
  const bool ok = bpf_obj_get_info_by_fd(fd, &li, &len) == 0 &&
                  li.type == BPF_LINK_TYPE_XDP;
  close(fd);
  return ok ? li.xdp.ifindex : 0;
}

absl::Status MakePinDir(const std::string& ifname) {
  for (const std::string& dir : {std::string(kXdpPinRoot), PinDir(ifname)}) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return BpfError(errno, ifname, absl::StrCat("mkdir ", dir));
  }
  return absl::OkStatus();
}

struct xdpxe_config ToWire(const XdpConfig& cfg) {
  struct xdpxe_config c = {};
  c.server_ip = cfg.server_ip.ToNetworkOrder();
  c.tftp_port_lo = cfg.tftp_port_lo;
  c.tftp_port_hi = cfg.tftp_port_hi;
  c.flags = cfg.flags;
  return c;
}

XdpConfig FromWire(const struct xdpxe_config& c) {
  XdpConfig cfg;
  cfg.server_ip = net::Ipv4Addr::FromNetworkOrder(c.server_ip);
  cfg.tftp_port_lo = c.tftp_port_lo;
  cfg.tftp_port_hi = c.tftp_port_hi;
  cfg.flags = c.flags;
  return cfg;
}

absl::Status WriteConfig(int fd, const XdpConfig& cfg,
                         const std::string& ifname) {
  const uint32_t key = 0;
  struct xdpxe_config c = ToWire(cfg);
  if (bpf_map_update_elem(fd, &key, &c, BPF_ANY) != 0)
    return BpfError(errno, ifname, "write config map");
  return absl::OkStatus();
}

absl::StatusOr<XdpConfig> ReadConfig(int fd, const std::string& ifname) {
  const uint32_t key = 0;
  struct xdpxe_config c = {};
  if (bpf_map_lookup_elem(fd, &key, &c) != 0)
    return BpfError(errno, ifname, "read config map");
  return FromWire(c);
}

struct SkelDeleter {
  void operator()(xdpxe_xdp* s) const { xdpxe_xdp__destroy(s); }
};

// Detaches a program attached without a link (ours unpinned, or forced).
absl::Status DetachLegacy(int ifindex, const std::string& ifname,
                          const std::string& mode, uint32_t prog_id) {
  uint32_t flags = mode == "native"    ? XDP_FLAGS_DRV_MODE
                   : mode == "generic" ? XDP_FLAGS_SKB_MODE
                   : mode == "offload" ? XDP_FLAGS_HW_MODE
                                       : 0;
  int err = bpf_xdp_detach(ifindex, flags, nullptr);
  if (err == -EBUSY) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: XDP program id %u is held by a bpf_link of another process "
        "(bpftool link show lists it; detach it there)",
        ifname, prog_id));
  }
  if (err) return BpfError(err, ifname, "detach XDP program");
  return absl::OkStatus();
}

}  // namespace

void RouteLibbpfLogs() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(LibbpfPrint); });
}

XdpProgram::XdpProgram(XdpProgram&& o) noexcept { *this = std::move(o); }

XdpProgram& XdpProgram::operator=(XdpProgram&& o) noexcept {
  if (this == &o) return *this;
  Close();
  ifname_ = std::move(o.ifname_);
  ifindex_ = o.ifindex_;
  prog_id_ = o.prog_id_;
  for (auto [mine, theirs] :
       {std::pair{&prog_fd_, &o.prog_fd_}, std::pair{&link_fd_, &o.link_fd_},
        std::pair{&xsks_fd_, &o.xsks_fd_},
        std::pair{&config_fd_, &o.config_fd_},
        std::pair{&stats_fd_, &o.stats_fd_}}) {
    *mine = *theirs;
    *theirs = -1;
  }
  return *this;
}

XdpProgram::~XdpProgram() { Close(); }

void XdpProgram::Close() {
  for (int* fd : {&prog_fd_, &link_fd_, &xsks_fd_, &config_fd_, &stats_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

std::string XdpProgram::pin_dir() const { return PinDir(ifname_); }

absl::StatusOr<XdpProgram> XdpProgram::OpenPinned(const std::string& ifname) {
  RouteLibbpfLogs();
  XDPXE_RETURN_IF_ERROR(CheckBpffs());
  XDPXE_ASSIGN_OR_RETURN(int ifindex, IfIndex(ifname));
  XdpProgram p;
  p.ifname_ = ifname;
  p.ifindex_ = ifindex;
  p.link_fd_ = bpf_obj_get(PinPath(ifname, "link").c_str());
  if (p.link_fd_ < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          ifname, ": xdpxe's XDP program is not attached (xdpctl attach ",
          ifname, ")"));
    }
    return BpfError(errno, ifname, absl::StrCat("open ", PinDir(ifname)));
  }
  struct bpf_link_info li = {};
  uint32_t len = sizeof(li);
  if (int err = bpf_obj_get_info_by_fd(p.link_fd_, &li, &len))
    return BpfError(err, ifname, "bpf_obj_get_info_by_fd(link)");
  if (li.type != BPF_LINK_TYPE_XDP || li.xdp.ifindex == 0) {
    return absl::NotFoundError(absl::StrCat(
        ifname, ": the pinned XDP link is no longer attached (stale pins in ",
        PinDir(ifname), "; xdpctl detach ", ifname, " removes them)"));
  }
  if (!AttachedHere(li, ifindex)) return PinsElsewhere(ifname, li.xdp.ifindex);
  p.prog_id_ = li.prog_id;
  p.prog_fd_ = bpf_prog_get_fd_by_id(li.prog_id);
  if (p.prog_fd_ < 0) return BpfError(errno, ifname, "open XDP program");
  for (auto [fd, name] :
       {std::pair{&p.xsks_fd_, "xsks"}, std::pair{&p.config_fd_, "config"},
        std::pair{&p.stats_fd_, "stats"}}) {
    *fd = bpf_obj_get(PinPath(ifname, name).c_str());
    if (*fd < 0) {
      return BpfError(
          errno, ifname,
          absl::StrCat("open pinned map ", PinPath(ifname, name),
                       " (xdpctl attach --force ", ifname, " re-creates it)"));
    }
  }
  return p;
}

absl::StatusOr<XdpProgram> XdpProgram::Attach(const std::string& ifname,
                                              XdpMode mode,
                                              const XdpConfig& cfg,
                                              bool force) {
  RouteLibbpfLogs();
  XDPXE_RETURN_IF_ERROR(ValidateXdpConfig(cfg));
  XDPXE_ASSIGN_OR_RETURN(int ifindex, IfIndex(ifname));
  XDPXE_RETURN_IF_ERROR(CheckBpffs());
  XDPXE_RETURN_IF_ERROR(CheckPrivileges(ifname));
  XDPXE_ASSIGN_OR_RETURN(XdpInterfaceStatus st, QueryInterface(ifname));
  // Opened once: adopted below, or detached before the program is replaced.
  absl::StatusOr<XdpProgram> pinned = absl::NotFoundError("no pins");
  if (st.pinned) {
    pinned = OpenPinned(ifname);
    if (absl::IsFailedPrecondition(pinned.status())) return pinned.status();
  }

  if (st.prog_id != 0) {
    if (st.ours && pinned.ok() && pinned->prog_id() == st.prog_id) {
      if (st.mode != XdpModeName(mode)) {
        return absl::FailedPreconditionError(
            absl::StrCat(ifname, ": xdpxe is already attached in ", st.mode,
                         " mode (xdpctl detach ", ifname, " first to use ",
                         XdpModeName(mode), " mode)"));
      }
      XDPXE_RETURN_IF_ERROR(pinned->SetConfig(cfg));
      return pinned;
    }
    if (!st.ours && !force) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "%s: another XDP program is attached (id %u, \"%s\", %s mode); "
          "refusing to replace it (xdpctl attach --force %s replaces it)",
          ifname, st.prog_id, st.prog_name, st.mode, ifname));
    }
    if (!st.pinned || !st.ours) {
      XDPXE_LOG(kInfo, "%s: replacing XDP program id %u (\"%s\")", ifname,
                st.prog_id, st.prog_name);
    }
    // Our link: dropping its pin (and fd) detaches it.
    if (pinned.ok()) XDPXE_RETURN_IF_ERROR(pinned->Detach());
    if (auto now = QueryInterface(ifname); now.ok() && now->prog_id != 0) {
      XDPXE_RETURN_IF_ERROR(
          DetachLegacy(ifindex, ifname, now->mode, now->prog_id));
    }
  }
  RemovePins(ifname);  // stale pins of a program that is gone

  std::unique_ptr<xdpxe_xdp, SkelDeleter> skel(xdpxe_xdp__open());
  if (!skel) return BpfError(errno, ifname, "open the XDP program");
  if (int err = xdpxe_xdp__load(skel.get())) {
    if (err == -EACCES || err == -EINVAL) {
      return absl::InternalError(absl::StrCat(
          ifname,
          ": the kernel's verifier rejected the XDP program (xdpctl "
          "-v -v shows its log; please report it with uname -r)"));
    }
    return BpfError(err, ifname, "load the XDP program");
  }
  XDPXE_RETURN_IF_ERROR(
      WriteConfig(bpf_map__fd(skel->maps.xdpxe_config), cfg, ifname));

  LIBBPF_OPTS(bpf_link_create_opts, lopts, .flags = ModeFlag(mode));
  int link_fd = bpf_link_create(bpf_program__fd(skel->progs.xdpxe_xdp), ifindex,
                                BPF_XDP, &lopts);
  if (link_fd < 0) {
    int err = errno;
    if (err == EOPNOTSUPP && mode == XdpMode::kNative) {
      return absl::UnimplementedError(
          absl::StrCat(ifname,
                       ": the driver has no native XDP support (use --mode "
                       "generic)"));
    }
    if (err == EBUSY || err == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(ifname,
                       ": another XDP program was attached meanwhile (xdpctl "
                       "status ",
                       ifname, ")"));
    }
    return BpfError(err, ifname,
                    absl::StrCat("attach XDP in ", XdpModeName(mode), " mode"));
  }
  absl::Cleanup close_link = [link_fd] { close(link_fd); };
  absl::Cleanup unpin = [&ifname] { RemovePins(ifname); };
  XDPXE_RETURN_IF_ERROR(MakePinDir(ifname));
  const std::pair<int, const char*> pins[] = {
      {link_fd, "link"},
      {bpf_program__fd(skel->progs.xdpxe_xdp), "prog"},
      {bpf_map__fd(skel->maps.xsks), "xsks"},
      {bpf_map__fd(skel->maps.xdpxe_config), "config"},
      {bpf_map__fd(skel->maps.xdpxe_stats), "stats"}};
  for (const auto& [fd, name] : pins) {
    if (bpf_obj_pin(fd, PinPath(ifname, name).c_str()) != 0)
      return BpfError(errno, ifname,
                      absl::StrCat("pin ", PinPath(ifname, name)));
  }
  XDPXE_ASSIGN_OR_RETURN(XdpProgram p, OpenPinned(ifname));
  std::move(unpin).Cancel();
  XDPXE_LOG(kInfo,
            "%s: xdpxe XDP program id %u attached (%s mode), pinned in %s",
            ifname, p.prog_id(), XdpModeName(mode), PinDir(ifname));
  return p;
}

absl::Status XdpProgram::Detach() {
  if (link_fd_ < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(ifname_, ": this XdpProgram is empty (already detached)"));
  }
  int err = bpf_link_detach(link_fd_);
  if (err && err != -ENOLINK && err != -EINVAL)
    return BpfError(err, ifname_, "detach the XDP link");
  RemovePins(ifname_);
  Close();
  return absl::OkStatus();
}

absl::Status XdpProgram::SetConfig(const XdpConfig& cfg) {
  XDPXE_RETURN_IF_ERROR(ValidateXdpConfig(cfg));
  return WriteConfig(config_fd_, cfg, ifname_);
}

absl::StatusOr<XdpConfig> XdpProgram::GetConfig() const {
  return ReadConfig(config_fd_, ifname_);
}

absl::StatusOr<XdpStats> XdpProgram::ReadStats() const {
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return BpfError(ncpus, ifname_, "count possible CPUs");
  std::vector<struct xdpxe_counter> per_cpu(ncpus);
  XdpStats s;
  for (uint32_t key = 0; key < XDPXE_STAT_MAX; ++key) {
    if (bpf_map_lookup_elem(stats_fd_, &key, per_cpu.data()) != 0)
      return BpfError(errno, ifname_, "read stats map");
    for (const auto& c : per_cpu) {
      s.counters[key].packets += c.packets;
      s.counters[key].bytes += c.bytes;
    }
  }
  return s;
}

absl::Status DetachInterface(const std::string& ifname, bool force) {
  RouteLibbpfLogs();
  XDPXE_RETURN_IF_ERROR(CheckBpffs());
  XDPXE_RETURN_IF_ERROR(CheckPrivileges(ifname));
  const bool pinned = HasPins(ifname);
  auto ifindex = IfIndex(ifname);
  if (!ifindex.ok()) {
    if (pinned && absl::IsNotFound(ifindex.status())) {
      if (uint32_t other = PinnedLinkIfindex(ifname); other != 0) {
        return PinsElsewhere(ifname, other);
      }
      RemovePins(ifname);
      XDPXE_LOG(kInfo, "%s: interface is gone; removed stale pins", ifname);
      return absl::OkStatus();
    }
    return ifindex.status();
  }
  if (auto p = XdpProgram::OpenPinned(ifname); p.ok()) {
    return p->Detach();
  } else if (absl::IsFailedPrecondition(p.status())) {
    return p.status();
  }
  XDPXE_ASSIGN_OR_RETURN(XdpInterfaceStatus st, QueryInterface(ifname));
  if (st.prog_id == 0) {
    if (pinned) {
      RemovePins(ifname);
      return absl::OkStatus();
    }
    return absl::NotFoundError(absl::StrCat(
        ifname, ": no XDP program is attached (nothing to detach)"));
  }
  if (!st.ours && !force) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the attached XDP program (id %u, \"%s\") is not xdpxe's; "
        "refusing to detach it (--force detaches it anyway)",
        ifname, st.prog_id, st.prog_name));
  }
  XDPXE_RETURN_IF_ERROR(DetachLegacy(*ifindex, ifname, st.mode, st.prog_id));
  RemovePins(ifname);
  return absl::OkStatus();
}

absl::StatusOr<XdpInterfaceStatus> QueryInterface(const std::string& ifname) {
  RouteLibbpfLogs();
  XDPXE_ASSIGN_OR_RETURN(int ifindex, IfIndex(ifname));
  XdpInterfaceStatus st;
  st.ifname = ifname;
  st.ifindex = ifindex;
  LIBBPF_OPTS(bpf_xdp_query_opts, q);
  if (int err = bpf_xdp_query(ifindex, 0, &q))
    return BpfError(err, ifname, "query XDP");
  switch (q.attach_mode) {
    case XDP_ATTACHED_DRV:
      st.mode = "native";
      break;
    case XDP_ATTACHED_SKB:
      st.mode = "generic";
      break;
    case XDP_ATTACHED_HW:
      st.mode = "offload";
      break;
    case XDP_ATTACHED_MULTI:
      st.mode = q.drv_prog_id ? "native" : "generic";
      break;
    default:
      st.mode = "none";
  }
  st.prog_id =
      q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id);
  if (st.prog_id) {
    st.prog_name = ProgNameById(st.prog_id);
    st.ours = st.prog_name == kProgName;
  }
  st.pinned = HasPins(ifname);
  if (st.pinned) {
    int fd = bpf_obj_get(PinPath(ifname, "config").c_str());
    if (fd >= 0) {
      if (auto c = ReadConfig(fd, ifname); c.ok()) st.config = *c;
      close(fd);
    }
  }
  return st;
}

std::vector<std::string> ListPinnedInterfaces() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(kXdpPinRoot, ec)) {
    if (e.is_directory(ec)) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace xdpxe::io
