#include "userspace/net/checksum.h"

#include <cstring>

namespace xdpxe::net {

uint64_t ChecksumAdd(std::span<const uint8_t> data, uint64_t sum) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  // Sum 32-bit big-endian words into a 64-bit accumulator: no carry is lost
  // for any datagram size, and the compiler vectorises the loop.
  while (n >= 4) {
    sum += (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
           (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += (uint32_t{p[0]} << 8) | uint32_t{p[1]};
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += uint32_t{p[0]} << 8;
  return sum;
}

uint16_t FoldChecksum(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

uint16_t Ipv4HeaderChecksum(std::span<const uint8_t> header) {
  return FoldChecksum(ChecksumAdd(header));
}

uint16_t UdpChecksum(Ipv4Addr src, Ipv4Addr dst, std::span<const uint8_t> udp) {
  uint64_t sum = 0;
  sum += src.value >> 16;
  sum += src.value & 0xffff;
  sum += dst.value >> 16;
  sum += dst.value & 0xffff;
  sum += 17;  // IPPROTO_UDP
  sum += udp.size();
  uint16_t c = FoldChecksum(ChecksumAdd(udp, sum));
  return c == 0 ? 0xffff : c;
}

}  // namespace xdpxe::net
