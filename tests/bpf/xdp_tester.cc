// XdpTester and the userspace steering model (see xdp_tester.h).
#include "tests/bpf/xdp_tester.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "absl/strings/str_cat.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/packet_builder.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/classify.h"
#include "userspace/io/xdp_loader.h"
#include "userspace/net/frame.h"
#include "xdpxe_xdp.skel.h"

namespace xdpxe::testing {

struct xdpxe_config CaptureConfig() {
  struct xdpxe_config c = {};
  c.server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1).ToNetworkOrder();
  c.tftp_port_lo = 32768;
  c.tftp_port_hi = 60999;
  return c;
}

absl::StatusOr<std::unique_ptr<XdpTester>> XdpTester::Load() {
  io::RouteLibbpfLogs();
  std::unique_ptr<XdpTester> t(new XdpTester);
  t->skel_ = xdpxe_xdp__open_and_load();
  if (!t->skel_) return ErrnoToStatus(errno, "load bpf/xdpxe_xdp.bpf.c");
  t->ncpus_ = libbpf_num_possible_cpus();
  if (t->ncpus_ <= 0) return ErrnoToStatus(-t->ncpus_, "possible cpus");
  return t;
}

XdpTester::~XdpTester() {
  if (skel_) xdpxe_xdp__destroy(skel_);
}

int XdpTester::prog_fd() const {
  return bpf_program__fd(skel_->progs.xdpxe_xdp);
}

uint32_t XdpTester::verified_insns() const {
  struct bpf_prog_info info = {};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(prog_fd(), &info, &len) != 0) return 0;
  return info.verified_insns;
}

absl::Status XdpTester::SetConfig(const struct xdpxe_config& cfg) {
  const uint32_t key = 0;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.xdpxe_config), &key, &cfg,
                          BPF_ANY) != 0)
    return ErrnoToStatus(errno, "write config map");
  return absl::OkStatus();
}

absl::StatusOr<std::array<struct xdpxe_counter, XDPXE_STAT_MAX>>
XdpTester::Counters() {
  std::array<struct xdpxe_counter, XDPXE_STAT_MAX> sum{};
  std::vector<struct xdpxe_counter> per_cpu(ncpus_);
  for (uint32_t k = 0; k < XDPXE_STAT_MAX; ++k) {
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.xdpxe_stats), &k,
                            per_cpu.data()) != 0)
      return ErrnoToStatus(errno, "read stats map");
    for (const auto& c : per_cpu) {
      sum[k].packets += c.packets;
      sum[k].bytes += c.bytes;
    }
  }
  return sum;
}

absl::StatusOr<XdpTester::Result> XdpTester::Run(
    std::span<const uint8_t> frame) {
  auto before = Counters();
  if (!before.ok()) return before.status();
  // test_run may write the frame back; give it a copy with room to spare.
  std::vector<uint8_t> in(frame.begin(), frame.end()), out(frame.size() + 256);
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(),
              .data_out = out.data(),
              .data_size_in = static_cast<uint32_t>(in.size()),
              .data_size_out = static_cast<uint32_t>(out.size()), .repeat = 1);
  if (int err = bpf_prog_test_run_opts(prog_fd(), &opts))
    return ErrnoToStatus(-err, absl::StrCat("test_run ", frame.size(), " B"));
  auto after = Counters();
  if (!after.ok()) return after.status();
  Result r;
  r.action = static_cast<int>(opts.retval);
  for (int i = 0; i < XDPXE_STAT_MAX; ++i) {
    uint64_t d = (*after)[i].packets - (*before)[i].packets;
    if (i == XDPXE_STAT_STEER_NO_SOCKET) {
      r.no_socket = d != 0;
    } else if (d != 0) {
      r.stat = i;
      r.bytes = (*after)[i].bytes - (*before)[i].bytes;
      r.moved += static_cast<int>(d);
    }
  }
  return r;
}

absl::StatusOr<uint32_t> XdpTester::NsPerPacket(std::span<const uint8_t> frame,
                                                int repeat) {
  std::vector<uint8_t> in(frame.begin(), frame.end());
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(),
              .data_size_in = static_cast<uint32_t>(in.size()),
              .repeat = repeat);
  if (int err = bpf_prog_test_run_opts(prog_fd(), &opts))
    return ErrnoToStatus(-err, "test_run (repeat)");
  return opts.duration;
}

