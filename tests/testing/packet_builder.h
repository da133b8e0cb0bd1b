// A fluent frame builder for tests, after katran's PacketBuilder:
//
//   std::vector<uint8_t> f = PacketBuilder()
//       .Eth(client_mac, net::MacAddr::Broadcast())
//       .Vlan(100)
//       .Ipv4(net::Ipv4Addr::Any(), net::Ipv4Addr::Broadcast())
//       .Udp(68, 67)
//       .Payload(bootp)
//       .Build();
//
// Knobs for malformed frames: IpOptions(), Fragment(), EtherType(),
// IpProto(), UdpLengthDelta(). Checksums are computed in full.
#ifndef XDPXE_TESTS_TESTING_PACKET_BUILDER_H_
#define XDPXE_TESTS_TESTING_PACKET_BUILDER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "userspace/net/addr.h"

namespace xdpxe::testing {

class PacketBuilder {
 public:
  PacketBuilder& Eth(net::MacAddr src, net::MacAddr dst) {
    src_mac_ = src;
    dst_mac_ = dst;
    return *this;
  }
  // Each call adds one tag, outermost first; `tpid` 0x8100 or 0x88a8.
  PacketBuilder& Vlan(uint16_t vid, uint16_t tpid = 0x8100) {
    vlans_.push_back({tpid, vid});
    return *this;
  }
  PacketBuilder& EtherType(uint16_t type) {
    ether_type_ = type;
    return *this;
  }
  PacketBuilder& Ipv4(net::Ipv4Addr src, net::Ipv4Addr dst) {
    src_ip_ = src;
    dst_ip_ = dst;
    return *this;
  }
  PacketBuilder& IpOptions(std::vector<uint8_t> opts) {  // padded to 4
    ip_options_ = std::move(opts);
    while (ip_options_.size() % 4) ip_options_.push_back(0);
    return *this;
  }
  PacketBuilder& Fragment(bool more_fragments, uint16_t offset8) {
    frag_ = uint16_t((more_fragments ? 0x2000 : 0) | (offset8 & 0x1fff));
    return *this;
  }
  PacketBuilder& IpProto(uint8_t proto) {
    proto_ = proto;
    return *this;
  }
  PacketBuilder& Udp(uint16_t sport, uint16_t dport) {
    sport_ = sport;
    dport_ = dport;
    return *this;
  }
  PacketBuilder& UdpLengthDelta(int delta) {
    udp_len_delta_ = delta;
    return *this;
  }
  PacketBuilder& Payload(std::span<const uint8_t> p) {
    payload_.assign(p.begin(), p.end());
    return *this;
  }
  PacketBuilder& Payload(std::string_view p) {
    payload_.assign(p.begin(), p.end());
    return *this;
  }
  std::vector<uint8_t> Build() const;

 private:
  struct Tag {
    uint16_t tpid;
    uint16_t vid;
  };
  net::MacAddr src_mac_{{0x52, 0x54, 0x00, 0x18, 0x00, 0x99}};
  net::MacAddr dst_mac_ = net::MacAddr::Broadcast();
  std::vector<Tag> vlans_;
  uint16_t ether_type_ = 0x0800;
  net::Ipv4Addr src_ip_;
  net::Ipv4Addr dst_ip_ = net::Ipv4Addr::Broadcast();
  std::vector<uint8_t> ip_options_;
  uint16_t frag_ = 0;
  uint8_t proto_ = 17;
  uint16_t sport_ = 68;
  uint16_t dport_ = 67;
  int udp_len_delta_ = 0;
  std::vector<uint8_t> payload_;
};

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_PACKET_BUILDER_H_
