// Results of a bootstorm run: per-server summaries of the storms (pooled
// over rounds), the raw-mode figures, and the three ways they are shown:
// a text table with the ratios of xdpxe to each peer, JSON, and a
// self-contained HTML page (inline SVG: per-machine timeline, CDF).
#ifndef XDPXE_BENCH_BOOTSTORM_REPORT_H_
#define XDPXE_BENCH_BOOTSTORM_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/bootstorm/storm.h"

namespace xdpxe::bootstorm {

struct StormRound {
  std::string server;
  int round = 0;
  StormResult result;
  double server_cpu_s = 0;
  // Where the lab dropped packets during the storm.
  uint64_t server_rcvbuf_drops = 0;   // UDP RcvbufErrors, server netns
  uint64_t primary_rcvbuf_drops = 0;  // UDP RcvbufErrors, primary netns
  uint64_t backlog_drops = 0;         // softnet_stat (host-wide)
};

struct ServerSummary {
  std::string server;
  int rounds = 0;
  int clients = 0;  // per round
  int booted = 0;   // over all rounds
  int failed = 0;
  double all_booted_s = -1;  // median over rounds; -1 if a round had failures
  double worst_all_booted_s = -1;
  double boot_p50 = 0, boot_p95 = 0, boot_p99 = 0;  // per machine, seconds
  double phase_p50[kNumPhases] = {}, phase_mean[kNumPhases] = {};
  uint64_t retransmits = 0, dup_data = 0, tftp_bytes = 0;
  uint64_t rx_bytes = 0, tx_bytes = 0;
  double server_cpu_s = 0;
  double cpu_ms_per_boot = 0;
  double gen_cpu_s = 0, gen_peak_busy = 0;
  int gen_saturated_s = 0;
  uint64_t rx_kernel_drops = 0;
  uint64_t server_rcvbuf_drops = 0, primary_rcvbuf_drops = 0;
  uint64_t backlog_drops = 0;
  uint64_t loss_dropped = 0;
  std::map<std::string, int> failures;  // reason -> count
};

// Raw mode: ProxyDHCP replies/s and latency at one offered rate.
struct DhcpRatePoint {
  double offered_per_s = 0;
  double replies_per_s = 0;
  double valid_fraction = 0;  // replies / requests sent
  double p50_us = 0, p99_us = 0;
  double server_cpu_s = 0;
  double replies_per_cpu_s = 0;
  double gen_busy = 0;   // generator CPU share of one core during the step
  double host_busy = 0;  // share of all the host's CPUs in use (0..1)
};
struct DhcpRaw {
  std::string server;
  std::vector<DhcpRatePoint> points;
  double max_replies_per_s = 0;
  double p50_us_at_1k = 0, p99_us_at_1k = 0;
  double replies_per_cpu_s = 0;  // at saturation
};
// Raw mode: TFTP goodput for N concurrent downloads with window W.
struct TftpPoint {
  int window = 1;
  int negotiated_window = 1;
  int clients = 0;
  int ok = 0;
  double seconds = 0;
  double goodput_mb_s = 0;  // file bytes / second, 10^6
  double per_client_s_p50 = 0;
  double server_cpu_s = 0;
  double cpu_s_per_mb = 0;
  uint64_t retransmits = 0;
  double gen_peak_busy = 0;
  uint64_t gen_rx_drops = 0;
  double host_busy = 0;
};
struct TftpRaw {
  std::string server;
  std::vector<TftpPoint> points;
};
struct Baseline {
  double ping_p50_us = 0, ping_p99_us = 0;
  double udp_ceiling_mb_s = 0;  // received at the generator
  double udp_sent_mb_s = 0;     // sent by the kernel in the server netns
};

struct RunReport {
  std::string command;
  std::string started_utc;
  std::string host;
  int cpus = 0;
  std::vector<StormRound> rounds;
  std::vector<ServerSummary> summaries;
  std::vector<DhcpRaw> dhcp_raw;
  std::vector<TftpRaw> tftp_raw;
  Baseline baseline;
  bool have_baseline = false;
  std::vector<std::string> notes;
};

double Percentile(std::vector<double> v, double p);
std::vector<ServerSummary> Summarize(const std::vector<StormRound>& rounds);

std::string TextReport(const RunReport& r);
std::string JsonReport(const RunReport& r);
std::string HtmlReport(const RunReport& r);
absl::Status WriteFile(const std::string& path, const std::string& text);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_REPORT_H_
