#include "tests/testing/packet_builder.h"

#include "userspace/net/checksum.h"

namespace xdpxe::testing {

namespace {
void Put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(x >> 8);
  v.push_back(x & 0xff);
}
void Set16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
  v[at] = x >> 8;
  v[at + 1] = x & 0xff;
}
}  // namespace

std::vector<uint8_t> PacketBuilder::Build() const {
  std::vector<uint8_t> f;
  f.insert(f.end(), dst_mac_.bytes.begin(), dst_mac_.bytes.end());
  f.insert(f.end(), src_mac_.bytes.begin(), src_mac_.bytes.end());
  for (const Tag& t : vlans_) {
    Put16(f, t.tpid);
    Put16(f, t.vid);
  }
  Put16(f, ether_type_);
  const size_t ip_off = f.size();
  const size_t ihl = 20 + ip_options_.size();
  const size_t udp_len = 8 + payload_.size();
  f.push_back(uint8_t(0x40 | (ihl / 4)));
  f.push_back(0);
  Put16(f, uint16_t(ihl + udp_len));
  Put16(f, 0x1234);
  Put16(f, frag_);
  f.push_back(64);
  f.push_back(proto_);
  Put16(f, 0);
  uint8_t b[4];
  src_ip_.ToBytes(b);
  f.insert(f.end(), b, b + 4);
  dst_ip_.ToBytes(b);
  f.insert(f.end(), b, b + 4);
  f.insert(f.end(), ip_options_.begin(), ip_options_.end());
  Set16(f, ip_off + 10, net::Ipv4HeaderChecksum({f.data() + ip_off, ihl}));
  const size_t udp_off = f.size();
  Put16(f, sport_);
  Put16(f, dport_);
  Put16(f, uint16_t(int(udp_len) + udp_len_delta_));
  Put16(f, 0);
  f.insert(f.end(), payload_.begin(), payload_.end());
  if (proto_ == 17 && udp_len_delta_ == 0) {
    Set16(f, udp_off + 6,
          net::UdpChecksum(src_ip_, dst_ip_, {f.data() + udp_off, udp_len}));
  }
  return f;
}

}  // namespace xdpxe::testing