size_t XdpTester::MaxFrameLen() {
  // test_run takes bigger frames too, but puts the excess into frags that a
  // non-frags program cannot see (and real drivers never hand it). Probe
  // the linear part: a TFTP RRQ to us steers only when the whole datagram
  // is inside data..data_end.
  struct xdpxe_config cfg = CaptureConfig();
  if (!SetConfig(cfg).ok()) return 0;
  size_t lo = 64, hi = 16384;  // lo steers, hi does not
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    std::string rrq(mid - 42, 'x');
    auto f = PacketBuilder()
                 .Ipv4(net::Ipv4Addr::FromOctets(198, 18, 0, 152),
                       net::Ipv4Addr::FromNetworkOrder(cfg.server_ip))
                 .Udp(1811, XDPXE_PORT_TFTP)
                 .Payload(rrq)
                 .Build();
    auto r = Run(f);
    (r.ok() && r->stat == XDPXE_STAT_STEER_TFTP ? lo : hi) = mid;
  }
  return lo;
}

int ModelVerdict(std::span<const uint8_t> frame,
                 const struct xdpxe_config& cfg) {
  net::ParseError why;
  auto f = net::ParseUdpFrame(frame, &why);
  int stat;
  if (!f) {
    switch (why) {
      case net::ParseError::kNotIpv4:
      case net::ParseError::kTooManyVlanTags:
        return XDPXE_STAT_PASS_NOT_IPV4;
      case net::ParseError::kFragment:
        return XDPXE_STAT_PASS_FRAGMENT;
      case net::ParseError::kNotUdp:
        return XDPXE_STAT_PASS_NOT_UDP;
      default:
        return XDPXE_STAT_PASS_MALFORMED;
    }
  }
  const net::Ipv4Addr server = net::Ipv4Addr::FromNetworkOrder(cfg.server_ip);
  if (f->dst_port == XDPXE_PORT_DHCP_SERVER) {
    if (cfg.flags & XDPXE_F_PASS_DHCP) return XDPXE_STAT_PASS_DHCP_CONFIG;
    switch (dhcp::ClassifyBootRequest(f->payload)) {
      case dhcp::SteerClass::kPxe:
        stat = XDPXE_STAT_STEER_DHCP_PXE;
        break;
      case dhcp::SteerClass::kIpxe:
        stat = XDPXE_STAT_STEER_DHCP_IPXE;
        break;
      case dhcp::SteerClass::kOrdinary:
        return XDPXE_STAT_PASS_DHCP_ORDINARY;
      case dhcp::SteerClass::kNotBootRequest:
        return XDPXE_STAT_PASS_DHCP_NOT_REQUEST;
      case dhcp::SteerClass::kOverload:
        return XDPXE_STAT_PASS_DHCP_OVERLOAD;
      default:
        return XDPXE_STAT_PASS_DHCP_MALFORMED;
    }
  } else if (server.IsAny() || f->dst_ip != server) {
    return XDPXE_STAT_PASS_NOT_OURS;
  } else if (f->dst_port == XDPXE_PORT_PXE_PROXY) {
    stat = XDPXE_STAT_STEER_PROXY;
  } else if (f->dst_port == XDPXE_PORT_TFTP) {
    stat = XDPXE_STAT_STEER_TFTP;
  } else if (f->dst_port >= cfg.tftp_port_lo &&
             f->dst_port <= cfg.tftp_port_hi) {
    stat = XDPXE_STAT_STEER_TFTP_XFER;
  } else {
    return XDPXE_STAT_PASS_NOT_OURS;
  }
  return (cfg.flags & XDPXE_F_PASS_ALL) ? XDPXE_STAT_PASS_DISABLED : stat;
}

std::vector<uint8_t> BootRequest(std::span<const uint8_t> options) {
  std::vector<uint8_t> p(240, 0);
  p[0] = 1;  // BOOTREQUEST
  p[1] = 1;  // Ethernet
  p[2] = 6;
  p[4] = 0x5e;  // xid
  p[5] = 0xed;
  for (int i = 0; i < 6; ++i) p[28 + i] = uint8_t(0x52 + i);  // chaddr
  p[236] = 0x63;
  p[237] = 0x82;
  p[238] = 0x53;
  p[239] = 0x63;
  p.insert(p.end(), options.begin(), options.end());
  return p;
}

std::vector<uint8_t> Opt(uint8_t code, std::string_view data) {
  std::vector<uint8_t> o(2 + data.size());
  o[0] = code;
  o[1] = static_cast<uint8_t>(data.size());
  for (size_t i = 0; i < data.size(); ++i) o[2 + i] = uint8_t(data[i]);
  return o;
}

std::vector<uint8_t> CaptureFrame(const std::string& pcap, int index) {
  auto frames = ReadPcap(FixturePath(pcap));
  if (!frames.ok() || index < 1 || size_t(index) > frames->size()) return {};
  return (*frames)[index - 1].data;
}

std::string StatName(int stat) {
  return stat < 0 ? "none" : io::XdpStatName(stat);
}

}  // namespace xdpxe::testing
