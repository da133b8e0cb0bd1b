// Loads, attaches, pins and configures xdpxe's XDP program (bpf/). Shared by
// tools/xdpctl and the daemon's AF_XDP data path.
//
//   auto prog = io::XdpProgram::Attach("veth0", io::XdpMode::kNative, cfg);
//   if (!prog.ok()) return prog.status();
//   bpf_map_update_elem(prog->xsks_map_fd(), &queue, &xsk_fd, BPF_ANY);
//
//   // later, another process:
//   auto prog = io::XdpProgram::OpenPinned("veth0");  // NotFound: not attached
//   auto stats = prog->ReadStats();
//
// Pin layout under /sys/fs/bpf/xdpxe/<ifname>/: `link` (the bpf_link that
// keeps the program attached; removing it detaches), `prog`, and the maps
// `xsks` (XSKMAP, key = RX queue), `config` (struct xdpxe_config, key 0),
// `stats` (per-CPU struct xdpxe_counter per enum xdpxe_stat).
//
// Errors are absl::Status whose message names the interface and what to do
// ("eth9: no such interface (ip -br link lists them)").
#ifndef XDPXE_USERSPACE_IO_XDP_LOADER_H_
#define XDPXE_USERSPACE_IO_XDP_LOADER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bpf/xdpxe_shared.h"
#include "userspace/net/addr.h"

namespace xdpxe::io {

inline constexpr char kXdpPinRoot[] = "/sys/fs/bpf/xdpxe";

struct XdpConfig {
  net::Ipv4Addr server_ip;  // 0.0.0.0: steer only PXE DHCP on port 67
  uint16_t tftp_port_lo = 61000;
  uint16_t tftp_port_hi = 65535;
  uint32_t flags = 0;  // XDPXE_F_PASS_DHCP | XDPXE_F_PASS_ALL

  bool operator==(const XdpConfig&) const = default;
};

enum class XdpMode { kNative, kGeneric };
const char* XdpModeName(XdpMode m);  // "native", "generic"
std::optional<XdpMode> ParseXdpMode(std::string_view name);

struct XdpCounter {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// Counters of the program, summed over CPUs, indexed by enum xdpxe_stat.
struct XdpStats {
  std::array<XdpCounter, XDPXE_STAT_MAX> counters{};

  const XdpCounter& operator[](int stat) const { return counters[stat]; }
  uint64_t steered() const;  // packets of every STEER_* class
  uint64_t passed() const;   // packets of every PASS_* class
};
// "steer_dhcp_pxe", "pass_not_ipv4", ... (stable names for --json, metrics).
const char* XdpStatName(int stat);

// What is attached to an interface, for `xdpctl status`.
struct XdpInterfaceStatus {
  std::string ifname;
  int ifindex = 0;
  uint32_t prog_id = 0;   // 0: no XDP program attached
  std::string prog_name;  // of the attached program
  bool ours = false;      // the attached program is xdpxe's
  bool pinned = false;    // /sys/fs/bpf/xdpxe/<ifname>/ holds our pins
  std::string mode;       // "native", "generic", "offload", "none"
  std::optional<XdpConfig> config;  // from the pinned config map
};

class XdpProgram {
 public:
  // Loads, attaches (a bpf_link, not the libxdp dispatcher) and pins the
  // program and maps under /sys/fs/bpf/xdpxe/<ifname>/. Idempotent for our
  // own program (then only the config is rewritten). Refuses to replace
  // another XDP program unless `force`. Validates cfg (port range vs.
  // ip_local_port_range, known flags).
  static absl::StatusOr<XdpProgram> Attach(const std::string& ifname,
                                           XdpMode mode, const XdpConfig& cfg,
                                           bool force = false);
  // Opens the pins of an attached program. NotFound if not attached (or
  // the pins are stale); FailedPrecondition if they are those of a live
  // program on another interface of this name (another network namespace:
  // bpffs is shared), which every caller leaves alone.
  static absl::StatusOr<XdpProgram> OpenPinned(const std::string& ifname);

  XdpProgram(XdpProgram&& other) noexcept;
  XdpProgram& operator=(XdpProgram&& other) noexcept;
  XdpProgram(const XdpProgram&) = delete;
  XdpProgram& operator=(const XdpProgram&) = delete;
  ~XdpProgram();  // closes fds; the pins keep the program attached

  // Detaches the program and removes the pins; the object is then empty.
  absl::Status Detach();
  // Rewrites the config map; takes effect for the next packet.
  absl::Status SetConfig(const XdpConfig& cfg);
  absl::StatusOr<XdpConfig> GetConfig() const;
  absl::StatusOr<XdpStats> ReadStats() const;

  int xsks_map_fd() const { return xsks_fd_; }  // XSKMAP: key = rx queue
  int config_map_fd() const { return config_fd_; }
  int stats_map_fd() const { return stats_fd_; }
  int prog_fd() const { return prog_fd_; }
  uint32_t prog_id() const { return prog_id_; }
  const std::string& ifname() const { return ifname_; }
  int ifindex() const { return ifindex_; }
  std::string pin_dir() const;

 private:
  XdpProgram() = default;
  void Close();

  std::string ifname_;
  int ifindex_ = 0;
  uint32_t prog_id_ = 0;
  int prog_fd_ = -1;
  int link_fd_ = -1;
  int xsks_fd_ = -1;
  int config_fd_ = -1;
  int stats_fd_ = -1;
};

// Detaches whatever xdpxe program is on `ifname` and removes stale pins.
// NotFound ("nothing to detach") when neither is there; refuses a foreign
// program unless `force`.
absl::Status DetachInterface(const std::string& ifname, bool force = false);

absl::StatusOr<XdpInterfaceStatus> QueryInterface(const std::string& ifname);
// Interfaces that have pins under /sys/fs/bpf/xdpxe/, sorted.
std::vector<std::string> ListPinnedInterfaces();

// FailedPrecondition when [lo, hi] overlaps the host's ephemeral port range
// (/proc/sys/net/ipv4/ip_local_port_range), naming both ranges.
absl::Status CheckPortRangeVsLocalRange(uint16_t lo, uint16_t hi);
// Port range order/limits, known flags, then CheckPortRangeVsLocalRange.
absl::Status ValidateXdpConfig(const XdpConfig& cfg);

// Routes libbpf's messages to xdpxe's logger (done by every entry point
// above; call it first when using libbpf directly).
void RouteLibbpfLogs();

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_XDP_LOADER_H_
