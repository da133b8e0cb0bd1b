// A simulated machine's DHCP side: firmware and iPXE DISCOVER/REQUEST, the
// offer merge, the 4011 exchange, timers (machine.h). TFTP is in
// machine_tftp.cc.
#include "bench/bootstorm/machine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace xdpxe::bootstorm {

using dhcp::MessageType;

std::string_view ArchName(Arch a) {
  switch (a) {
    case Arch::kBios:
      return "bios";
    case Arch::kX64:
      return "x64";
    case Arch::kArm64:
      return "arm64";
  }
  return "?";
}

std::string_view PhaseName(Phase p) {
  switch (p) {
    case Phase::kFwDhcp:
      return "dhcp";
    case Phase::kBinl:
      return "4011";
    case Phase::kNbp:
      return "nbp";
    case Phase::kIpxeDhcp:
      return "ipxe-dhcp";
    case Phase::kScript:
      return "script";
  }
  return "?";
}

std::string_view Machine::StateName(State s) {
  static constexpr std::string_view kNames[] = {"idle", "discover", "request",
                                                "4011", "probe",    "rrq",
                                                "data", "done",     "failed"};
  return kNames[static_cast<int>(s)];
}

Machine::Machine(uint32_t id, Arch arch, const MachineConfig* cfg)
    : cfg_(cfg), id_(id), arch_(arch), mac_(MacFor(id)) {}

net::MacAddr Machine::MacFor(uint32_t id) {
  return net::MacAddr{{0x02, 0x19, static_cast<uint8_t>(id >> 24),
                       static_cast<uint8_t>(id >> 16),
                       static_cast<uint8_t>(id >> 8),
                       static_cast<uint8_t>(id)}};
}

int64_t Machine::IdFromMac(const net::MacAddr& m) {
  if (m.bytes[0] != 0x02 || m.bytes[1] != 0x19) return -1;
  return (int64_t{m.bytes[2]} << 24) | (int64_t{m.bytes[3]} << 16) |
         (int64_t{m.bytes[4]} << 8) | m.bytes[5];
}

ClientKind Machine::kind() const {
  if (ipxe_) return ClientKind::kIpxe;
  return arch_ == Arch::kBios ? ClientKind::kBiosPxe : ClientKind::kEdk2;
}

void Machine::Trace(const char* what, net::Time now) const {
  if (static_cast<int64_t>(id_) != trace_id_) return;
  std::fprintf(stderr, "[machine %u %.6f] %s %s state=%s\n", id_,
               std::chrono::duration<double>(now - t_start_).count(),
               ipxe_ ? "ipxe" : "fw", what,
               std::string(StateName(state_)).c_str());
}

void Machine::Arm(net::Time now, double seconds) {
  deadline_ = now + std::chrono::duration_cast<net::Duration>(
                        std::chrono::duration<double>(seconds));
  ++timer_gen_;
}

void Machine::Fail(net::Time now, std::string why) {
  if (finished()) return;
  state_ = State::kFailed;
  failure_ = std::move(why);
  t_end_ = now;
  deadline_ = net::Time::max();
  ++timer_gen_;
}

void Machine::EnterPhase(Phase p, net::Time now) {
  int target = static_cast<int>(p);
  for (int q = phase_ + 1; q <= target; ++q) t_phase_[q] = now;
  phase_ = std::max(phase_, target);
}

void Machine::Start(net::Time now, FrameTx& tx) {
  t_start_ = now;
  if (cfg_->raw) {
    raw_ = true;
    ip_ = net::Ipv4Addr{cfg_->raw_ip_base.value + id_};
    boot_server_ = cfg_->raw_server;
    server_mac_ = cfg_->raw_server_mac;
    boot_file_ = cfg_->raw_file;
    StartTftp(now, tx, /*probe=*/false);
    return;
  }
  StartFirmwareDhcp(now, tx);
}

