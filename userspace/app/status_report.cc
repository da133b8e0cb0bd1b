// Status rendering (text, JSON, summary); see status_report.h.
#include "userspace/app/status_report.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace xdpxe::app {
namespace {

absl::string_view A(std::string_view v) { return {v.data(), v.size()}; }

std::string Uptime(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  if (s < 86400) return absl::StrFormat("%dh%02dm", s / 3600, (s / 60) % 60);
  return absl::StrFormat("%dd%02dh", s / 86400, (s / 3600) % 24);
}

double Elapsed(net::Time started) {
  return std::chrono::duration<double>(net::Clock::now() - started).count();
}

int Percent(const tftp::TransferInfo& t) {
  return t.file_size ? static_cast<int>(100 * t.bytes_acked / t.file_size) : 0;
}

}  // namespace

std::string JsonString(absl::string_view v) {
  std::string out = "\"";
  for (unsigned char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string StatusSummary(const io::ServerStatus& s, const ServeInfo& info,
                          absl::Time now) {
  return absl::StrCat("running on ", s.interface, " ", s.server_ip.ToString(),
                      " (", A(io::BackendName(s.backend)), ", ", s.queues,
                      s.queues == 1 ? " queue" : " queues", "), up ",
                      Uptime(now - info.started), ", ", s.active_transfers,
                      " active transfers, ",
                      s.engine[engine::Counter::kDhcpReplies],
                      " DHCP replies\n");
}

std::string StatusText(const io::ServerStatus& s, const ServeInfo& info,
                       absl::Time now) {
  std::string out;
  absl::StrAppendFormat(&out, "xdpxe %s, up %s%s\n", info.version,
                        Uptime(now - info.started),
                        s.stale ? " (figures may be a moment old)" : "");
  absl::StrAppendFormat(&out, "  interface   %s  %s  mac %s  mtu %u\n",
                        s.interface, s.server_ip.ToString(), s.mac.ToString(),
                        s.mtu);
  std::string backend(A(io::BackendName(s.backend)));
  if (s.backend == io::Backend::kXdp) {
    absl::StrAppend(
        &backend, " (program id ", s.xdp_prog_id,
        s.xdp_attached_by_us ? ", attached by xdpxe" : ", attached by xdpctl",
        ", ", s.xsk_mode, ")");
  }
  absl::StrAppendFormat(
      &out, "  backend     %s, %u queue%s%s\n", backend, s.queues,
      s.queues == 1 ? "" : "s",
      s.pass_dhcp_to_kernel ? ", port 67 left to the kernel" : "");
  absl::StrAppendFormat(
      &out, "  settings    %s (%d reloads%s)\n",
      info.config_path.empty() ? "built-in defaults" : info.config_path,
      info.reloads,
      info.last_reload_error.empty()
          ? ""
          : absl::StrCat("; last failed: ", info.last_reload_error));
  absl::StrAppendFormat(&out, "  tftp-root   %s\n", info.tftp_root);
  if (info.script) {
    absl::StrAppendFormat(&out, "  script      sha256=%s (%d bytes) %s\n",
                          info.script->sha256, info.script->size,
                          info.script->source == "unmanaged"
                              ? absl::StrCat("unmanaged: ", info.script->path,
                                             " (not in the state dir)")
                              : info.script->source);
  } else {
    out += "  script      none (xdpxe autoexec fetch URL | edit)\n";
  }
  absl::StrAppendFormat(&out, "  boot log    %s\n  metrics     %s\n",
                        info.log_path.empty() ? "stderr" : info.log_path,
                        info.metrics.empty() ? "off" : info.metrics);
  const auto& e = s.engine;
  const auto& t = s.tftp;
  absl::StrAppendFormat(
      &out,
      "\n  dhcp        %d requests, %d replies\n"
      "  tftp        %d requests, %d started, %d done, %d failed, %d not "
      "found, %d bytes, %d retransmits\n"
      "  packets     rx %d (%d dropped), tx %d (%d no room, %d errors)\n",
      e[engine::Counter::kDhcp], e[engine::Counter::kDhcpReplies],
      t[tftp::Counter::kRequests], t[tftp::Counter::kTransfersStarted],
      t[tftp::Counter::kTransfersDone], t[tftp::Counter::kTransfersFailed],
      t[tftp::Counter::kNotFound], t[tftp::Counter::kDataBytes],
      t[tftp::Counter::kRetransmits], s.port.rx_packets, s.port.rx_dropped,
      s.port.tx_packets, s.port.tx_no_room, s.port.tx_errors);
  absl::StrAppendFormat(&out, "\n  active transfers: %d\n", s.active_transfers);
  if (!s.transfers.empty()) {
    absl::StrAppendFormat(&out, "  %-21s %-24s %12s %5s %7s %6s %6s %7s\n",
                          "CLIENT", "FILE", "BYTES", "DONE", "BLKSIZE",
                          "WINDOW", "RETX", "ELAPSED");
  }
  for (const tftp::TransferInfo& x : s.transfers) {
    absl::StrAppendFormat(&out, "  %-21s %-24s %12d %4d%% %7d %6d %6d %6.1fs\n",
                          x.client.ToString(), x.file, x.bytes_acked,
                          Percent(x), x.blksize, x.window, x.retransmits,
                          Elapsed(x.started));
  }
  return out;
}

std::string StatusJson(const io::ServerStatus& s, const ServeInfo& info,
                       absl::Time now) {
  std::string o = "{";
  auto kv = [&o](absl::string_view k, const std::string& v) {
    absl::StrAppend(&o, o.size() > 1 ? "," : "", "\"", k, "\":", v);
  };
  kv("version", JsonString(info.version));
  kv("uptime_seconds",
     absl::StrFormat("%.3f", absl::ToDoubleSeconds(now - info.started)));
  kv("running", s.running ? "true" : "false");
  kv("stale", s.stale ? "true" : "false");
  kv("backend", JsonString(A(io::BackendName(s.backend))));
  kv("interface", JsonString(s.interface));
  kv("server_ip", JsonString(s.server_ip.ToString()));
  kv("mac", JsonString(s.mac.ToString()));
  kv("mtu", absl::StrCat(s.mtu));
  kv("queues", absl::StrCat(s.queues));
  kv("xdp",
     absl::StrCat(
         "{\"prog_id\":", s.xdp_prog_id,
         ",\"attached_by_xdpxe\":", s.xdp_attached_by_us ? "true" : "false",
         ",\"xsk_mode\":", JsonString(s.xsk_mode), ",\"pass_dhcp_to_kernel\":",
         s.pass_dhcp_to_kernel ? "true" : "false", "}"));
  kv("config", JsonString(info.config_path));
  kv("state_dir", JsonString(info.state_dir));
  kv("tftp_root", JsonString(info.tftp_root));
  kv("log_file", JsonString(info.log_path));
  kv("metrics", JsonString(info.metrics));
  kv("reloads", absl::StrCat(info.reloads));
  kv("last_reload_error", JsonString(info.last_reload_error));
  kv("script",
     info.script
         ? absl::StrCat("{\"sha256\":", JsonString(info.script->sha256),
                        ",\"size\":", info.script->size,
                        ",\"source\":", JsonString(info.script->source), "}")
         : "null");
  std::vector<std::string> engine, tftp_c, verdicts;
  for (size_t i = 0; i < engine::kNumCounters; ++i) {
    engine.push_back(
        absl::StrCat(JsonString(A(engine::CounterName(engine::Counter(i)))),
                     ":", s.engine.values[i]));
  }
  for (size_t v = 0; v < engine::kMaxVerdicts; ++v) {
    std::string_view name = dhcp::VerdictName(dhcp::Verdict(v));
    if (name == "?" || name.empty()) continue;
    verdicts.push_back(
        absl::StrCat(JsonString(A(name)), ":", s.engine.dhcp_verdicts[v]));
  }
  for (size_t i = 0; i < tftp::kNumCounters; ++i) {
    tftp_c.push_back(
        absl::StrCat(JsonString(A(tftp::CounterName(tftp::Counter(i)))), ":",
                     s.tftp.values[i]));
  }
  kv("engine", absl::StrCat("{", absl::StrJoin(engine, ","), "}"));
  kv("dhcp_verdicts", absl::StrCat("{", absl::StrJoin(verdicts, ","), "}"));
  kv("tftp", absl::StrCat("{", absl::StrJoin(tftp_c, ","), "}"));
  const io::PortCounters& p = s.port;
  kv("port", absl::StrCat(
                 "{\"rx_packets\":", p.rx_packets, ",\"rx_bytes\":", p.rx_bytes,
                 ",\"rx_dropped\":", p.rx_dropped, ",\"rx_no_buffers\":",
                 p.rx_no_buffers, ",\"rx_fill_deferred\":", p.rx_fill_deferred,
                 ",\"tx_packets\":", p.tx_packets, ",\"tx_bytes\":", p.tx_bytes,
                 ",\"tx_no_room\":", p.tx_no_room,
                 ",\"tx_errors\":", p.tx_errors, ",\"tx_kicks\":", p.tx_kicks,
                 ",\"tx_kick_again\":", p.tx_kick_again, ",\"tx_kick_stalls\":",
                 p.tx_kick_stalls, ",\"tx_dropped\":", p.tx_dropped, "}"));
  kv("active_transfers", absl::StrCat(s.active_transfers));
  std::vector<std::string> xs;
  for (const tftp::TransferInfo& x : s.transfers) {
    xs.push_back(absl::StrCat(
        "{\"client\":", JsonString(x.client.ToString()),
        ",\"file\":", JsonString(x.file), ",\"bytes_acked\":", x.bytes_acked,
        ",\"file_size\":", x.file_size, ",\"percent\":", Percent(x),
        ",\"blksize\":", x.blksize, ",\"window\":", x.window,
        ",\"retransmits\":", x.retransmits, ",\"elapsed_seconds\":",
        absl::StrFormat("%.3f", Elapsed(x.started)), "}"));
  }
  kv("transfers", absl::StrCat("[", absl::StrJoin(xs, ","), "]"));
  return o + "}\n";
}

}  // namespace xdpxe::app
