// The JSON form of a run (report.h): everything the text shows, plus every
// machine's phase times, for plotting elsewhere.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bootstorm/report.h"

namespace xdpxe::bootstorm {

namespace {

std::string Q(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          o += absl::StrFormat("\\u%04x", c);
        } else {
          o += c;
        }
    }
  }
  return o + "\"";
}

std::string N(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

}  // namespace

std::string JsonReport(const RunReport& r) {
  std::string o = "{\n";
  absl::StrAppend(&o, "  \"command\": ", Q(r.command), ",\n",
                  "  \"started_utc\": ", Q(r.started_utc), ",\n",
                  "  \"host\": ", Q(r.host), ",\n  \"cpus\": ", r.cpus,
                  ",\n  \"summaries\": [");
  for (size_t i = 0; i < r.summaries.size(); ++i) {
    const ServerSummary& s = r.summaries[i];
    absl::StrAppend(&o, i ? "," : "", "\n    {\"server\": ", Q(s.server),
                    ", \"rounds\": ", s.rounds, ", \"clients\": ", s.clients,
                    ", \"booted\": ", s.booted, ", \"failed\": ", s.failed,
                    ", \"all_booted_s\": ",
                    s.all_booted_s >= 0 ? N(s.all_booted_s) : "null",
                    ", \"boot_p50_s\": ", N(s.boot_p50),
                    ", \"boot_p95_s\": ", N(s.boot_p95),
                    ", \"boot_p99_s\": ", N(s.boot_p99),
                    ", \"phase_p50_s\": {");
    for (int p = 0; p < kNumPhases; ++p) {
      absl::StrAppend(&o, p ? ", " : "",
                      Q(std::string(PhaseName(static_cast<Phase>(p)))), ": ",
                      N(s.phase_p50[p]));
    }
    absl::StrAppend(&o, "}, \"phase_mean_s\": {");
    for (int p = 0; p < kNumPhases; ++p) {
      absl::StrAppend(&o, p ? ", " : "",
                      Q(std::string(PhaseName(static_cast<Phase>(p)))), ": ",
                      N(s.phase_mean[p]));
    }
    absl::StrAppend(
        &o, "}, \"client_retransmits\": ", s.retransmits,
        ", \"server_retransmits_seen\": ", s.dup_data,
        ", \"tftp_bytes\": ", s.tftp_bytes, ", \"rx_bytes\": ", s.rx_bytes,
        ", \"tx_bytes\": ", s.tx_bytes,
        ", \"server_cpu_s\": ", N(s.server_cpu_s),
        ", \"server_cpu_ms_per_boot\": ", N(s.cpu_ms_per_boot),
        ", \"generator_cpu_s\": ", N(s.gen_cpu_s),
        ", \"generator_peak_busy\": ", N(s.gen_peak_busy),
        ", \"generator_saturated_s\": ", s.gen_saturated_s,
        ", \"generator_rx_drops\": ", s.rx_kernel_drops,
        ", \"server_rcvbuf_drops\": ", s.server_rcvbuf_drops,
        ", \"primary_rcvbuf_drops\": ", s.primary_rcvbuf_drops,
        ", \"backlog_drops\": ", s.backlog_drops, ", \"failures\": {");
    bool first = true;
    for (const auto& [why, n] : s.failures) {
      absl::StrAppend(&o, first ? "" : ", ", Q(why), ": ", n);
      first = false;
    }
    absl::StrAppend(&o, "}}");
  }
  absl::StrAppend(&o, "\n  ],\n  \"rounds\": [");
  for (size_t i = 0; i < r.rounds.size(); ++i) {
    const StormRound& rd = r.rounds[i];
    const StormResult& x = rd.result;
    absl::StrAppend(&o, i ? "," : "", "\n    {\"server\": ", Q(rd.server),
                    ", \"round\": ", rd.round, ", \"booted\": ", x.booted,
                    ", \"wall_s\": ", N(x.wall_s),
                    ", \"server_cpu_s\": ", N(rd.server_cpu_s),
                    ", \"machines\": [");
    for (size_t j = 0; j < x.machines.size(); ++j) {
      const MachineResult& m = x.machines[j];
      absl::StrAppend(&o, j ? "," : "", "\n      {\"id\": ", m.id,
                      ", \"arch\": ", Q(std::string(ArchName(m.arch))),
                      ", \"ok\": ", m.ok ? "true" : "false",
                      ", \"start_s\": ", N(m.start_s),
                      ", \"end_s\": ", N(m.end_s), ", \"phase_start_s\": [");
      for (int p = 0; p < kNumPhases; ++p) {
        absl::StrAppend(&o, p ? ", " : "", N(m.phase_start_s[p]));
      }
      absl::StrAppend(&o, "], \"retransmits\": ", m.retransmits,
                      ", \"nbp_window\": ", m.nbp_window,
                      m.ok ? "" : ", \"failure\": " + Q(m.failure), "}");
    }
    absl::StrAppend(&o, "]}");
  }
  absl::StrAppend(&o, "\n  ]");
  if (r.have_baseline) {
    absl::StrAppend(
        &o, ",\n  \"baseline\": {\"ping_p50_us\": ", N(r.baseline.ping_p50_us),
        ", \"ping_p99_us\": ", N(r.baseline.ping_p99_us),
        ", \"udp_ceiling_mb_s\": ", N(r.baseline.udp_ceiling_mb_s),
        ", \"udp_sent_mb_s\": ", N(r.baseline.udp_sent_mb_s), "}");
  }
  absl::StrAppend(&o, ",\n  \"proxydhcp_raw\": [");
  for (size_t i = 0; i < r.dhcp_raw.size(); ++i) {
    const DhcpRaw& d = r.dhcp_raw[i];
    absl::StrAppend(&o, i ? "," : "", "\n    {\"server\": ", Q(d.server),
                    ", \"max_replies_per_s\": ", N(d.max_replies_per_s),
                    ", \"replies_per_server_cpu_s\": ", N(d.replies_per_cpu_s),
                    ", \"p50_us_at_1000\": ", N(d.p50_us_at_1k),
                    ", \"p99_us_at_1000\": ", N(d.p99_us_at_1k),
                    ", \"points\": [");
    for (size_t j = 0; j < d.points.size(); ++j) {
      const DhcpRatePoint& p = d.points[j];
      absl::StrAppend(
          &o, j ? ", " : "", "{\"offered_per_s\": ", N(p.offered_per_s),
          ", \"replies_per_s\": ", N(p.replies_per_s),
          ", \"p50_us\": ", N(p.p50_us), ", \"p99_us\": ", N(p.p99_us),
          ", \"server_cpu_s\": ", N(p.server_cpu_s),
          ", \"generator_busy\": ", N(p.gen_busy),
          ", \"host_busy\": ", N(p.host_busy), "}");
    }
    absl::StrAppend(&o, "]}");
  }
  absl::StrAppend(&o, "\n  ],\n  \"tftp_raw\": [");
  for (size_t i = 0; i < r.tftp_raw.size(); ++i) {
    const TftpRaw& t = r.tftp_raw[i];
    absl::StrAppend(&o, i ? "," : "", "\n    {\"server\": ", Q(t.server),
                    ", \"points\": [");
    for (size_t j = 0; j < t.points.size(); ++j) {
      const TftpPoint& p = t.points[j];
      absl::StrAppend(&o, j ? ", " : "", "{\"clients\": ", p.clients,
                      ", \"window\": ", p.window,
                      ", \"negotiated_window\": ", p.negotiated_window,
                      ", \"ok\": ", p.ok, ", \"seconds\": ", N(p.seconds),
                      ", \"goodput_mb_s\": ", N(p.goodput_mb_s),
                      ", \"per_client_p50_s\": ", N(p.per_client_s_p50),
                      ", \"server_cpu_s\": ", N(p.server_cpu_s),
                      ", \"server_cpu_s_per_mb\": ", N(p.cpu_s_per_mb),
                      ", \"retransmits\": ", p.retransmits,
                      ", \"generator_busy\": ", N(p.gen_peak_busy),
                      ", \"host_busy\": ", N(p.host_busy), "}");
    }
    absl::StrAppend(&o, "]}");
  }
  absl::StrAppend(&o, "\n  ],\n  \"notes\": [");
  for (size_t i = 0; i < r.notes.size(); ++i) {
    absl::StrAppend(&o, i ? ", " : "", Q(r.notes[i]));
  }
  absl::StrAppend(&o, "]\n}\n");
  return o;
}

}  // namespace xdpxe::bootstorm
