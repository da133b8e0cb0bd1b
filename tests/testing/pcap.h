// Reads classic libpcap files (the captures in tests/fixtures/) into memory:
// enough for tests, the `xdpxe replay` diagnostic and the bootstorm fixtures.
//
//   auto frames = xdpxe::testing::ReadPcap(path);   // StatusOr
//   for (const auto& f : *frames) Feed(f.data);
#ifndef XDPXE_TESTS_TESTING_PCAP_H_
#define XDPXE_TESTS_TESTING_PCAP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace xdpxe::testing {

struct PcapFrame {
  int index = 0;          // 1-based frame number, as Wireshark shows it
  double time = 0;        // seconds since the first frame
  uint32_t orig_len = 0;  // length on the wire (> data.size() if truncated)
  std::vector<uint8_t> data;
};

// Ethernet (linktype 1) captures only; microsecond or nanosecond stamps.
absl::StatusOr<std::vector<PcapFrame>> ReadPcap(const std::string& path);

// Path of a bundled fixture: XDPXE_SOURCE_DIR/tests/fixtures/<name>.
std::string FixturePath(const std::string& name);

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_PCAP_H_
