// `xdpxe serve`: the server. Resolves settings (and says what it chose),
// opens the boot log, publishes the persisted iPXE script and fetches a new
// one in the background when a URL is given (--autoexec, autoexec-url=, or
// autoexec=/xdpxe.autoexec= on the kernel command line), starts io::Server,
// the control socket and the metrics listener, and runs until SIGTERM or
// SIGINT. SIGHUP (or `reload` on the control socket, as `config edit` and
// the menu send) re-reads the settings and files without dropping
// transfers.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/autoexec.h"
#include "userspace/app/boot_events.h"
#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/config_map.h"
#include "userspace/app/control.h"
#include "userspace/app/event_log.h"
#include "userspace/app/metrics.h"
#include "userspace/app/status_report.h"
#include "userspace/common/log.h"
#include "userspace/io/server.h"

namespace xdpxe::app::cli {
namespace {

io::ServerOptions ToServerOptions(const Context& ctx,
                                  engine::EngineConfig engine) {
  io::ServerOptions o;
  o.interface = ctx.settings.interface;
  o.backend = ctx.settings.backend == BackendKind::kXdp ? io::Backend::kXdp
                                                        : io::Backend::kSocket;
  o.fallback_to_socket = ctx.settings.socket_fallback;
  o.xdp_mode = ctx.settings.xdp_mode == XdpModeKind::kNative
                   ? io::XdpMode::kNative
                   : io::XdpMode::kGeneric;
  o.engine = std::move(engine);
  o.tftp_root = ctx.tftp_root;
  return o;
}

// The script name iPXE asks TFTP for ("" when ipxe-script is a URL).
std::string ScriptTftpName(const Settings& s) {
  return dhcp::IsUrl(s.ipxe_script) ? "" : s.ipxe_script;
}

class Serve {
 public:
  explicit Serve(CommonOptions opts) : opts_(std::move(opts)) {}
  int Run();

 private:
  absl::Status Reload();
  absl::StatusOr<std::string> Control(std::string_view req);
  void StartAutoexec(const std::string& url, const std::string& why);
  ServeInfo Info();

