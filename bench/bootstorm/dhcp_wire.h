// What a simulated machine sends and reads of DHCP: the client messages of
// EDK2 PxeBc (firmware) and iPXE, option for option as in the captures of
// tests/fixtures/README.md, and the few reply fields a client acts on.
//
//   size_t n = BuildClientMessage(room, msg);     // 0: did not fit
//   if (auto r = ParseReply(payload)) { if (r->type == kOffer) ... }
#ifndef XDPXE_BENCH_BOOTSTORM_DHCP_WIRE_H_
#define XDPXE_BENCH_BOOTSTORM_DHCP_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "userspace/dhcp/protocol.h"
#include "userspace/net/addr.h"

namespace xdpxe::bootstorm {

enum class ClientKind : uint8_t {
  kEdk2,     // UEFI firmware PxeBc (x64, arm64)
  kBiosPxe,  // a legacy BIOS PXE ROM
  kIpxe,     // iPXE after the NBP started
};

struct ClientMessage {
  ClientKind kind = ClientKind::kEdk2;
  dhcp::MessageType type = dhcp::MessageType::kDiscover;
  uint32_t xid = 0;
  net::MacAddr mac;
  uint16_t arch = 7;
  bool broadcast_flag = true;
  bool to_4011 = false;  // the PXE boot-server REQUEST (no 50/54)
  net::Ipv4Addr ciaddr;
  net::Ipv4Addr requested_ip;  // option 50 (REQUEST)
  net::Ipv4Addr server_id;     // option 54 (REQUEST)
  uint16_t boot_item = 0;      // option 43.71 type (BIOS 4011), 0: none
  uint8_t guid_tail = 0;       // distinguishes the machines' GUIDs
};

size_t BuildClientMessage(std::span<uint8_t> out, const ClientMessage& m);

struct ReplyView {
  dhcp::MessageType type = dhcp::MessageType::kNone;
  uint32_t xid = 0;
  net::MacAddr chaddr;
  net::Ipv4Addr yiaddr;
  net::Ipv4Addr siaddr;
  net::Ipv4Addr server_id;  // option 54
  bool pxe_client = false;  // option 60 starts with "PXEClient"
  std::string_view file;    // `file` field, or option 67
  std::optional<uint8_t> discovery_control;  // 43.6
  uint16_t first_menu_item = 0;              // 43.9's first boot server type
  bool has_boot_menu = false;
};

// nullopt when the payload is not a well-formed BOOTREPLY.
std::optional<ReplyView> ParseReply(std::span<const uint8_t> payload);

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_DHCP_WIRE_H_
