// The raw modes: one protocol at a time, at saturation, against the same
// servers, plus the lab's own limits measured in the same run.
//
//   baseline   ICMP echo RTT from the generator's port to the server
//              (p50/p99, the floor for any request/response latency), and
//              the kernel's UDP ceiling: 1472-byte datagrams sent by a
//              kernel socket in the server namespace, received by the
//              generator (the same path TFTP DATA takes).
//   dhcp       PXE DISCOVERs at stepped offered rates; valid proxy OFFERs
//              per second and their latency; server CPU per reply.
//   tftp       N concurrent downloads of one file at W = 1/4/16/64
//              (RFC 7440; peers without windowsize negotiate W = 1).
#ifndef XDPXE_BENCH_BOOTSTORM_RAW_MODES_H_
#define XDPXE_BENCH_BOOTSTORM_RAW_MODES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "bench/bootstorm/lab.h"
#include "bench/bootstorm/machine.h"
#include "bench/bootstorm/raw_port.h"
#include "bench/bootstorm/report.h"
#include "bench/bootstorm/runner.h"
#include "bench/bootstorm/servers.h"

namespace xdpxe::bootstorm {

inline constexpr const char* kRawTftpFile = "bench-1m.bin";

struct RawContext {
  Lab* lab = nullptr;
  RawPort* port = nullptr;
  const std::vector<BootFile>* files = nullptr;
};

absl::StatusOr<Baseline> MeasureBaseline(const RawContext& ctx);
absl::StatusOr<DhcpRaw> RunDhcpRaw(const RawContext& ctx, RunningServer& srv,
                                   const RawOptions& opts);
absl::StatusOr<TftpRaw> RunTftpRaw(const RawContext& ctx, RunningServer& srv,
                                   const RawOptions& opts);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_RAW_MODES_H_