void Machine::StartFirmwareDhcp(net::Time now, FrameTx& tx) {
  EnterPhase(Phase::kFwDhcp, now);
  xid_ = (id_ * 2654435761u) ^ 0x5eed0001u;
  have_ip_offer_ = have_proxy_offer_ = false;
  tries_ = 0;
  rto_ = cfg_->fw_dhcp_rto_s;
  state_ = State::kDiscover;
  SendDhcp(MessageType::kDiscover, tx);
  Arm(now, rto_);
}

void Machine::StartIpxeDhcp(net::Time now, FrameTx& tx) {
  ipxe_ = true;
  EnterPhase(Phase::kIpxeDhcp, now);
  xid_ = (id_ * 2654435761u) ^ 0x1f8e0002u;
  have_ip_offer_ = have_proxy_offer_ = false;
  boot_file_.clear();
  tries_ = 0;
  rto_ = cfg_->ipxe_dhcp_rto_s;
  state_ = State::kDiscover;
  SendDhcp(MessageType::kDiscover, tx);
  Arm(now, rto_);
}

net::UdpFrameSpec Machine::Spec(const net::MacAddr& dst_mac,
                                const net::Endpoint& src,
                                const net::Endpoint& dst) {
  net::UdpFrameSpec spec;
  spec.src_mac = mac_;
  spec.dst_mac = dst_mac;
  spec.src = src;
  spec.dst = dst;
  spec.ip_id = ip_id_++;
  return spec;
}

ClientMessage Machine::Message(MessageType type) const {
  ClientMessage m;
  m.kind = kind();
  m.type = type;
  m.xid = xid_;
  m.mac = mac_;
  m.arch = arch_ == Arch::kBios  ? dhcp::arch::kBios
           : arch_ == Arch::kX64 ? dhcp::arch::kEfiX64
                                 : dhcp::arch::kEfiArm64;
  return m;
}

void Machine::SendDhcp(MessageType type, FrameTx& tx) {
  std::span<uint8_t> room = tx.Begin(
      Spec(net::MacAddr::Broadcast(), {net::Ipv4Addr::Any(), dhcp::kClientPort},
           {net::Ipv4Addr::Broadcast(), dhcp::kServerPort}));
  if (room.empty()) return;
  ClientMessage m = Message(type);
  // EDK2 and BIOS ROMs ask for broadcast replies; iPXE does not.
  m.broadcast_flag = !ipxe_;
  if (type == MessageType::kRequest) {
    m.requested_ip = offered_ip_;
    m.server_id = primary_id_;
  }
  tx.End(BuildClientMessage(room, m));
}

void Machine::SendBinl(FrameTx& tx) {
  std::span<uint8_t> room =
      tx.Begin(Spec(server_mac_, {ip_, dhcp::kPxeBootServerPort},
                    {proxy_id_, dhcp::kPxeBootServerPort}));
  if (room.empty()) return;
  ClientMessage m = Message(MessageType::kRequest);
  m.to_4011 = true;
  m.broadcast_flag = false;
  m.ciaddr = ip_;
  m.boot_item = boot_item_;
  tx.End(BuildClientMessage(room, m));
}

