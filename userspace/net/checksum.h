// The Internet checksum (RFC 1071) for IPv4 headers and UDP datagrams. The
// AF_XDP path has no checksum offload, so every reply is summed in full here.
//
//   uint16_t c = UdpChecksum(src_ip, dst_ip, udp_header_and_payload);
#ifndef XDPXE_USERSPACE_NET_CHECKSUM_H_
#define XDPXE_USERSPACE_NET_CHECKSUM_H_

#include <cstdint>
#include <span>

#include "userspace/net/addr.h"

namespace xdpxe::net {

// Adds `data` (as big-endian 16-bit words, odd tail padded with zero) to the
// running one's-complement sum `sum`. Chain calls, then FoldChecksum.
uint64_t ChecksumAdd(std::span<const uint8_t> data, uint64_t sum = 0);

// Folds a running sum to 16 bits and complements it: the value to store
// (in host order; write it big-endian).
uint16_t FoldChecksum(uint64_t sum);

// Checksum over an IPv4 header whose checksum field is zero (or verifies
// one that is filled in: the result is then 0).
uint16_t Ipv4HeaderChecksum(std::span<const uint8_t> header);

// UDP checksum with the IPv4 pseudo header over `udp` (header + payload, the
// header's checksum field zero). Returns 0xffff for a computed 0, as RFC 768
// requires (0 on the wire means "no checksum").
uint16_t UdpChecksum(Ipv4Addr src, Ipv4Addr dst, std::span<const uint8_t> udp);

}  // namespace xdpxe::net

#endif  // XDPXE_USERSPACE_NET_CHECKSUM_H_
