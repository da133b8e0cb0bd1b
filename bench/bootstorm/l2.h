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

// Frame loss the generator applies itself (both directions), for kernels
// without sch_netem: one frame in 1/p dropped, deterministically seeded.
class LossModel {
 public:
  explicit LossModel(double p = 0, uint64_t seed = 1) : p_(p), s_(seed | 1) {}
  bool Drop() {
    if (p_ <= 0) return false;
    s_ ^= s_ << 13;  // xorshift64: cheap, per frame
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return (s_ >> 11) * (1.0 / 9007199254740992.0) < p_;
  }
  uint64_t dropped = 0;

 private:
  double p_;
  uint64_t s_;
};

class PortTx : public FrameTx {
 public:
  explicit PortTx(RawPort* port, LossModel* loss = nullptr)
      : port_(port), loss_(loss) {}
  std::span<uint8_t> Begin(const net::UdpFrameSpec& spec) override;
  void End(size_t payload_len) override;

 private:
  RawPort* port_;
  LossModel* loss_;
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
