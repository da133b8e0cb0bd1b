// Resolution of state dir, config file, overrides and derived paths.
#include "userspace/app/cli/context.h"

#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "userspace/app/config.h"
#include "userspace/app/config_map.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::app::cli {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A command-line override through the config parser, so the flag gets the
// same checks and messages as the key ("--tftp-root: not an absolute...").
absl::Status Override(Settings* s, const char* key, const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  std::string line = absl::StrCat(key, "=", value, "\n");
  absl::StatusOr<Settings> one = ParseConfig(line, "command line");
  if (!one.ok()) {
    absl::string_view msg = one.status().message();
    absl::ConsumePrefix(&msg, "command line:1: ");
    return absl::InvalidArgumentError(absl::StrCat("--", msg));
  }
  if (std::string(key) == "interface") s->interface = one->interface;
  if (std::string(key) == "tftp-root") s->tftp_root = one->tftp_root;
  if (std::string(key) == "listen-address")
    s->listen_address = one->listen_address;
  if (std::string(key) == "backend") s->backend = one->backend;
  if (std::string(key) == "xdp-mode") s->xdp_mode = one->xdp_mode;
  if (std::string(key) == "autoexec-url") s->autoexec_url = one->autoexec_url;
  return absl::OkStatus();
}

}  // namespace

void CommonOptions::AddTo(Flags& flags, Set set) {
  flags.String("config", 'c', &config,
               "config file (default: STATE/xdpxe.conf, else "
               "/etc/xdpxe/xdpxe.conf)",
               "FILE");
  flags.String("state-dir", 0, &state_dir,
               "persistent state (default /var/lib/xdpxe)", "DIR");
  flags.String("tftp-root", 0, &tftp_root,
               "serve files from DIR (overrides tftp-root=)", "DIR");
  if (set == kServe) {
    flags.String("interface", 'i', &interface,
                 "interface PXE clients are on (overrides interface=)", "IF");
    flags.String("listen-address", 0, &listen_address,
                 "our IPv4 address (default: the interface's)", "ADDR");
    flags.String("backend", 0, &backend, "xdp or socket (overrides backend=)",
                 "xdp|socket");
    flags.String("xdp-mode", 0, &xdp_mode, "native or generic",
                 "native|generic");
    flags.String("autoexec", 0, &autoexec,
                 "fetch autoexec.ipxe from URL at start-up", "URL");
    flags.String("cmdline", 0, &cmdline,
                 "kernel command line to read autoexec=URL from (default "
                 "/proc/cmdline)",
                 "FILE");
  }
}

absl::StatusOr<Settings> LoadSettings(const std::string& path,
                                      const CommonOptions& opts) {
  Settings s;
  if (!path.empty()) {
    XDPXE_ASSIGN_OR_RETURN(s, LoadConfigFile(path));
  }
  XDPXE_RETURN_IF_ERROR(Override(&s, "interface", opts.interface));
  XDPXE_RETURN_IF_ERROR(Override(&s, "tftp-root", opts.tftp_root));
  XDPXE_RETURN_IF_ERROR(Override(&s, "listen-address", opts.listen_address));
  XDPXE_RETURN_IF_ERROR(Override(&s, "backend", opts.backend));
  XDPXE_RETURN_IF_ERROR(Override(&s, "xdp-mode", opts.xdp_mode));
  XDPXE_RETURN_IF_ERROR(Override(&s, "autoexec-url", opts.autoexec));
  if (absl::Status st = ValidateSettings(s); !st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.empty() ? "settings" : path, ": ", st.message()));
  }
  return s;
}

Context PathsOnly(const CommonOptions& opts) {
  Context ctx;
  ctx.state = StateDir(opts.state_dir);
  ctx.config_path =
      ResolveConfigPath(opts.config, ctx.state, opts.system_config);
  ctx.edit_config_path =
      opts.config.empty() ? ctx.state.ConfigPath() : opts.config;
  return ctx;
}

absl::StatusOr<Context> LoadContext(const CommonOptions& opts) {
  if (!absl::StartsWith(opts.state_dir, "/")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--state-dir: not an absolute path: \"", opts.state_dir, "\""));
  }
  Context ctx = PathsOnly(opts);
  XDPXE_ASSIGN_OR_RETURN(ctx.settings, LoadSettings(ctx.config_path, opts));
  if (!opts.tftp_root.empty()) {
    ctx.tftp_root = ctx.settings.tftp_root;
    ctx.tftp_root_reason = "from --tftp-root";
  } else if (!ctx.settings.tftp_root.empty()) {
    ctx.tftp_root = ctx.settings.tftp_root;
    ctx.tftp_root_reason = absl::StrCat("from ", ctx.config_path);
  } else if (IsDir(kDefaultTftpRoot)) {
    ctx.tftp_root = kDefaultTftpRoot;
    ctx.tftp_root_reason = "/srv/tftp exists";
  } else {
    ctx.tftp_root = ctx.state.path();
    ctx.tftp_root_reason = "the state dir (no tftp-root set, no /srv/tftp)";
  }
  return ctx;
}

std::string Context::ScriptPublishPath() const {
  const std::string& s = settings.ipxe_script;
  if (absl::StartsWith(s, "http://") || absl::StartsWith(s, "https://")) {
    return "";
  }
  return absl::StrCat(tftp_root, "/", s);
}

std::string Context::ControlSocketPath() const {
  return settings.control_socket.empty() ? state.ControlSocketPath()
                                         : settings.control_socket;
}

std::string Context::LogPath() const {
  if (settings.log_file == "-") return "";
  return settings.log_file.empty() ? state.LogPath() : settings.log_file;
}

ScriptStore Context::Scripts() const {
  return ScriptStore(state, ScriptPublishPath(), settings.autoexec_max_bytes);
}

}  // namespace xdpxe::app::cli
