// Link-level helpers the generator needs besides UDP: answering ARP for the
// simulated machines' addresses (servers ARP before they unicast), ICMP
// echo for the ping baseline, and the FrameTx that writes UDP frames
// straight into the AF_PACKET TX ring.
#ifndef XDPXE_BENCH_BOOTSTORM_L2_H_
#define XDPXE_BENCH_BOOTSTORM_L2_H_

#include <cstdint>
#include <optional>
#include <span>

#include "bench/bootstorm/machine.h"
#include "bench/bootstorm/raw_port.h"
#include "userspace/net/addr.h"
#include "userspace/net/frame.h"

namespace xdpxe::bootstorm {

inline constexpr net::MacAddr kProbeMac{{0x02, 0x19, 0xff, 0xff, 0xff, 0xfe}};

class PortTx : public FrameTx {
 public:
  explicit PortTx(RawPort* port) : port_(port) {}
  std::span<uint8_t> Begin(const net::UdpFrameSpec& spec) override;
  void End(size_t payload_len) override;

 private:
  RawPort* port_;
  std::span<uint8_t> slot_;
  net::UdpFrameSpec spec_;
};

struct ArpRequest {
  net::MacAddr sender_mac;
  net::Ipv4Addr sender_ip;
  net::Ipv4Addr target_ip;
};
// An Ethernet ARP request (who-has), or nullopt.
std::optional<ArpRequest> ParseArpRequest(std::span<const uint8_t> frame);
// Queues the ARP reply "target_ip is at mac".
bool SendArpReply(RawPort& port, const ArpRequest& req,
                  const net::MacAddr& mac);
// Queues an ICMP echo request from the probe address.
bool SendEchoRequest(RawPort& port, const net::MacAddr& dst_mac,
                     net::Ipv4Addr dst, uint16_t id, uint16_t seq);
// The sequence number of an ICMP echo reply to the probe address, or nullopt.
std::optional<uint16_t> ParseEchoReply(std::span<const uint8_t> frame,
                                       uint16_t id);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_L2_H_
