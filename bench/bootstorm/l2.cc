// ARP replies, ICMP echo and the ring-backed FrameTx (l2.h).
#include "bench/bootstorm/l2.h"

#include <cstring>

#include "bench/bootstorm/lab.h"
#include "userspace/net/checksum.h"

namespace xdpxe::bootstorm {

std::span<uint8_t> PortTx::Begin(const net::UdpFrameSpec& spec) {
  slot_ = port_->TxSlot();
  if (slot_.empty()) return {};
  spec_ = spec;
  size_t hl = net::UdpHeadersLen(spec);
  // Payload room within one 1500-byte MTU.
  size_t room = std::min(slot_.size(), size_t{1514}) - hl;
  return slot_.subspan(hl, room);
}

void PortTx::End(size_t payload_len) {
  if (slot_.empty() || payload_len == 0) return;
  if (loss_ != nullptr && loss_->Drop()) {
    ++loss_->dropped;
    slot_ = {};
    return;  // "lost on the wire": the slot is reused by the next Begin
  }
  size_t n = net::WriteUdpHeaders(slot_, spec_, payload_len);
  if (n > 0) port_->TxCommit(n);
  slot_ = {};
}

std::optional<ArpRequest> ParseArpRequest(std::span<const uint8_t> f) {
  if (f.size() < 42 || f[12] != 0x08 || f[13] != 0x06) return std::nullopt;
  // htype 1, ptype 0x0800, hlen 6, plen 4, op 1 (request).
  static constexpr uint8_t kHdr[8] = {0, 1, 8, 0, 6, 4, 0, 1};
  if (std::memcmp(f.data() + 14, kHdr, 8) != 0) return std::nullopt;
  ArpRequest r;
  r.sender_mac = net::MacAddr::FromBytes(f.subspan<22, 6>());
  r.sender_ip = net::Ipv4Addr::FromBytes(f.subspan<28, 4>());
  r.target_ip = net::Ipv4Addr::FromBytes(f.subspan<38, 4>());
  return r;
}

bool SendArpReply(RawPort& port, const ArpRequest& req,
                  const net::MacAddr& mac) {
  std::span<uint8_t> b = port.TxSlot();
  if (b.empty()) return false;
  std::memcpy(b.data(), req.sender_mac.bytes.data(), 6);
  std::memcpy(b.data() + 6, mac.bytes.data(), 6);
  b[12] = 0x08;
  b[13] = 0x06;
  static constexpr uint8_t kHdr[8] = {0, 1, 8, 0, 6, 4, 0, 2};
  std::memcpy(b.data() + 14, kHdr, 8);
  std::memcpy(b.data() + 22, mac.bytes.data(), 6);
  req.target_ip.ToBytes(b.subspan<28, 4>());
  std::memcpy(b.data() + 32, req.sender_mac.bytes.data(), 6);
  req.sender_ip.ToBytes(b.subspan<38, 4>());
  std::memset(b.data() + 42, 0, 18);  // pad to the 60-byte minimum
  port.TxCommit(60);
  return true;
}

bool SendEchoRequest(RawPort& port, const net::MacAddr& dst_mac,
                     net::Ipv4Addr dst, uint16_t id, uint16_t seq) {
  std::span<uint8_t> b = port.TxSlot();
  if (b.empty()) return false;
  constexpr size_t kData = 56;  // ping's default payload
  std::memcpy(b.data(), dst_mac.bytes.data(), 6);
  std::memcpy(b.data() + 6, kProbeMac.bytes.data(), 6);
  b[12] = 0x08;
  b[13] = 0x00;
  uint8_t* ip = b.data() + 14;
  std::memset(ip, 0, 20);
  ip[0] = 0x45;
  uint16_t total = 20 + 8 + kData;
  ip[2] = total >> 8;
  ip[3] = total & 0xff;
  ip[4] = seq >> 8;
  ip[5] = seq & 0xff;
  ip[8] = 64;
  ip[9] = 1;  // ICMP
  kProbeIp.ToBytes(std::span<uint8_t, 4>(ip + 12, 4));
  dst.ToBytes(std::span<uint8_t, 4>(ip + 16, 4));
  uint16_t hc = net::Ipv4HeaderChecksum(std::span<const uint8_t>(ip, 20));
  ip[10] = hc >> 8;
  ip[11] = hc & 0xff;
  uint8_t* icmp = ip + 20;
  icmp[0] = 8;
  icmp[1] = 0;
  icmp[2] = icmp[3] = 0;
  icmp[4] = id >> 8;
  icmp[5] = id & 0xff;
  icmp[6] = seq >> 8;
  icmp[7] = seq & 0xff;
  for (size_t i = 0; i < kData; ++i) icmp[8 + i] = static_cast<uint8_t>(i);
  uint16_t cc = net::FoldChecksum(
      net::ChecksumAdd(std::span<const uint8_t>(icmp, 8 + kData)));
  icmp[2] = cc >> 8;
  icmp[3] = cc & 0xff;
  port.TxCommit(14 + total);
  return true;
}

std::optional<uint16_t> ParseEchoReply(std::span<const uint8_t> f,
                                       uint16_t id) {
  if (f.size() < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00) {
    return std::nullopt;
  }
  const uint8_t* ip = f.data() + 14;
  if ((ip[0] >> 4) != 4 || ip[9] != 1) return std::nullopt;
  size_t ihl = (ip[0] & 0x0f) * 4u;
  if (f.size() < 14 + ihl + 8) return std::nullopt;
  const uint8_t* icmp = ip + ihl;
  if (icmp[0] != 0 || ((icmp[4] << 8) | icmp[5]) != id) return std::nullopt;
  return static_cast<uint16_t>((icmp[6] << 8) | icmp[7]);
}

}  // namespace xdpxe::bootstorm