  CommonOptions opts_;
  Context ctx_;
  std::unique_ptr<EventLog> log_;
  PhaseHistograms phases_;
  std::unique_ptr<BootEventSink> events_;
  std::unique_ptr<io::Server> server_;
  ControlServer control_;
  MetricsServer metrics_;
  std::thread fetcher_;
  std::mutex mu_;  // ctx_, info fields below, reload
  absl::Time started_ = absl::Now();
  uint64_t reloads_ = 0;
  std::string last_reload_error_;
  std::string metrics_where_;
};

ServeInfo Serve::Info() {
  std::lock_guard<std::mutex> lock(mu_);
  ServeInfo i;
  i.started = started_;
  i.version = XDPXE_VERSION;
  i.config_path = ctx_.config_path;
  i.state_dir = ctx_.state.path();
  i.tftp_root = ctx_.tftp_root;
  i.log_path = ctx_.LogPath();
  i.metrics = metrics_where_;
  i.control_socket = ctx_.ControlSocketPath();
  if (absl::StatusOr<ScriptInfo> s = ctx_.Scripts().Served(); s.ok()) {
    i.script = *s;
  }
  i.reloads = reloads_;
  i.last_reload_error = last_reload_error_;
  return i;
}

absl::Status Serve::Reload() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Context> ctx = LoadContext(opts_);
  absl::Status st = ctx.status();
  if (st.ok() && ctx->tftp_root != ctx_.tftp_root) {
    st = absl::FailedPreconditionError(absl::StrCat(
        "tftp-root changed (", ctx_.tftp_root, " -> ", ctx->tftp_root,
        "): that needs a restart (systemctl restart xdpxe)"));
  }
  if (st.ok()) {
    absl::StatusOr<engine::EngineConfig> cfg = ToEngineConfig(
        ctx->settings,
        ctx->settings.listen_address.value_or(server_->Status().server_ip));
    st = cfg.ok() ? server_->Reload(*std::move(cfg)) : cfg.status();
  }
  if (!st.ok()) {
    last_reload_error_ = std::string(st.message());
    XDPXE_LOG(kError, "reload: %s; the old settings stay in force",
              st.message());
    return st;
  }
  // What the data path and listeners were built with stays until restart.
  const Settings &was = ctx_.settings, &now = ctx->settings;
  for (auto [key, changed] :
       {std::pair{"interface", was.interface != now.interface},
        {"backend", was.backend != now.backend},
        {"xdp-mode", was.xdp_mode != now.xdp_mode},
        {"metrics-listen", was.metrics_listen != now.metrics_listen},
        {"control-socket", was.control_socket != now.control_socket},
        {"log-file", was.log_file != now.log_file}}) {
    if (changed) {
      XDPXE_LOG(kWarning, "reload: %s changed: takes effect at the next start",
                key);
    }
  }
  ctx_ = *std::move(ctx);
  events_->set_script_name(ScriptTftpName(ctx_.settings));
  if (absl::Status p = ctx_.Scripts().Publish();
      !p.ok() && !absl::IsNotFound(p)) {
    XDPXE_LOG(kWarning, "reload: publish autoexec.ipxe: %s", p.message());
  }
  ++reloads_;
  last_reload_error_.clear();
  XDPXE_LOG(
      kInfo, "reloaded %s",
      ctx_.config_path.empty() ? "(built-in defaults)" : ctx_.config_path);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Serve::Control(std::string_view req) {
  if (req == "reload") {
    absl::Status st = Reload();
    if (!st.ok()) return st;
    return std::string("reloaded\n");
  }
  if (req == "status" || req == "status-json" || req == "summary") {
    io::ServerStatus s = server_->Status();
    ServeInfo i = Info();
    if (req == "status") return StatusText(s, i, absl::Now());
    if (req == "summary") return StatusSummary(s, i, absl::Now());
    return StatusJson(s, i, absl::Now());
  }
  if (req == "metrics") {
    return RenderMetrics(server_->Status(), phases_, absl::Now() - started_);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown request \"", std::string(req),
                   "\" (status, status-json, summary, reload, metrics)"));
}

void Serve::StartAutoexec(const std::string& url, const std::string& why) {
  XDPXE_LOG(kInfo, "autoexec: fetching %s (%s) in the background", url, why);
  FetchOptions fo;
  fo.timeout = absl::Seconds(ctx_.settings.autoexec_timeout_s);
  fo.max_bytes = ctx_.settings.autoexec_max_bytes;
  ScriptStore store = ctx_.Scripts();
  fetcher_ = std::thread([this, url, fo, store]() mutable {
    absl::StatusOr<ScriptInfo> live =
        FetchAtStartup(url, fo, RetryPolicy{}, store);
    // The file store re-checks files on reload: serve the new script to
    // the next client, not a cached old one.
    if (live.ok()) Reload().IgnoreError();
  });
}

int Serve::Run() {
  auto fail = [](const absl::Status& st) {
    std::fprintf(stderr, "xdpxe serve: %s\n",
                 std::string(st.message()).c_str());
    return 1;
  };
  absl::StatusOr<Context> ctx = LoadContext(opts_);
  if (!ctx.ok()) return fail(ctx.status());
  ctx_ = *std::move(ctx);
  const Settings& s = ctx_.settings;
  if (s.interface.empty()) {
    return fail(absl::InvalidArgumentError(
        "no interface: give --interface IF or interface= in the settings (ip "
        "-br link lists them)"));
  }
  if (absl::Status st = ctx_.state.Create(); !st.ok()) return fail(st);
  if (struct stat st;
      stat(ctx_.tftp_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(absl::NotFoundError(absl::StrCat(
        "tftp-root ", ctx_.tftp_root,
        ": no such directory (mkdir -p it and copy the iPXE binaries in; see "
        "DEPLOY.md)")));
  }
  XDPXE_LOG(kInfo, "settings: %s; state dir %s",
            ctx_.config_path.empty() ? "built-in defaults (no config file)"
                                     : ctx_.config_path,
            ctx_.state.path());
  XDPXE_LOG(kInfo, "tftp-root %s (%s)", ctx_.tftp_root, ctx_.tftp_root_reason);

  EventLogOptions lo;
  lo.path = ctx_.LogPath();
  lo.max_bytes = s.log_max_bytes;
  lo.keep = s.log_keep;
  // Workers hand lines over; a writer thread does the I/O (event_log.h).
  lo.flush_interval = absl::Milliseconds(20);
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(lo);
  if (!log.ok()) return fail(log.status());
  log_ = *std::move(log);
  events_ =
      std::make_unique<BootEventSink>(log_.get(), &phases_, ScriptTftpName(s));

  absl::StatusOr<engine::EngineConfig> cfg =
      ToEngineConfig(s, s.listen_address.value_or(net::Ipv4Addr::Any()));
  if (!cfg.ok()) return fail(cfg.status());
  absl::StatusOr<std::unique_ptr<io::Server>> server =
      io::Server::Create(ToServerOptions(ctx_, *std::move(cfg)), events_.get());
  if (!server.ok()) return fail(server.status());
  server_ = *std::move(server);
  // The persisted script goes live before Run() serves anyone, and only
  // once Create() holds the interface lock: a refused second serve must not
  // publish its script over the running one's. A URL then replaces it when
  // (and if) the fetch succeeds, without holding up DHCP.
  ScriptStore store = ctx_.Scripts();
  if (absl::StatusOr<ScriptInfo> cur = store.Current(); cur.ok()) {
    if (absl::Status p = store.Publish(); !p.ok()) return fail(p);
    XDPXE_LOG(kInfo, "autoexec: live script %s sha256=%s (%d bytes, %s)",
              cur->path, cur->sha256, cur->size,
              cur->source.empty() ? "persisted" : cur->source);
  } else if (!ScriptTftpName(s).empty()) {
    std::string there = absl::StrCat(ctx_.tftp_root, "/", ScriptTftpName(s));
    if (FileExists(there)) {
      XDPXE_LOG(kInfo,
                "autoexec: serving %s as it is (xdpxe autoexec fetch|edit "
                "manages it, with a backup)",
                there);
    } else {
      XDPXE_LOG(kWarning,
                "autoexec: no %s yet: iPXE clients will find no script "
                "(xdpxe autoexec fetch URL, or edit)",
                there);
    }
  }

  io::ServerStatus st0 = server_->Status();
  XDPXE_LOG(kInfo, "serving on %s %s (%s backend, %d queue%s)%s", st0.interface,
            st0.server_ip.ToString(), io::BackendName(st0.backend), st0.queues,
            st0.queues == 1 ? "" : "s",
            s.listen_address ? "" : "; address from the interface");

  if (absl::Status c =
          control_.Start(ctx_.ControlSocketPath(),
                         [this](std::string_view r) { return Control(r); });
      !c.ok()) {
    return fail(c);
  }
  if (!s.metrics_listen.empty()) {
    ListenAddress la;
    ParseListenAddress(s.metrics_listen, &la);
    if (absl::Status m = metrics_.Start(la,
                                        [this] {
                                          return RenderMetrics(
                                              server_->Status(), phases_,
                                              absl::Now() - started_);
                                        });
        !m.ok()) {
      return fail(m);
    }
    metrics_where_ = absl::StrCat(la.addr.ToString(), ":", metrics_.port());
    XDPXE_LOG(kInfo, "metrics on http://%s/metrics", metrics_where_);
  }

  std::string url = opts_.autoexec, why = "--autoexec";
  if (url.empty()) {
    if (std::optional<std::string> c = AutoexecFromCmdlineFile(opts_.cmdline)) {
      url = *c;
      why = absl::StrCat("kernel command line ", opts_.cmdline);
    }
  }
  if (url.empty() && !s.autoexec_url.empty()) {
    url = s.autoexec_url;
    why = "autoexec-url=";
  }
  if (!url.empty()) StartAutoexec(url, why);

  // Signals: a thread takes them synchronously (blocked everywhere else).
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
  std::thread signals([this, set] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGHUP) {
        XDPXE_LOG(kInfo, "SIGHUP: reloading");
        Reload().IgnoreError();
        continue;
      }
      if (sig != SIGUSR1) {
        XDPXE_LOG(kInfo, "%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      }
      server_->RequestStop();
      return;
    }
  });
  absl::Status run = server_->Run();
  pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  control_.Stop();
  metrics_.Stop();
  if (fetcher_.joinable()) fetcher_.join();
  if (!run.ok()) return fail(run);
  XDPXE_LOG(kInfo, "stopped");
  return 0;
}

}  // namespace

