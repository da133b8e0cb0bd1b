// Where the bundled fixtures live, for tests run from any directory.
//
//   auto frames = xdpxe::ReadPcap(FixturePath("ovmf-x64-pxe-boot.pcap"));
#ifndef XDPXE_TESTS_TESTING_FIXTURES_H_
#define XDPXE_TESTS_TESTING_FIXTURES_H_

#include <string>

namespace xdpxe::testing {

// XDPXE_SOURCE_DIR/tests/fixtures/<name>.
inline std::string FixturePath(const std::string& name) {
  return std::string(XDPXE_SOURCE_DIR) + "/tests/fixtures/" + name;
}

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_FIXTURES_H_
