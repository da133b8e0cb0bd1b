// The state directory (default /var/lib/xdpxe, `--state-dir DIR`): what
// survives a restart. Layout:
//
//   xdpxe.conf           settings edited by `xdpxe config edit` / the menu;
//                        used when --config is not given (else
//                        /etc/xdpxe/xdpxe.conf, else built-in defaults)
//   autoexec.ipxe        the live iPXE script (also copied into tftp-root)
//   autoexec.ipxe.prev   the one it replaced
//   autoexec.source      where the live script came from (logfmt line)
//   boot.log, boot.log.N the boot event log and its rotations
//   control.sock         `xdpxe status` / reload socket (mode 0600)
//
// Every file is replaced with WriteFileAtomic (atomic_file.h).
#ifndef XDPXE_USERSPACE_APP_STATE_DIR_H_
#define XDPXE_USERSPACE_APP_STATE_DIR_H_

#include <string>

#include "absl/status/status.h"

namespace xdpxe::app {

inline constexpr char kDefaultStateDir[] = "/var/lib/xdpxe";
inline constexpr char kSystemConfig[] = "/etc/xdpxe/xdpxe.conf";
inline constexpr char kDefaultTftpRoot[] = "/srv/tftp";

class StateDir {
 public:
  explicit StateDir(std::string path) : path_(std::move(path)) {}

  // Creates the directory (mode 0755) if needed.
  absl::Status Create() const;

  const std::string& path() const { return path_; }
  std::string ConfigPath() const { return path_ + "/xdpxe.conf"; }
  std::string ScriptPath() const { return path_ + "/autoexec.ipxe"; }
  std::string ScriptBackupPath() const { return path_ + "/autoexec.ipxe.prev"; }
  std::string ScriptSourcePath() const { return path_ + "/autoexec.source"; }
  std::string LogPath() const { return path_ + "/boot.log"; }
  std::string ControlSocketPath() const { return path_ + "/control.sock"; }

 private:
  std::string path_;
};

// Which config file applies: --config when given, else the state dir's,
// else the system one; "" when none exists (built-in defaults).
std::string ResolveConfigPath(const std::string& flag, const StateDir& state,
                              const std::string& system_config = kSystemConfig);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_STATE_DIR_H_
