#include "userspace/net/frame.h"

#include "userspace/net/checksum.h"

namespace xdpxe::net {

namespace {

uint16_t Load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
void Store16(uint8_t* p, uint16_t v) {
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

std::optional<UdpFrame> Fail(ParseError e, ParseError* why) {
  if (why) *why = e;
  return std::nullopt;
}

}  // namespace

std::string_view ParseErrorName(ParseError e) {
  switch (e) {
    case ParseError::kOk:
      return "ok";
    case ParseError::kTruncatedEthernet:
      return "truncated ethernet";
    case ParseError::kTooManyVlanTags:
      return "too many vlan tags";
    case ParseError::kNotIpv4:
      return "not ipv4";
    case ParseError::kTruncatedIpv4:
      return "truncated ipv4";
    case ParseError::kBadIpv4Header:
      return "bad ipv4 header";
    case ParseError::kFragment:
      return "ip fragment";
    case ParseError::kNotUdp:
      return "not udp";
    case ParseError::kTruncatedUdp:
      return "truncated udp";
    case ParseError::kBadUdpLength:
      return "bad udp length";
  }
  return "?";
}

std::optional<UdpFrame> ParseUdpFrame(std::span<const uint8_t> frame,
                                      ParseError* why) {
  const uint8_t* p = frame.data();
  const size_t n = frame.size();
  if (n < kEthHeaderLen) return Fail(ParseError::kTruncatedEthernet, why);
  UdpFrame f;
  f.dst_mac = MacAddr::FromBytes(frame.subspan<0, 6>());
  f.src_mac = MacAddr::FromBytes(frame.subspan<6, 6>());
  size_t off = 12;
  uint16_t type = Load16(p + off);
  off += 2;
  while (type == kEtherTypeVlan || type == kEtherTypeQinQ) {
    if (f.vlan_tags == kMaxVlanTags)
      return Fail(ParseError::kTooManyVlanTags, why);
    if (n < off + kVlanTagLen) return Fail(ParseError::kTruncatedEthernet, why);
    f.vlan_id = Load16(p + off) & 0x0fff;
    type = Load16(p + off + 2);
    off += kVlanTagLen;
    ++f.vlan_tags;
  }
  if (type != kEtherTypeIpv4) return Fail(ParseError::kNotIpv4, why);

  f.ip_offset = off;
  if (n < off + kIpv4MinHeaderLen) return Fail(ParseError::kTruncatedIpv4, why);
  const uint8_t* ip = p + off;
  if ((ip[0] >> 4) != 4) return Fail(ParseError::kBadIpv4Header, why);
  size_t ihl = size_t(ip[0] & 0x0f) * 4;
  if (ihl < kIpv4MinHeaderLen) return Fail(ParseError::kBadIpv4Header, why);
  if (n < off + ihl) return Fail(ParseError::kTruncatedIpv4, why);
  size_t total = Load16(ip + 2);
  if (total < ihl) return Fail(ParseError::kBadIpv4Header, why);
  if (n < off + total) return Fail(ParseError::kTruncatedIpv4, why);
  uint16_t frag = Load16(ip + 6);
  if ((frag & 0x2000) || (frag & 0x1fff))
    return Fail(ParseError::kFragment, why);
  if (ip[9] != kIpProtoUdp) return Fail(ParseError::kNotUdp, why);
  f.ttl = ip[8];
  f.src_ip = Ipv4Addr::FromBytes(std::span<const uint8_t, 4>(ip + 12, 4));
  f.dst_ip = Ipv4Addr::FromBytes(std::span<const uint8_t, 4>(ip + 16, 4));

  size_t udp_off = off + ihl;
  size_t ip_payload = total - ihl;
  if (ip_payload < kUdpHeaderLen) return Fail(ParseError::kTruncatedUdp, why);
  const uint8_t* udp = p + udp_off;
  size_t udp_len = Load16(udp + 4);
  if (udp_len < kUdpHeaderLen || udp_len > ip_payload)
    return Fail(ParseError::kBadUdpLength, why);
  f.src_port = Load16(udp);
  f.dst_port = Load16(udp + 2);
  f.udp_checksum = Load16(udp + 6);
  f.payload = frame.subspan(udp_off + kUdpHeaderLen, udp_len - kUdpHeaderLen);
  if (why) *why = ParseError::kOk;
  return f;
}

bool UdpChecksumOk(const UdpFrame& f) {
  if (f.udp_checksum == 0) return true;
  // Re-sum header + payload including the stored checksum: a correct
  // datagram folds to 0 (or the 0xffff encoding of a computed zero).
  const uint8_t* udp = f.payload.data() - kUdpHeaderLen;
  std::span<const uint8_t> seg(udp, f.payload.size() + kUdpHeaderLen);
  uint64_t sum = 0;
  sum += f.src_ip.value >> 16;
  sum += f.src_ip.value & 0xffff;
  sum += f.dst_ip.value >> 16;
  sum += f.dst_ip.value & 0xffff;
  sum += kIpProtoUdp;
  sum += seg.size();
  return FoldChecksum(ChecksumAdd(seg, sum)) == 0;
}

size_t UdpHeadersLen(const UdpFrameSpec& spec) {
  return kEthHeaderLen + (spec.vlan_id ? kVlanTagLen : 0) + kIpv4MinHeaderLen +
         kUdpHeaderLen;
}

size_t WriteUdpHeaders(std::span<uint8_t> frame, const UdpFrameSpec& spec,
                       size_t payload_len) {
  const size_t hl = UdpHeadersLen(spec);
  const size_t ip_total = kIpv4MinHeaderLen + kUdpHeaderLen + payload_len;
  if (ip_total > 0xffff || frame.size() < hl + payload_len) return 0;
  uint8_t* p = frame.data();
  for (int i = 0; i < 6; ++i) {
    p[i] = spec.dst_mac.bytes[i];
    p[6 + i] = spec.src_mac.bytes[i];
  }
  size_t off = 12;
  if (spec.vlan_id) {
    Store16(p + off, kEtherTypeVlan);
    Store16(p + off + 2, spec.vlan_id & 0x0fff);
    off += kVlanTagLen;
  }
  Store16(p + off, kEtherTypeIpv4);
  off += 2;

  uint8_t* ip = p + off;
  ip[0] = 0x45;
  ip[1] = 0;
  Store16(ip + 2, static_cast<uint16_t>(ip_total));
  Store16(ip + 4, spec.ip_id);
  Store16(ip + 6, 0);
  ip[8] = spec.ttl;
  ip[9] = kIpProtoUdp;
  Store16(ip + 10, 0);
  spec.src.addr.ToBytes(std::span<uint8_t, 4>(ip + 12, 4));
  spec.dst.addr.ToBytes(std::span<uint8_t, 4>(ip + 16, 4));
  Store16(ip + 10, Ipv4HeaderChecksum({ip, kIpv4MinHeaderLen}));

  uint8_t* udp = ip + kIpv4MinHeaderLen;
  Store16(udp, spec.src.port);
  Store16(udp + 2, spec.dst.port);
  Store16(udp + 4, static_cast<uint16_t>(kUdpHeaderLen + payload_len));
  Store16(udp + 6, 0);
  Store16(udp + 6, UdpChecksum(spec.src.addr, spec.dst.addr,
                               {udp, kUdpHeaderLen + payload_len}));
  return hl + payload_len;
}

}  // namespace xdpxe::net
