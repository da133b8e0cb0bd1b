// Helpers shared by the dhcp/ unit tests: a raw BOOTP payload builder that
// can produce malformed messages on purpose, and the real captures' DHCP
// frames.
//
//   auto p = RawBootp().Op(1).Opt(53, {1}).Opt(60, "PXEClient").End().Bytes();
#ifndef XDPXE_TESTS_UNIT_DHCP_TEST_UTIL_H_
#define XDPXE_TESTS_UNIT_DHCP_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "userspace/common/pcap_file.h"
#include "userspace/net/datagram.h"
#include "userspace/net/frame.h"

namespace xdpxe::dhcp::testing {

class RawBootp {
 public:
  RawBootp() : b_(240, 0) {
    b_[0] = 1;  // BOOTREQUEST
    b_[1] = 1;  // Ethernet
    b_[2] = 6;
    b_[4] = 0x12, b_[5] = 0x34, b_[6] = 0x56, b_[7] = 0x78;  // xid
    const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x18, 0x00, 0x07};
    for (int i = 0; i < 6; ++i) b_[28 + i] = mac[i];
    b_[236] = 99, b_[237] = 130, b_[238] = 83, b_[239] = 99;
  }
  RawBootp& Op(uint8_t op) { return Set(0, op); }
  RawBootp& Set(size_t off, uint8_t v) {
    b_[off] = v;
    return *this;
  }
  RawBootp& Opt(uint8_t code, std::initializer_list<uint8_t> data) {
    return Opt(code, std::vector<uint8_t>(data));
  }
  RawBootp& Opt(uint8_t code, std::string_view data) {
    return Opt(code, std::vector<uint8_t>(data.begin(), data.end()));
  }
  RawBootp& Opt(uint8_t code, const std::vector<uint8_t>& data) {
    b_.push_back(code);
    b_.push_back(uint8_t(data.size()));
    b_.insert(b_.end(), data.begin(), data.end());
    return *this;
  }
  // Raw bytes appended to the options area (for malformed encodings).
  RawBootp& Raw(std::initializer_list<uint8_t> bytes) {
    b_.insert(b_.end(), bytes);
    return *this;
  }
  // Raw bytes written into the fixed header (sname at 44, file at 108).
  RawBootp& At(size_t off, std::initializer_list<uint8_t> bytes) {
    for (uint8_t x : bytes) b_[off++] = x;
    return *this;
  }
  RawBootp& End() {
    b_.push_back(255);
    return *this;
  }
  const std::vector<uint8_t>& Bytes() const { return b_; }

 private:
  std::vector<uint8_t> b_;
};

// One DHCP/BOOTP datagram of a capture, with the Datagram view the engine
// would hand the responder (payload points into `frame`).
struct CapturedDhcp {
  int index = 0;
  std::vector<uint8_t> frame;
  net::UdpFrame udp;
  net::Datagram dgram() const {
    net::Datagram d;
    d.src = {udp.src_ip, udp.src_port};
    d.dst = {udp.dst_ip, udp.dst_port};
    d.src_mac = udp.src_mac;
    d.vlan_id = udp.vlan_id;
    d.payload = udp.payload;
    return d;
  }
  bool is_request() const {
    return udp.dst_port == 67 || (udp.dst_port == 4011 && udp.src_port != 67);
  }
};

inline bool IsDhcpPort(uint16_t p) { return p == 67 || p == 68 || p == 4011; }

// Every UDP frame of `fixture` to or from a DHCP port. The vector is
// returned by value but each element owns its frame; `udp.payload` is
// re-pointed after the copy.
inline std::vector<CapturedDhcp> LoadDhcp(const std::string& fixture) {
  std::vector<CapturedDhcp> out;
  auto frames = ReadPcap(xdpxe::testing::FixturePath(fixture));
  EXPECT_TRUE(frames.ok()) << frames.status();
  if (!frames.ok()) return out;
  out.reserve(frames->size());
  for (auto& f : *frames) {
    auto udp = net::ParseUdpFrame(f.data);
    if (!udp || !(IsDhcpPort(udp->src_port) && IsDhcpPort(udp->dst_port))) {
      continue;
    }
    CapturedDhcp c;
    c.index = f.index;
    c.frame = std::move(f.data);
    out.push_back(std::move(c));
    out.back().udp = *net::ParseUdpFrame(out.back().frame);
  }
  return out;
}

inline const char* const kFixtures[] = {
    "ovmf-x64-pxe-boot.pcap", "seabios-ipxe-boot.pcap",
    "ovmf-x64-ipxe-rom-boot.pcap", "aavmf-arm64-pxe-boot-head.pcap"};

}  // namespace xdpxe::dhcp::testing

#endif  // XDPXE_TESTS_UNIT_DHCP_TEST_UTIL_H_
