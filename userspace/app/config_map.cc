// Settings → dhcp / tftp / engine configs; see config_map.h.
#include "userspace/app/config_map.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "userspace/app/config_values.h"
#include "userspace/common/status_macros.h"
#include "userspace/dhcp/guid.h"

namespace xdpxe::app {

absl::StatusOr<std::shared_ptr<const dhcp::ResponderConfig>> ToResponderConfig(
    const Settings& s, net::Ipv4Addr server_ip) {
  auto cfg = std::make_shared<dhcp::ResponderConfig>();
  cfg->server_ip = server_ip;
  cfg->tftp_server = s.tftp_server.value_or(net::Ipv4Addr::Any());
  cfg->server_name = s.server_name;
  cfg->uefi_file_in_offer = s.uefi_file_in_offer;
  dhcp::BootPolicy& b = cfg->boot;
  b.files.bios = s.boot_bios;
  b.files.efi_ia32 = s.boot_ia32;
  b.files.efi_x64 = s.boot_x64;
  b.files.efi_arm32 = s.boot_arm32;
  b.files.efi_arm64 = s.boot_arm64;
  b.http.efi_ia32 = s.http_boot_ia32;
  b.http.efi_x64 = s.http_boot_x64;
  b.http.efi_arm32 = s.http_boot_arm32;
  b.http.efi_arm64 = s.http_boot_arm64;
  b.ipxe_script = s.ipxe_script;
  for (const HostRule& h : s.hosts) {
    dhcp::HostRule r;
    r.mac = h.mac;
    if (h.uuid) {
      r.guid = dhcp::ClientGuid::Parse(UuidToString(*h.uuid));
      if (!r.guid) {
        return absl::InternalError(
            absl::StrCat("host (line ", h.line, "): UUID did not convert"));
      }
    }
    r.boot_file = h.boot_file;
    r.ipxe_script = h.script;
    r.ignore = h.ignore;
    r.name = h.name;
    b.hosts.push_back(std::move(r));
  }
  // server_ip Any() is filled in by io::Server from the interface; check
  // the rest with a stand-in, so a bad boot policy fails at `config check`.
  if (server_ip.IsAny()) {
    dhcp::ResponderConfig probe = *cfg;
    probe.server_ip = net::Ipv4Addr::FromOctets(192, 0, 2, 1);
    XDPXE_RETURN_IF_ERROR(probe.Validate());
  } else {
    XDPXE_RETURN_IF_ERROR(cfg->Validate());
  }
  return std::shared_ptr<const dhcp::ResponderConfig>(std::move(cfg));
}

tftp::ServerConfig ToTftpConfig(const Settings& s, net::Ipv4Addr server_ip) {
  tftp::ServerConfig t;
  t.server_ip = server_ip;
  t.port_lo = s.tftp_port_lo;
  t.port_hi = s.tftp_port_hi;
  // The tftp server caps blksize at mtu - 32 (IPv4 + UDP + TFTP headers);
  // io::Server lowers it further to the interface MTU.
  t.mtu = static_cast<uint16_t>(
      std::min<uint32_t>(65535, uint32_t{s.tftp_blksize_max} + 32));
  t.max_window = s.tftp_window_max;
  t.max_transfers = s.tftp_max_transfers;
  t.max_per_client = s.tftp_max_per_client;
  t.retransmit_timeout = std::chrono::milliseconds(s.tftp_timeout_ms);
  t.max_retransmit_timeout =
      std::max(t.retransmit_timeout, std::chrono::milliseconds(8000));
  t.max_retries = static_cast<uint8_t>(std::min<uint32_t>(s.tftp_retries, 255));
  return t;
}

absl::StatusOr<engine::EngineConfig> ToEngineConfig(const Settings& s,
                                                    net::Ipv4Addr server_ip) {
  engine::EngineConfig cfg;
  XDPXE_ASSIGN_OR_RETURN(cfg.dhcp, ToResponderConfig(s, server_ip));
  cfg.tftp = ToTftpConfig(s, server_ip);
  XDPXE_RETURN_IF_ERROR(tftp::ValidateServerConfig(cfg.tftp));
  return cfg;
}

absl::Status ValidateSettings(const Settings& s) {
  return ToEngineConfig(s, s.listen_address.value_or(net::Ipv4Addr::Any()))
      .status();
}

}  // namespace xdpxe::app
