// ProxyResponder: request classification, boot selection and the in-place
// reply (see responder.h for the behaviour and addressing).
#include "userspace/dhcp/responder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace xdpxe::dhcp {

// kUefiFileInOfferNote -- does the port-67 offer to UEFI PXE firmware name
// the boot file? Decision: no, unless uefi_file_in_offer is set.
//  - What boots: dnsmasq (captures 1 and 4: OVMF x64 and AAVMF arm64) and
//    pixiecore send siaddr without file or option 43. EDK2 files that offer
//    as "ProxyBinl" and always asks the proxy again on 4011, where the ACK
//    names the file. EDK2 ignores a file in a ProxyBinl offer anyway, so
//    adding it gains nothing on the firmware we can test.
//  - Risk of adding it: DESIGN.md notes UEFI firmware that ignores a proxy
//    offer which tries to skip the 4011 step; a wrong guess there means a
//    machine that does not boot, while a 4011 round trip costs ~1 ms.
//  - Firmware that never reaches 4011 (some vendors' PXE takes the file
//    straight from the proxy offer, as iPXE does) is served by turning on
//    uefi-file-in-offer; the 4011 ACK still names the file, so both kinds
//    of firmware boot with it on. Tested both ways in responder_test.cc.
// BIOS PXE firmware gets the file plus option 43 discovery control 8 on 67
// (the PXE 2.1 way to say "boot this, no discovery"); iPXE always gets
// siaddr and file, never option 43 (it needs no PXE menu control).

namespace {

// PXE option 43 for BIOS firmware: discovery control = use the offered
// file; menu prompt with timeout 0 and text "PXE" (what dnsmasq sends and
// Intel-derived ROMs are known to accept); end.
constexpr uint8_t kBiosVendorOptions[] = {pxe::kDiscoveryControl,
                                          1,
                                          pxe::kUseOfferedFile,
                                          pxe::kMenuPrompt,
                                          4,
                                          0,
                                          'P',
                                          'X',
                                          'E',
                                          opt::kEnd};

// A GUID is 17 bytes; echo nothing absurdly large back.
constexpr size_t kMaxGuidEcho = 64;

// "PXEClient:Arch:00007:..." / "HTTPClient:Arch:00016:...": the arch field
// PXE 2.1 puts in the vendor class, for clients that omit option 93.
std::optional<uint16_t> ArchFromVendorClass(const OptionValue& v,
                                            size_t prefix_len) {
  char buf[32] = {};
  const size_t n =
      v.CopyTo(std::span(reinterpret_cast<uint8_t*>(buf), sizeof(buf) - 1));
  const size_t at = prefix_len + 6;  // ":Arch:"
  if (n < at + 5 || std::memcmp(buf + prefix_len, ":Arch:", 6) != 0) {
    return std::nullopt;
  }
  uint32_t a = 0;
  for (size_t i = at; i < at + 5; ++i) {
    if (buf[i] < '0' || buf[i] > '9') return std::nullopt;
    a = a * 10 + uint32_t(buf[i] - '0');
  }
  if (a > 0xffff) return std::nullopt;
  return uint16_t(a);
}

size_t EchoedSize(const OptionValue& v) {
  return v.size() + 2 * std::max<size_t>(v.pieces(), 1);
}

}  // namespace

struct ProxyResponder::State {
  explicit State(std::shared_ptr<const ResponderConfig> c)
      : cfg(std::move(c)),
        selector(cfg->boot),
        siaddr(cfg->tftp_server.IsAny() ? cfg->server_ip : cfg->tftp_server),
        sname(cfg->server_name.empty() ? siaddr.ToString() : cfg->server_name) {
  }

  std::shared_ptr<const ResponderConfig> cfg;
  BootSelector selector;
  net::Ipv4Addr siaddr;
  std::string sname;
};