void Machine::OnDhcp(const ReplyView& r, const net::MacAddr& from_mac,
                     net::Time now, FrameTx& tx) {
  if (r.xid != xid_ || r.chaddr != mac_) return;
  if (trace_id_ >= 0) {
    Trace(absl::StrCat("dhcp reply type ", static_cast<int>(r.type), " yiaddr ",
                       r.yiaddr.ToString(), " id ", r.server_id.ToString(),
                       " file '", std::string(r.file), "'")
              .c_str(),
          now);
  }
  switch (state_) {
    case State::kDiscover: {
      if (r.type != MessageType::kOffer) return;
      if (!r.yiaddr.IsAny()) {
        if (!have_ip_offer_) {
          have_ip_offer_ = true;
          offered_ip_ = r.yiaddr;
          primary_id_ = r.server_id.IsAny() ? r.siaddr : r.server_id;
        }
      } else if (r.pxe_client && !have_proxy_offer_) {
        have_proxy_offer_ = true;
        proxy_id_ = r.server_id.IsAny() ? r.siaddr : r.server_id;
        boot_server_ = r.siaddr.IsAny() ? proxy_id_ : r.siaddr;
        server_mac_ = from_mac;
        boot_file_ = std::string(r.file);
        boot_item_ = r.has_boot_menu ? r.first_menu_item : 0;
        // A BIOS ROM only takes the offered file when discovery control
        // says so, or when there is no menu to choose from.
        if (arch_ == Arch::kBios && !ipxe_ && r.has_boot_menu &&
            !(r.discovery_control.value_or(0) & dhcp::pxe::kUseOfferedFile)) {
          boot_file_.clear();
        }
      }
      if (have_ip_offer_ && have_proxy_offer_) {
        state_ = State::kRequest;
        tries_ = 0;
        rto_ = ipxe_ ? cfg_->ipxe_dhcp_rto_s : cfg_->fw_dhcp_rto_s;
        SendDhcp(MessageType::kRequest, tx);
        Arm(now, rto_);
      }
      return;
    }
    case State::kRequest:
      if (r.type == MessageType::kNak && r.server_id == primary_id_) {
        // e.g. dnsmasq "address in use": start over, as EDK2 and iPXE do.
        ++retransmits_;
        if (ipxe_) {
          StartIpxeDhcp(now, tx);
        } else {
          StartFirmwareDhcp(now, tx);
        }
        return;
      }
      if (r.type != MessageType::kAck || r.yiaddr != offered_ip_) return;
      ip_ = r.yiaddr;
      AfterAck(now, tx);
      return;
    case State::kBinl:
      if (r.type != MessageType::kAck) return;
      if (!from_mac.IsZero()) server_mac_ = from_mac;
      boot_file_ = std::string(r.file);
      if (!r.siaddr.IsAny()) boot_server_ = r.siaddr;
      if (boot_file_.empty()) {
        Fail(now, "4011 ACK without a boot file");
        return;
      }
      StartTftp(now, tx, /*probe=*/!ipxe_ && cfg_->fw_tsize_probe);
      return;
    default:
      return;
  }
}

void Machine::AfterAck(net::Time now, FrameTx& tx) {
  if (boot_file_.empty()) {
    // The proxy wants the boot-server exchange on port 4011.
    if (!ipxe_) EnterPhase(Phase::kBinl, now);
    xid_ ^= 0x40110000u;
    state_ = State::kBinl;
    tries_ = 0;
    rto_ = ipxe_ ? cfg_->ipxe_dhcp_rto_s : cfg_->fw_dhcp_rto_s;
    SendBinl(tx);
    Arm(now, rto_);
    return;
  }
  StartTftp(now, tx, /*probe=*/!ipxe_ && cfg_->fw_tsize_probe);
}

void Machine::DhcpTimeout(net::Time now, FrameTx& tx) {
  const int max_tries = ipxe_ ? cfg_->ipxe_dhcp_tries : cfg_->fw_dhcp_tries;
  if (++tries_ >= max_tries) {
    std::string what = state_ == State::kBinl                  ? "no 4011 ACK"
                       : state_ == State::kRequest             ? "no ACK"
                       : !have_ip_offer_ && !have_proxy_offer_ ? "no offer"
                       : !have_proxy_offer_ ? "no proxy offer"
                                            : "no primary offer";
    Fail(now, absl::StrCat(ipxe_ ? "ipxe: " : "firmware: ", what));
    return;
  }
  ++retransmits_;
  rto_ *= 2;
  if (state_ == State::kBinl) {
    SendBinl(tx);
  } else {
    SendDhcp(state_ == State::kRequest ? MessageType::kRequest
                                       : MessageType::kDiscover,
             tx);
  }
  Arm(now, rto_);
}

void Machine::OnTimer(net::Time now, FrameTx& tx) {
  if (now < deadline_ || finished()) return;
  Trace("timeout", now);
  deadline_ = net::Time::max();
  switch (state_) {
    case State::kDiscover:
    case State::kRequest:
    case State::kBinl:
      DhcpTimeout(now, tx);
      return;
    case State::kProbe:
    case State::kRrq:
    case State::kData:
      TftpTimeout(now, tx);
      return;
    default:
      return;
  }
}

}  // namespace xdpxe::bootstorm
