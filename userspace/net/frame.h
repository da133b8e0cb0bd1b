// Ethernet / 802.1Q (and QinQ) / IPv4 / UDP frames: parse a received frame
// down to its UDP payload, and write the headers in front of a payload that
// was built in place. Bounds-checked at every step; never reads past `frame`.
//
//   net::ParseError why;
//   if (auto f = net::ParseUdpFrame(bytes, &why)) Use(f->payload);
//
//   // Build: payload already sits at buf[UdpHeadersLen(spec)...]
//   size_t len = net::WriteUdpHeaders(buf, spec, payload_len);
//
// This is the userspace twin of the XDP program's parser (bpf/parsing.h):
// the two must agree on what is a well-formed IPv4/UDP frame.
#ifndef XDPXE_USERSPACE_NET_FRAME_H_
#define XDPXE_USERSPACE_NET_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "userspace/net/addr.h"
#include "userspace/net/datagram.h"

namespace xdpxe::net {

inline constexpr size_t kEthHeaderLen = 14;
inline constexpr size_t kVlanTagLen = 4;
inline constexpr size_t kIpv4MinHeaderLen = 20;
inline constexpr size_t kUdpHeaderLen = 8;
inline constexpr int kMaxVlanTags = 2;  // 802.1Q and QinQ (802.1ad)
// Room in front of a payload that WriteUdpHeaders may need (QinQ worst case).
inline constexpr size_t kMaxUdpHeadroom = kEthHeaderLen +
                                          kMaxVlanTags * kVlanTagLen +
                                          kIpv4MinHeaderLen + kUdpHeaderLen;

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;
inline constexpr uint8_t kIpProtoUdp = 17;

enum class ParseError : uint8_t {
  kOk = 0,
  kTruncatedEthernet,
  kTooManyVlanTags,
  kNotIpv4,
  kTruncatedIpv4,
  kBadIpv4Header,  // version != 4, IHL < 5, total length inconsistent
  kFragment,
  kNotUdp,
  kTruncatedUdp,
  kBadUdpLength,
};
std::string_view ParseErrorName(ParseError e);

struct UdpFrame {
  MacAddr dst_mac;
  MacAddr src_mac;
  uint16_t vlan_id = 0;  // innermost tag's VID, 0 when untagged
  int vlan_tags = 0;
  Ipv4Addr src_ip;
  Ipv4Addr dst_ip;
  uint8_t ttl = 0;
  size_t ip_offset = 0;  // byte offset of the IPv4 header in the frame
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint16_t udp_checksum = 0;  // as on the wire (0: none)
  std::span<const uint8_t> payload;
};

// Parses an Ethernet frame carrying IPv4/UDP. Trailing Ethernet padding
// beyond the IP total length is ignored. Returns nullopt (and the reason in
// *why when given) for anything else.
std::optional<UdpFrame> ParseUdpFrame(std::span<const uint8_t> frame,
                                      ParseError* why = nullptr);

// The datagram a parsed frame carries, as the engine takes it (payload still
// points into the frame).
inline Datagram ToDatagram(const UdpFrame& f) {
  Datagram d;
  d.src = {f.src_ip, f.src_port};
  d.dst = {f.dst_ip, f.dst_port};
  d.src_mac = f.src_mac;
  d.vlan_id = f.vlan_id;
  d.payload = f.payload;
  return d;
}

// True when the UDP checksum of a parsed frame is absent (0) or correct.
bool UdpChecksumOk(const UdpFrame& f);

struct UdpFrameSpec {
  MacAddr src_mac;
  MacAddr dst_mac;
  uint16_t vlan_id = 0;  // 0: untagged; else one 802.1Q tag
  Endpoint src;
  Endpoint dst;
  uint8_t ttl = 64;
  uint16_t ip_id = 0;
};

// Bytes of Ethernet (+ tag) + IPv4 + UDP headers for `spec`.
size_t UdpHeadersLen(const UdpFrameSpec& spec);

// Writes Ethernet, optional 802.1Q, IPv4 (no options, DF clear) and UDP
// headers into frame[0, UdpHeadersLen(spec)), in front of `payload_len`
// bytes already at frame[UdpHeadersLen(spec)...], with both checksums
// computed in full. Returns the frame length, or 0 when `frame` is too small
// or the datagram exceeds the IPv4 limit.
size_t WriteUdpHeaders(std::span<uint8_t> frame, const UdpFrameSpec& spec,
                       size_t payload_len);

}  // namespace xdpxe::net

#endif  // XDPXE_USERSPACE_NET_FRAME_H_