absl::Status ResponderConfig::Validate() const {
  if (server_ip.IsAny() || server_ip.IsBroadcast()) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen-address: ", server_ip.ToString(),
                     " is not a unicast address; give this host's address "
                     "on the boot network"));
  }
  if (tftp_server.IsBroadcast()) {
    return absl::InvalidArgumentError(
        "tftp-server: 255.255.255.255 is not a server address");
  }
  if (server_name.size() >= kSnameLen) {
    return absl::InvalidArgumentError(
        absl::StrCat("server-name: \"", server_name, "\" is longer than ",
                     kSnameLen - 1, " bytes"));
  }
  return boot.Validate();
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kReplied:
      return "replied";
    case Verdict::kWrongPort:
      return "wrong-port";
    case Verdict::kMalformed:
      return "malformed";
    case Verdict::kNotRequest:
      return "not-request";
    case Verdict::kNotEthernet:
      return "not-ethernet";
    case Verdict::kNotPxe:
      return "not-pxe";
    case Verdict::kIgnoredType:
      return "ignored-type";
    case Verdict::kOtherServer:
      return "other-server";
    case Verdict::kUnknownArch:
      return "unknown-arch";
    case Verdict::kNoBootFile:
      return "no-boot-file";
    case Verdict::kIgnoredHost:
      return "ignored-host";
    case Verdict::kTxFull:
      return "tx-full";
  }
  return "?";
}

std::string_view PhaseName(Phase p) {
  return p == Phase::kOffer67 ? "offer67" : "ack4011";
}

ProxyResponder::ProxyResponder(std::shared_ptr<const ResponderConfig> cfg) {
  set_config(std::move(cfg));
}

ProxyResponder::~ProxyResponder() = default;

void ProxyResponder::set_config(std::shared_ptr<const ResponderConfig> cfg) {
  // No config: answer nobody (server_ip 0 fails Validate; kept harmless).
  if (!cfg) cfg = std::make_shared<const ResponderConfig>();
  state_ = std::make_shared<const State>(std::move(cfg));
}

const ResponderConfig& ProxyResponder::config() const { return *state_->cfg; }

