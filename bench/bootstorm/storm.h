// One boot storm: N simulated machines (machine.h) booting at once through
// one AF_PACKET port, driven by one event loop (epoll on the ring's fd plus
// a deadline heap), with a progress line and the generator's own CPU.
//
//   Storm storm(cfg, port.get());
//   StormResult r = storm.Run();   // bounded by cfg.timeout_s
#ifndef XDPXE_BENCH_BOOTSTORM_STORM_H_
#define XDPXE_BENCH_BOOTSTORM_STORM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bootstorm/machine.h"
#include "bench/bootstorm/raw_port.h"

namespace xdpxe::bootstorm {

struct StormConfig {
  int clients = 20;
  double spread_s = 0;  // starts spread uniformly over S seconds
  int mix_bios = 10, mix_x64 = 80, mix_arm64 = 10;  // percentages
  double timeout_s = 120;  // the whole storm, then unfinished = failed
  uint32_t seed = 1;
  MachineConfig machine;
  double loss = 0;    // generator-side frame loss, 0..1
  std::string label;  // for the progress line
  bool progress = true;
};

struct MachineResult {
  uint32_t id = 0;
  Arch arch = Arch::kX64;
  bool ok = false;
  std::string failure;
  double start_s = 0, end_s = 0;  // since the storm started
  double phase_start_s[kNumPhases] = {};
  uint32_t retransmits = 0;
  uint32_t dup_data = 0;
  uint64_t tftp_bytes = 0;
  uint16_t nbp_window = 0;
};

struct StormResult {
  std::string label;
  int clients = 0;
  int booted = 0;
  int failed = 0;
  double all_booted_s = -1;  // first start to last boot; -1 if any failed
  double wall_s = 0;
  std::vector<MachineResult> machines;
  // The generator itself.
  double gen_cpu_s = 0;
  double gen_peak_busy = 0;      // highest 1-s CPU share of one core
  int gen_saturated_s = 0;       // seconds at >= 95% of a core
  uint64_t rx_kernel_drops = 0;  // RX ring overruns: the generator lagged
  uint64_t tx_ring_full = 0;
  uint64_t rx_frames = 0, tx_frames = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t arp_replies = 0;
  uint64_t loss_dropped = 0;  // frames the loss model dropped
};

class Storm {
 public:
  Storm(const StormConfig& cfg, RawPort* port);
  StormResult Run();

 private:
  void AfterCall(Machine& m);

  StormConfig cfg_;
  RawPort* port_;
  std::vector<Machine> machines_;
  std::vector<uint32_t> pushed_gen_;
  std::vector<uint32_t> ip_of_;  // machine's address as registered for ARP
  struct Due {
    net::Time at;
    uint32_t id;
    uint32_t gen;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  std::vector<Due> heap_;
  uint64_t arp_replies_ = 0;
  std::vector<uint8_t> counted_;
  int booted_ = 0, failed_ = 0;
};

// Arch for machine i of n under the mix (deterministic, interleaved).
Arch ArchFor(int i, int bios, int x64, int arm64);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_STORM_H_
