// The comparison runner: builds the lab once, then for each round and each
// server (alternating order, so machine noise hits every server alike)
// starts a fresh primary DHCP server and the server under test, runs the
// storm and the raw modes, and reads the server's CPU from /proc/PID/stat
// before and after.
#ifndef XDPXE_BENCH_BOOTSTORM_RUNNER_H_
#define XDPXE_BENCH_BOOTSTORM_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/bootstorm/report.h"
#include "bench/bootstorm/servers.h"
#include "bench/bootstorm/storm.h"

namespace xdpxe::bootstorm {

struct RawOptions {
  bool dhcp = false;
  bool tftp = false;
  bool baseline = false;
  // ProxyDHCP: offered rates (DISCOVERs/s), each step bounded in time.
  std::vector<double> dhcp_rates = {1000,  5000,  10000, 20000,
                                    40000, 80000, 160000};
  double dhcp_step_s = 2.0;
  // TFTP: N concurrent downloads of one file at each window.
  int tftp_clients = 200;
  std::vector<int> tftp_windows = {1, 4, 16, 64};
  size_t tftp_file_bytes = 1 << 20;
  double tftp_step_timeout_s = 60;
};

struct RunOptions {
  std::vector<ServerKind> servers;
  int rounds = 1;
  bool storm = true;
  StormConfig storm_cfg;
  RawOptions raw;
  bool primary_ping = false;
  std::string netem;
  ServerSetup setup;  // tftp_root filled by the runner when empty
  bool keep_work = false;
  // Raise the host-wide ARP table limits (gc_thresh1/2/3) for the run and
  // restore them after; without it storms above the limit get a warning.
  bool raise_neigh_limit = false;
};

absl::Status RunAll(const RunOptions& opts, RunReport* report);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_RUNNER_H_