Verdict ProxyResponder::Handle(const net::Datagram& d, net::TxSink& sink,
                               ReplyInfo* info) {
  ReplyInfo local;
  ReplyInfo& ri = info ? *info : local;
  ri = ReplyInfo();
  auto verdict = [&ri](Verdict v) {
    ri.verdict = v;
    return v;
  };
  const State& st = *state_;
  const ResponderConfig& cfg = *st.cfg;

  const uint16_t port = d.dst.port;
  if (port != kServerPort && port != kPxeBootServerPort) {
    return verdict(Verdict::kWrongPort);
  }
  ri.phase = port == kServerPort ? Phase::kOffer67 : Phase::kAck4011;
  Message m;
  ri.parse_error = ParseMessage(d.payload, &m);
  if (ri.parse_error != ParseError::kOk) return verdict(Verdict::kMalformed);
  const BootpHeader& h = m.header();
  ri.request_type = m.type();
  ri.xid = h.xid;
  ri.client_mac = m.mac();
  if (h.op != kBootRequest) return verdict(Verdict::kNotRequest);
  if (h.htype != kHtypeEthernet || h.hlen != 6) {
    return verdict(Verdict::kNotEthernet);
  }

  const OptionValue vendor = m.Get(opt::kVendorClass);
  const bool pxe_client = vendor.StartsWith("PXEClient");
  const bool http_client = vendor.StartsWith("HTTPClient");
  ri.ipxe = m.Get(opt::kUserClass).Contains("iPXE") || m.Has(opt::kIpxeEncap);
  if (!pxe_client && !http_client && !ri.ipxe) {
    return verdict(Verdict::kNotPxe);
  }
  const MessageType t = m.type();
  if (port == kServerPort
          ? t != MessageType::kDiscover
          : t != MessageType::kRequest && t != MessageType::kInform) {
    return verdict(Verdict::kIgnoredType);
  }
  if (port == kPxeBootServerPort) {
    ri.client_ip = h.ciaddr;
    if (const OptionValue sid = m.Get(opt::kServerId)) {
      if (sid.Ip() != cfg.server_ip) return verdict(Verdict::kOtherServer);
    }
  }

  // Option 93 may list several architectures (RFC 4578 2.1): the first is
  // the one running.
  BootRequest req;
  if (const OptionValue a = m.Get(opt::kClientArch); a.size() >= 2) {
    uint8_t b[2];
    a.CopyTo(b);
    req.arch = uint16_t(b[0] << 8 | b[1]);
    req.has_arch = true;
  } else if (auto va = ArchFromVendorClass(vendor, pxe_client ? 9 : 10)) {
    req.arch = *va;
    req.has_arch = true;
  }
  req.ipxe = ri.ipxe;
  req.http_client = http_client;
  req.mac = ri.client_mac;
  const OptionValue guid_opt = m.Get(opt::kClientGuid);
  req.guid = ClientGuid::FromOption97(guid_opt);
  ri.arch = req.arch;
  ri.has_arch = req.has_arch;

  const BootDecision bd = st.selector.Select(req);
  ri.stage = bd.stage;
  ri.boot_file = bd.file;
  if (bd.host) ri.host_name = bd.host->name;
  switch (bd.outcome) {
    case BootOutcome::kBoot:
      break;
    case BootOutcome::kUnknownArch:
      return verdict(Verdict::kUnknownArch);
    case BootOutcome::kNoFile:
      return verdict(Verdict::kNoBootFile);
    case BootOutcome::kIgnoredHost:
      return verdict(Verdict::kIgnoredHost);
  }

  // What goes in (kUefiFileInOfferNote above).
  const bool firmware = bd.stage == BootStage::kFirmware;
  const bool bios = firmware && req.arch == arch::kBios;
  const bool on67 = port == kServerPort;
  ri.file_in_reply = !firmware || !on67 || bios || cfg.uefi_file_in_offer;
  ri.option43 = bios && on67;
  const bool echo_guid = guid_opt && guid_opt.size() <= kMaxGuidEcho;

  // Addressing (responder.h).
  const bool to_sender = !on67 && !d.src.addr.IsAny();
  const bool relayed = !to_sender && !h.giaddr.IsAny();
  const bool broadcast =
      !to_sender && !relayed && (h.ciaddr.IsAny() || m.broadcast());
  if (to_sender) {
    ri.to = d.src;
    ri.to_mac = d.src_mac.IsZero() ? ri.client_mac : d.src_mac;
  } else if (relayed) {
    ri.to = {h.giaddr, kServerPort};
    ri.to_mac = d.src_mac;
  } else if (broadcast) {
    ri.to = {net::Ipv4Addr::Broadcast(), kClientPort};
    ri.to_mac = net::MacAddr::Broadcast();
  } else {
    ri.to = {h.ciaddr, kClientPort};
    ri.to_mac = ri.client_mac;
  }

  const std::string_view vendor_reply =
      bd.stage == BootStage::kHttp ? "HTTPClient" : "PXEClient";
  const size_t need = std::max(
      kMinBootpLen, kFixedLen + 3 /*53*/ + 6 /*54*/ + 2 + vendor_reply.size() +
                        (echo_guid ? EchoedSize(guid_opt) : 0) +
                        (ri.option43 ? 2 + sizeof(kBiosVendorOptions) : 0) +
                        1 /*end*/);
  const std::span<uint8_t> room = sink.Reserve(need);
  if (room.size() < need) return verdict(Verdict::kTxFull);

  MessageBuilder b(room.first(need));
  b.set_op(kBootReply)
      .set_htype(h.htype)
      .set_hlen(h.hlen)
      .set_chaddr(h.chaddr)
      .set_xid(h.xid)
      .set_secs(h.secs)
      // dnsmasq sets the broadcast bit in a broadcast proxy reply; the
      // client's own flags otherwise (RFC 2131 table 3).
      .set_flags(broadcast ? uint16_t(h.flags | kFlagBroadcast) : h.flags)
      .set_ciaddr(on67 ? net::Ipv4Addr::Any() : h.ciaddr)
      .set_siaddr(st.siaddr)
      .set_giaddr(h.giaddr);
  if (ri.file_in_reply) {
    b.set_file(bd.file);
    if (!on67) b.set_sname(st.sname);
  }
  b.AddU8(opt::kMessageType,
          uint8_t(on67 ? MessageType::kOffer : MessageType::kAck));
  b.AddIp(opt::kServerId, cfg.server_ip);
  b.Add(opt::kVendorClass, vendor_reply);
  if (echo_guid) b.Add(opt::kClientGuid, guid_opt);
  if (ri.option43) b.Add(opt::kVendorOptions, kBiosVendorOptions);
  const size_t n = b.Finish();
  if (n == 0) return verdict(Verdict::kTxFull);  // cannot happen: sized above
  sink.Commit({cfg.server_ip, port}, ri.to, ri.to_mac, n);
  return verdict(Verdict::kReplied);
}

}  // namespace xdpxe::dhcp
