// State directory layout and config-file resolution; see state_dir.h.
#include "userspace/app/state_dir.h"

#include "userspace/app/atomic_file.h"

namespace xdpxe::app {

absl::Status StateDir::Create() const { return MakeDirs(path_, 0755); }

std::string ResolveConfigPath(const std::string& flag, const StateDir& state,
                              const std::string& system_config) {
  if (!flag.empty()) return flag;
  if (FileExists(state.ConfigPath())) return state.ConfigPath();
  if (FileExists(system_config)) return system_config;
  return "";
}

}  // namespace xdpxe::app
