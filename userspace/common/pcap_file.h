// Reads classic libpcap files into memory: the `xdpxe replay` diagnostic,
// the tests (real captures in tests/fixtures/) and bootstorm fixtures.
//
//   auto frames = xdpxe::ReadPcap(path);   // StatusOr
//   for (const auto& f : *frames) Feed(f.data);
#ifndef XDPXE_USERSPACE_COMMON_PCAP_FILE_H_
#define XDPXE_USERSPACE_COMMON_PCAP_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace xdpxe {

struct PcapFrame {
  int index = 0;          // 1-based frame number, as Wireshark shows it
  double time = 0;        // seconds since the first frame
  uint32_t orig_len = 0;  // length on the wire (> data.size() if truncated)
  std::vector<uint8_t> data;
};

// Ethernet (linktype 1) captures only; microsecond or nanosecond stamps.
absl::StatusOr<std::vector<PcapFrame>> ReadPcap(const std::string& path);

}  // namespace xdpxe

#endif  // XDPXE_USERSPACE_COMMON_PCAP_FILE_H_