int ServeMain(int argc, char** argv) {
  CommonOptions opts;
  bool verbose = false;
  Flags flags(argv[0],
              "[--interface IF] [--config FILE] [--tftp-root DIR] "
              "[--state-dir DIR] [--backend xdp|socket] [--autoexec URL]",
              "Runs the ProxyDHCP (ports 67, 4011) + TFTP server on IF, "
              "beside the\n"
              "network's DHCP server. With no settings at all it takes the "
              "address of IF,\n"
              "tftp-root /srv/tftp (else the state dir) and says what it "
              "chose.\n"
              "SIGHUP re-reads settings and files (running transfers carry "
              "on);\n"
              "SIGTERM/SIGINT stop. Boot events go to stderr and "
              "STATE/boot.log.");
  opts.AddTo(flags, CommonOptions::kServe);
  flags.Bool("verbose", 'v', &verbose, "debug logging");
  flags.Epilog(
      "autoexec.ipxe: --autoexec URL, else autoexec=URL or "
      "xdpxe.autoexec=URL on the\n"
      "kernel command line, else autoexec-url=, is fetched at start-up "
      "(retrying while\n"
      "the network comes up); the persisted copy serves meanwhile and on "
      "failure.");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  if (verbose) SetLogLevel(LogLevel::kDebug);
  // Before any thread exists, so every thread inherits the mask and only
  // the signal thread sees these.
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, sig);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Serve serve(opts);
  return serve.Run();
}

}  // namespace xdpxe::app::cli
