// What every `xdpxe` command resolves first: the state dir, which config
// file applies, the settings with command-line overrides on top, and the
// paths derived from them (tftp root, live script, log, control socket).
//
//   CommonOptions opts;  opts.AddTo(flags, CommonOptions::kServe);
//   XDPXE_ASSIGN_OR_RETURN(Context ctx, LoadContext(opts));
#ifndef XDPXE_USERSPACE_APP_CLI_CONTEXT_H_
#define XDPXE_USERSPACE_APP_CLI_CONTEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "userspace/app/cli/flags.h"
#include "userspace/app/cmdline.h"
#include "userspace/app/script_store.h"
#include "userspace/app/settings.h"
#include "userspace/app/state_dir.h"

namespace xdpxe::app::cli {

struct CommonOptions {
  enum Set { kBasic, kServe };  // kServe adds the data-path overrides
  std::string config;
  std::string state_dir = kDefaultStateDir;
  std::string tftp_root;
  std::string interface;
  std::string listen_address;
  std::string backend;
  std::string xdp_mode;
  std::string autoexec;
  std::string cmdline = kProcCmdline;
  std::string system_config = kSystemConfig;

  void AddTo(Flags& flags, Set set);
};

struct Context {
  StateDir state{kDefaultStateDir};
  std::string config_path;  // "" = built-in defaults (no file anywhere)
  Settings settings;
  std::string tftp_root;
  std::string tftp_root_reason;  // "from the config", "default /srv/tftp"...

  // Where `config edit` writes: --config, else the state dir's copy.
  std::string edit_config_path;
  // <tftp-root>/<ipxe-script> when the script is a file name, else "".
  std::string ScriptPublishPath() const;
  std::string ControlSocketPath() const;
  std::string LogPath() const;  // "" = stderr only
  ScriptStore Scripts() const;
};

// State dir and config paths only, without reading the settings: what
// `config edit` and the menu need to fix a config that does not parse.
Context PathsOnly(const CommonOptions& opts);

// Config errors come back as the parser made them (file:line: key: ...).
absl::StatusOr<Context> LoadContext(const CommonOptions& opts);

// Settings from a config file path ("" = defaults) plus the overrides.
absl::StatusOr<Settings> LoadSettings(const std::string& path,
                                      const CommonOptions& opts);

}  // namespace xdpxe::app::cli

#endif  // XDPXE_USERSPACE_APP_CLI_CONTEXT_H_
