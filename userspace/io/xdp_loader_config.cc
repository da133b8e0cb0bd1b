// The plain-value half of the XDP loader (xdp_loader.h): mode and counter
// names, config validation and the ip_local_port_range check. No libbpf.
#include <fstream>

#include "absl/strings/str_format.h"
#include "userspace/common/log.h"
#include "userspace/io/xdp_loader.h"

namespace xdpxe::io {

const char* XdpModeName(XdpMode m) {
  return m == XdpMode::kNative ? "native" : "generic";
}

std::optional<XdpMode> ParseXdpMode(std::string_view name) {
  if (name == "native" || name == "drv") return XdpMode::kNative;
  if (name == "generic" || name == "skb") return XdpMode::kGeneric;
  return std::nullopt;
}

const char* XdpStatName(int stat) {
  static constexpr const char* kNames[XDPXE_STAT_MAX] = {
      "steer_dhcp_pxe",        "steer_dhcp_ipxe",
      "steer_proxy_4011",      "steer_tftp",
      "steer_tftp_transfer",   "steer_no_socket",
      "pass_not_ipv4",         "pass_not_udp",
      "pass_fragment",         "pass_malformed",
      "pass_not_ours",         "pass_dhcp_ordinary",
      "pass_dhcp_not_request", "pass_dhcp_malformed",
      "pass_dhcp_overload",    "pass_dhcp_config",
      "pass_disabled",
  };
  if (stat < 0 || stat >= XDPXE_STAT_MAX) return "?";
  return kNames[stat];
}

uint64_t XdpStats::steered() const {
  uint64_t n = 0;
  for (int i = 0; i < XDPXE_STAT_STEER_NO_SOCKET; ++i) n += counters[i].packets;
  return n;
}

uint64_t XdpStats::passed() const {
  uint64_t n = 0;
  for (int i = XDPXE_STAT_PASS_NOT_IPV4; i < XDPXE_STAT_MAX; ++i)
    n += counters[i].packets;
  return n;
}

absl::Status CheckPortRangeVsLocalRange(uint16_t lo, uint16_t hi) {
  constexpr char kPath[] = "/proc/sys/net/ipv4/ip_local_port_range";
  std::ifstream in(kPath);
  unsigned llo = 0, lhi = 0;
  if (!(in >> llo >> lhi)) {
    XDPXE_LOG(kWarning, "%s: unreadable; not checking tftp ports %u-%u", kPath,
              lo, hi);
    return absl::OkStatus();
  }
  if (lo <= lhi && llo <= hi) {
    std::string shrink =
        lo > llo ? absl::StrFormat(
                       "sysctl -w net.ipv4.ip_local_port_range="
                       "\"%u %u\"",
                       llo, lo - 1)
                 : "sysctl -w net.ipv4.ip_local_port_range=\"LO HI\"";
    return absl::FailedPreconditionError(absl::StrFormat(
        "tftp transfer ports %u-%u overlap the host's ephemeral ports %u-%u "
        "(%s): XDP would take replies meant for the host's own "
        "connections; choose ports outside it (default 61000-65535) or "
        "shrink it (%s)",
        lo, hi, llo, lhi, kPath, shrink));
  }
  return absl::OkStatus();
}

absl::Status ValidateXdpConfig(const XdpConfig& cfg) {
  if (cfg.tftp_port_lo > cfg.tftp_port_hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "tftp port range %u-%u: the low end is above the high end",
        cfg.tftp_port_lo, cfg.tftp_port_hi));
  }
  if (cfg.tftp_port_lo < 1024) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "tftp port range %u-%u: must start above 1023 (ports 67, 69 and "
        "4011 are matched on their own)",
        cfg.tftp_port_lo, cfg.tftp_port_hi));
  }
  if (cfg.flags & ~uint32_t{XDPXE_F_ALL}) {
    return absl::InvalidArgumentError(
        absl::StrFormat("xdp config flags 0x%x: unknown bits 0x%x", cfg.flags,
                        cfg.flags & ~uint32_t{XDPXE_F_ALL}));
  }
  return CheckPortRangeVsLocalRange(cfg.tftp_port_lo, cfg.tftp_port_hi);
}

}  // namespace xdpxe::io
