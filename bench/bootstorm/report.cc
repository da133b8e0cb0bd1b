// Summaries, the text table with ratios, and JSON (report.h).
#include "bench/bootstorm/report.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace xdpxe::bootstorm {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double rank = p / 100.0 * (v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

std::vector<ServerSummary> Summarize(const std::vector<StormRound>& rounds) {
  std::vector<ServerSummary> out;
  std::vector<std::string> order;
  for (const StormRound& r : rounds) {
    if (std::find(order.begin(), order.end(), r.server) == order.end()) {
      order.push_back(r.server);
    }
  }
  for (const std::string& name : order) {
    ServerSummary s;
    s.server = name;
    std::vector<double> boot, all_booted;
    std::vector<double> phase[kNumPhases];
    bool any_failed_round = false;
    for (const StormRound& r : rounds) {
      if (r.server != name) continue;
      const StormResult& x = r.result;
      ++s.rounds;
      s.clients = x.clients;
      s.booted += x.booted;
      s.failed += x.failed;
      if (x.all_booted_s >= 0) {
        all_booted.push_back(x.all_booted_s);
      } else {
        any_failed_round = true;
      }
      s.rx_bytes += x.rx_bytes;
      s.tx_bytes += x.tx_bytes;
      s.server_cpu_s += r.server_cpu_s;
      s.gen_cpu_s += x.gen_cpu_s;
      s.gen_peak_busy = std::max(s.gen_peak_busy, x.gen_peak_busy);
      s.gen_saturated_s += x.gen_saturated_s;
      s.rx_kernel_drops += x.rx_kernel_drops;
      s.loss_dropped += x.loss_dropped;
      s.server_rcvbuf_drops += r.server_rcvbuf_drops;
      s.primary_rcvbuf_drops += r.primary_rcvbuf_drops;
      s.backlog_drops += r.backlog_drops;
      for (const MachineResult& m : x.machines) {
        s.retransmits += m.retransmits;
        s.dup_data += m.dup_data;
        s.tftp_bytes += m.tftp_bytes;
        if (!m.ok) {
          s.failures[m.failure]++;
          continue;
        }
        boot.push_back(m.end_s - m.start_s);
        for (int p = 0; p < kNumPhases; ++p) {
          double e = p + 1 < kNumPhases ? m.phase_start_s[p + 1] : m.end_s;
          phase[p].push_back(e - m.phase_start_s[p]);
        }
      }
    }
    if (!any_failed_round && !all_booted.empty()) {
      s.all_booted_s = Percentile(all_booted, 50);
      s.worst_all_booted_s =
          *std::max_element(all_booted.begin(), all_booted.end());
    }
    s.boot_p50 = Percentile(boot, 50);
    s.boot_p95 = Percentile(boot, 95);
    s.boot_p99 = Percentile(boot, 99);
    for (int p = 0; p < kNumPhases; ++p) {
      s.phase_p50[p] = Percentile(phase[p], 50);
      double sum = 0;
      for (double d : phase[p]) sum += d;
      s.phase_mean[p] = phase[p].empty() ? 0 : sum / phase[p].size();
    }
    s.cpu_ms_per_boot = s.booted ? 1000.0 * s.server_cpu_s / s.booted : 0;
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

std::string Ms(double s) { return absl::StrFormat("%.0f ms", s * 1000); }

std::string Ratio(double num, double den) {
  if (num <= 0 || den <= 0) return "n/a";
  return absl::StrFormat("%.1fx", num / den);
}

const ServerSummary* Find(const std::vector<ServerSummary>& v,
                          const std::string& name) {
  for (const auto& s : v) {
    if (s.server == name) return &s;
  }
  return nullptr;
}

}  // namespace

std::string TextReport(const RunReport& r) {
  std::string o;
  if (!r.summaries.empty()) {
    absl::StrAppend(&o, "\nboot storm (per machine: firmware DHCP, 4011, NBP,",
                    " iPXE DHCP, script; pooled over rounds)\n");
    absl::StrAppendFormat(
        &o,
        "%-13s %9s %10s %8s %8s %8s | %7s %7s %7s %7s %7s | %6s %6s "
        "%9s %9s %s\n",
        "server", "booted", "all-booted", "p50", "p95", "p99", "dhcp", "4011",
        "nbp", "ipxe-dh", "script", "retx", "dup", "srv CPU", "CPU/boot",
        "generator");
    for (const ServerSummary& s : r.summaries) {
      std::string gen = absl::StrFormat(
          "%.1f s, peak %.0f%%%s%s", s.gen_cpu_s, 100 * s.gen_peak_busy,
          s.gen_saturated_s
              ? absl::StrFormat(", SATURATED %d s", s.gen_saturated_s)
              : "",
          s.rx_kernel_drops
              ? absl::StrFormat(", %u RX drops", s.rx_kernel_drops)
              : "");
      absl::StrAppendFormat(
          &o,
          "%-13s %9s %10s %8s %8s %8s | %7s %7s %7s %7s %7s | %6u %6u "
          "%7.2f s %6.2f ms %s\n",
          s.server, absl::StrFormat("%d/%d", s.booted, s.clients * s.rounds),
          s.all_booted_s >= 0 ? absl::StrFormat("%.2f s", s.all_booted_s)
                              : "not all",
          Ms(s.boot_p50), Ms(s.boot_p95), Ms(s.boot_p99), Ms(s.phase_p50[0]),
          Ms(s.phase_p50[1]), Ms(s.phase_p50[2]), Ms(s.phase_p50[3]),
          Ms(s.phase_p50[4]), s.retransmits, s.dup_data, s.server_cpu_s,
          s.cpu_ms_per_boot, gen);
      if (s.loss_dropped) {
        absl::StrAppendFormat(&o, "    frames dropped by --loss: %u\n",
                              s.loss_dropped);
      }
      if (s.server_rcvbuf_drops + s.primary_rcvbuf_drops + s.backlog_drops) {
        absl::StrAppendFormat(
            &o,
            "    lab drops: server socket buffers %u, primary socket buffers "
            "%u, CPU input backlog %u\n",
            s.server_rcvbuf_drops, s.primary_rcvbuf_drops, s.backlog_drops);
      }
      for (const auto& [why, n] : s.failures) {
        absl::StrAppendFormat(&o, "    %d x %s\n", n, why);
      }
    }
    const ServerSummary* x = Find(r.summaries, "xdpxe");
    if (x == nullptr) x = Find(r.summaries, "xdpxe-socket");
    if (x != nullptr) {
      for (const ServerSummary& p : r.summaries) {
        if (&p == x) continue;
        absl::StrAppendFormat(
            &o,
            "  %s vs %s: all booted %s sooner, p99 boot %s, server CPU per "
            "boot %s less\n",
            x->server, p.server, Ratio(p.all_booted_s, x->all_booted_s),
            Ratio(p.boot_p99, x->boot_p99),
            Ratio(p.cpu_ms_per_boot, x->cpu_ms_per_boot));
      }
    }
  }
  if (r.have_baseline) {
    absl::StrAppendFormat(
        &o,
        "\nveth baseline: ping RTT p50 %.0f us p99 %.0f us; kernel UDP "
        "ceiling (1472-byte datagrams, server netns -> generator) %.0f MB/s "
        "received (%.0f MB/s sent)\n",
        r.baseline.ping_p50_us, r.baseline.ping_p99_us,
        r.baseline.udp_ceiling_mb_s, r.baseline.udp_sent_mb_s);
  }
  for (const DhcpRaw& d : r.dhcp_raw) {
    absl::StrAppendFormat(
        &o,
        "\nProxyDHCP raw, %s: max %.0f replies/s, %.0f replies per server "
        "CPU-second; latency at 1,000/s p50 %.0f us p99 %.0f us\n",
        d.server, d.max_replies_per_s, d.replies_per_cpu_s, d.p50_us_at_1k,
        d.p99_us_at_1k);
    for (const DhcpRatePoint& p : d.points) {
      absl::StrAppendFormat(
          &o,
          "  offered %7.0f/s -> %7.0f replies/s (%5.1f%%), p50 %6.0f us p99 "
          "%7.0f us, server CPU %.2f s, generator %.0f%% of a core, host "
          "%.0f%% busy%s\n",
          p.offered_per_s, p.replies_per_s, 100 * p.valid_fraction, p.p50_us,
          p.p99_us, p.server_cpu_s, 100 * p.gen_busy, 100 * p.host_busy,
          p.gen_busy >= 0.95 ? " (SATURATED)" : "");
    }
  }
  for (const TftpRaw& t : r.tftp_raw) {
    absl::StrAppendFormat(&o, "\nTFTP raw, %s:\n", t.server);
    for (const TftpPoint& p : t.points) {
      absl::StrAppendFormat(
          &o,
          "  %4d clients W=%-2d (got %2d): %4d ok, %7.1f MB/s aggregate, "
          "per-client p50 %.2f s, %.4f server CPU-s/MB, %u retx, generator "
          "%.0f%%%s, host %.0f%% busy%s\n",
          p.clients, p.window, p.negotiated_window, p.ok, p.goodput_mb_s,
          p.per_client_s_p50, p.cpu_s_per_mb, p.retransmits,
          100 * p.gen_peak_busy, p.gen_peak_busy >= 0.95 ? " SATURATED" : "",
          100 * p.host_busy,
          r.have_baseline && r.baseline.udp_ceiling_mb_s > 0
              ? absl::StrFormat(
                    " (%.0f%% of UDP ceiling)",
                    100 * p.goodput_mb_s / r.baseline.udp_ceiling_mb_s)
              : "");
    }
  }
  // Raw-mode ratios: xdpxe (XDP) to each peer, and W=4 against lock-step.
  const DhcpRaw* xd = nullptr;
  for (const DhcpRaw& d : r.dhcp_raw) {
    if (d.server == "xdpxe") xd = &d;
  }
  if (xd != nullptr) {
    for (const DhcpRaw& d : r.dhcp_raw) {
      if (&d == xd) continue;
      absl::StrAppendFormat(
          &o,
          "  ProxyDHCP xdpxe vs %s: %s the replies/s, %s the replies per "
          "server CPU-second, p99 at 1,000/s %.0f vs %.0f us%s\n",
          d.server, Ratio(xd->max_replies_per_s, d.max_replies_per_s),
          Ratio(xd->replies_per_cpu_s, d.replies_per_cpu_s), xd->p99_us_at_1k,
          d.p99_us_at_1k,
          r.have_baseline
              ? absl::StrFormat(" (ping p99 %.0f us)", r.baseline.ping_p99_us)
              : std::string());
    }
  }
  auto point = [](const TftpRaw& t, int w) -> const TftpPoint* {
    for (const TftpPoint& p : t.points) {
      if (p.window == w) return &p;
    }
    return nullptr;
  };
  const TftpRaw* xt = nullptr;
  for (const TftpRaw& t : r.tftp_raw) {
    if (t.server == "xdpxe") xt = &t;
  }
  for (const TftpRaw& t : r.tftp_raw) {
    const TftpPoint* w1 = point(t, 1);
    const TftpPoint* w4 = point(t, 4);
    if (w1 && w4) {
      absl::StrAppendFormat(&o,
                            "  TFTP %s: a W=4 client is %s faster than a "
                            "lock-step one (per-client p50)\n",
                            t.server,
                            Ratio(w1->per_client_s_p50, w4->per_client_s_p50));
    }
    if (xt == nullptr || &t == xt) continue;
    for (int w : {1, 4}) {
      const TftpPoint* a = point(*xt, w);
      const TftpPoint* b = point(t, w);
      if (a == nullptr || b == nullptr) continue;
      absl::StrAppendFormat(
          &o,
          "  TFTP xdpxe vs %s at W=%d: %s the goodput, %s less CPU per MB\n",
          t.server, w, Ratio(a->goodput_mb_s, b->goodput_mb_s),
          Ratio(b->cpu_s_per_mb, a->cpu_s_per_mb));
    }
  }
  for (const std::string& n : r.notes) absl::StrAppend(&o, "note: ", n, "\n");
  return o;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, " (check the directory exists)"));
  }
  return absl::OkStatus();
}

}  // namespace xdpxe::bootstorm
