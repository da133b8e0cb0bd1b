// The ProxyDHCP configuration the data-plane integration tests and
// dataplane_serve use: `boot_file` for x64 UEFI, the defaults of
// dhcp::BootPolicy otherwise (undionly.kpxe, autoexec.ipxe, ...).
#ifndef XDPXE_TESTS_INTEGRATION_LAB_DHCP_CONFIG_H_
#define XDPXE_TESTS_INTEGRATION_LAB_DHCP_CONFIG_H_

#include <memory>
#include <string>

#include "userspace/dhcp/responder.h"

namespace xdpxe::testing {

inline std::shared_ptr<const dhcp::ResponderConfig> TestDhcpConfig(
    const std::string& boot_file) {
  auto cfg = std::make_shared<dhcp::ResponderConfig>();
  // server_ip stays Any(): io::Server fills in the interface's address.
  cfg->boot.files.efi_x64 = boot_file;
  return cfg;
}

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_INTEGRATION_LAB_DHCP_CONFIG_H_
