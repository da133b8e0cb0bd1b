// The one place Settings (the config file) become the protocol modules'
// configs: dhcp::ResponderConfig, tftp::ServerConfig, engine::EngineConfig.
// (io::ServerOptions on top of these is built by `xdpxe serve`.)
//
//   XDPXE_ASSIGN_OR_RETURN(engine::EngineConfig cfg,
//                          ToEngineConfig(settings, server_ip));
#ifndef XDPXE_USERSPACE_APP_CONFIG_MAP_H_
#define XDPXE_USERSPACE_APP_CONFIG_MAP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "userspace/app/settings.h"
#include "userspace/dhcp/responder.h"
#include "userspace/engine/engine.h"
#include "userspace/tftp/server.h"

namespace xdpxe::app {

// server_ip: listen-address, or the interface's address (Any() is allowed
// for io::Server, which fills it in). Errors are the modules' Validate()
// messages, which name the config key.
absl::StatusOr<std::shared_ptr<const dhcp::ResponderConfig>> ToResponderConfig(
    const Settings& s, net::Ipv4Addr server_ip);

tftp::ServerConfig ToTftpConfig(const Settings& s, net::Ipv4Addr server_ip);

absl::StatusOr<engine::EngineConfig> ToEngineConfig(const Settings& s,
                                                    net::Ipv4Addr server_ip);

// The checks the modules make (boot policy, tftp limits) on top of the
// parser's, for `config check` and edits: OK or the module's message.
absl::Status ValidateSettings(const Settings& s);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_CONFIG_MAP_H_
