// Raw modes (raw_modes.h).
#include "bench/bootstorm/raw_modes.h"

namespace xdpxe::bootstorm {

absl::StatusOr<Baseline> MeasureBaseline(const RawContext&) {
  return absl::UnimplementedError("baseline");
}
absl::StatusOr<DhcpRaw> RunDhcpRaw(const RawContext&, RunningServer&,
                                   const RawOptions&) {
  return absl::UnimplementedError("raw dhcp");
}
absl::StatusOr<TftpRaw> RunTftpRaw(const RawContext&, RunningServer&,
                                   const RawOptions&) {
  return absl::UnimplementedError("raw tftp");
}

}  // namespace xdpxe::bootstorm
