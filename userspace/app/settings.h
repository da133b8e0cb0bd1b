// The operator's settings, typed: what the config file (config.h) parses
// into and what `xdpxe serve` maps onto the dhcp/tftp/io configs
// (config_map.h). Defaults are the values a config without the key gets.
#ifndef XDPXE_USERSPACE_APP_SETTINGS_H_
#define XDPXE_USERSPACE_APP_SETTINGS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "userspace/net/addr.h"

namespace xdpxe::app {

enum class BackendKind { kXdp, kSocket };
enum class XdpModeKind { kNative, kGeneric };

// One `host=` line: a client picked by MAC or by SMBIOS UUID (option 97),
// and what it gets instead of the per-arch defaults.
struct HostRule {
  int line = 0;                     // where it came from, for messages
  std::optional<net::MacAddr> mac;  // exactly one of mac / uuid is set
  std::optional<std::array<uint8_t, 16>> uuid;  // RFC 4122 order (as printed)
  std::string boot_file;  // firmware stage file; empty = per-arch default
  std::string script;     // iPXE stage script/URL; empty = ipxe-script
  bool ignore = false;    // never answer this client
  std::string name;       // label for the boot log
};

struct Settings {
  // Network.
  std::string interface;  // empty: must come from --interface
  std::optional<net::Ipv4Addr> listen_address;  // empty: the interface's
  BackendKind backend = BackendKind::kXdp;
  bool socket_fallback = true;  // xdp refused → plain UDP sockets
  XdpModeKind xdp_mode = XdpModeKind::kNative;

  // Boot files, per client architecture (option 93), as DESIGN.md lists.
  // Empty: that architecture gets no reply (the dhcp defaults).
  std::string boot_bios = "undionly.kpxe";  // arch 0
  std::string boot_ia32;                    // arch 6
  std::string boot_x64 = "snp_x64.efi";     // arch 7, 9
  std::string boot_arm32;                   // arch 10
  std::string boot_arm64 = "snp_aa64.efi";  // arch 11
  // UEFI HTTP boot URLs (vendor class HTTPClient, arch 15/16/18/19).
  std::string http_boot_ia32, http_boot_x64, http_boot_arm32, http_boot_arm64;
  std::string ipxe_script = "autoexec.ipxe";  // file name or http(s) URL
  std::vector<HostRule> hosts;
  // siaddr of replies when the TFTP server is another host; empty: ours.
  std::optional<net::Ipv4Addr> tftp_server;
  std::string server_name;  // sname of 4011 ACKs; empty: the TFTP address
  bool uefi_file_in_offer = false;

  // TFTP.
  std::string tftp_root;  // empty: /srv/tftp if it exists, else state dir
  uint16_t tftp_port_lo = 61000;
  uint16_t tftp_port_hi = 65535;
  uint16_t tftp_blksize_max = 1468;  // fits a 1500 MTU
  uint16_t tftp_window_max = 64;
  uint32_t tftp_max_transfers = 1024;
  uint32_t tftp_max_per_client = 4;
  uint32_t tftp_timeout_ms = 1000;  // first retransmit
  uint32_t tftp_retries = 5;

  // Start-up script fetch (also --autoexec and autoexec= on /proc/cmdline).
  std::string autoexec_url;
  uint32_t autoexec_timeout_s = 20;
  uint64_t autoexec_max_bytes = 1 << 20;

  // Observability and control.
  std::string log_file;  // empty: <state-dir>/boot.log; "-" stderr only
  uint64_t log_max_bytes = 8 << 20;
  uint32_t log_keep = 5;
  std::string metrics_listen;  // empty: off; "9100" or "127.0.0.1:9100"
  std::string control_socket;  // empty: <state-dir>/control.sock
};

const char* BackendName(BackendKind b);
const char* XdpModeName(XdpModeKind m);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_SETTINGS_H_
