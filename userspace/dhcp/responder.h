// The ProxyDHCP responder (PXE 2.1 "proxyDHCP" + "boot server" on 4011):
// one request datagram in, at most one reply out through a TxSink, no
// state kept between requests and no heap allocation per request.
//
//   auto cfg = std::make_shared<ResponderConfig>();
//   cfg->server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
//   XDPXE_RETURN_IF_ERROR(cfg->Validate());
//   ProxyResponder r(cfg);
//   ReplyInfo info;
//   Verdict v = r.Handle(datagram, sink, &info);   // on port 67 or 4011
//   if (v == Verdict::kReplied) log(info);
//
// What a client gets (DESIGN.md "The boot it serves"; the captures in
// tests/fixtures/ show each case working with real firmware):
//   - DHCPDISCOVER on 67 from PXEClient / HTTPClient / iPXE -> proxy
//     DHCPOFFER: yiaddr 0, siaddr = TFTP server, option 54 = server_ip,
//     60 = "PXEClient" ("HTTPClient" for HTTP boot), 97 echoed, plus
//       * UEFI PXE firmware: no file, no 43, so it asks again on 4011
//         (see kUefiFileInOfferNote in responder.cc for the file decision);
//       * BIOS PXE firmware: file and 43 with discovery control 8;
//       * iPXE: file = the script (siaddr too: iPXE ignores siaddr 0);
//       * HTTP boot: file = the URL.
//   - DHCPREQUEST (or DHCPINFORM) on 4011 -> DHCPACK to the sender's address
//     and port, with file (and sname) per the policy.
//   - Anything else (ordinary clients, DHCPREQUEST on 67, replies, ...) ->
//     no reply, and the Verdict says why.
// Threading: Handle and set_config run on the owning (worker) thread.
#ifndef XDPXE_USERSPACE_DHCP_RESPONDER_H_
#define XDPXE_USERSPACE_DHCP_RESPONDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "userspace/dhcp/boot_policy.h"
#include "userspace/dhcp/message.h"
#include "userspace/net/addr.h"
#include "userspace/net/datagram.h"

namespace xdpxe::dhcp {

struct ResponderConfig {
  // listen-address: option 54 and the source address of every reply.
  net::Ipv4Addr server_ip;
  // tftp-server (next-server): siaddr of every reply. Any(): server_ip.
  net::Ipv4Addr tftp_server;
  // server-name: sname of the 4011 ACK (dnsmasq puts the TFTP server's
  // address there). Empty: tftp_server in dotted quad. At most 63 bytes.
  std::string server_name;
  // uefi-file-in-offer: also name the boot file in the port-67 offer to
  // UEFI PXE firmware, for firmware that never asks on 4011. Off by
  // default (see responder.cc).
  bool uefi_file_in_offer = false;
  BootPolicy boot;

  // OK, or InvalidArgument naming the key (listen-address, server-name, or
  // the boot policy's keys).
  absl::Status Validate() const;
};

enum class Verdict : uint8_t {
  kReplied,
  kWrongPort,    // not addressed to port 67 or 4011
  kMalformed,    // the codec rejected it (ReplyInfo::parse_error says why)
  kNotRequest,   // op is BOOTREPLY
  kNotEthernet,  // htype/hlen not Ethernet: no link address to answer
  kNotPxe,       // ordinary DHCP client: the primary server's business
  kIgnoredType,  // e.g. DHCPREQUEST on 67 (primary's job), RELEASE, BOOTP
  kOtherServer,  // 4011 request whose option 54 names another server
  kUnknownArch,  // option 93 absent or not one we serve
  kNoBootFile,   // a known arch (or HTTP boot) with nothing configured
  kIgnoredHost,  // a host rule says ignore
  kTxFull,       // the sink had no room: dropped, the client retransmits
};
std::string_view VerdictName(Verdict v);  // "replied", "not-pxe", ...

enum class Phase : uint8_t { kOffer67, kAck4011 };
std::string_view PhaseName(Phase p);  // "offer67", "ack4011"

// What happened, for the boot event log. Views point into the config and
// stay valid until the next Handle or set_config.
struct ReplyInfo {
  Verdict verdict = Verdict::kMalformed;
  Phase phase = Phase::kOffer67;
  ParseError parse_error = ParseError::kOk;
  MessageType request_type = MessageType::kNone;
  uint32_t xid = 0;
  net::MacAddr client_mac;
  net::Ipv4Addr client_ip;  // ciaddr (the 4011 request's), else 0
  uint16_t arch = 0;
  bool has_arch = false;
  bool ipxe = false;
  BootStage stage = BootStage::kFirmware;
  std::string_view boot_file;  // the file or URL selected (even if not sent)
  bool file_in_reply = false;  // whether the reply's file field names it
  bool option43 = false;
  std::string_view host_name;  // name of the matching host rule
  net::Endpoint to;            // where the reply went
  net::MacAddr to_mac;
};

class ProxyResponder {
 public:
  // `cfg` must be valid (ResponderConfig::Validate).
  explicit ProxyResponder(std::shared_ptr<const ResponderConfig> cfg);
  ~ProxyResponder();
  ProxyResponder(const ProxyResponder&) = delete;
  ProxyResponder& operator=(const ProxyResponder&) = delete;

  // Reload: requests handled after this use `cfg`. Builds the host index
  // (allocates here, never in Handle).
  void set_config(std::shared_ptr<const ResponderConfig> cfg);
  const ResponderConfig& config() const;

  // `d` arrived on port 67 or 4011 (d.dst.port says which). Writes at most
  // one reply through sink (Reserve/Commit) with its addressing:
  //   4011 from an addressed client -> back to d.src, at d.src_mac;
  //   giaddr != 0 -> giaddr:67, at d.src_mac (the relay's);
  //   ciaddr == 0 or broadcast flag -> 255.255.255.255:68, ff:ff:ff:ff:ff:ff;
  //   else -> ciaddr:68 at chaddr.
  // The source is server_ip : d.dst.port.
  Verdict Handle(const net::Datagram& d, net::TxSink& sink,
                 ReplyInfo* info = nullptr);

 private:
  struct State;
  std::shared_ptr<const State> state_;
};

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_RESPONDER_H_
