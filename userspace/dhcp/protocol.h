// DHCP / BOOTP / PXE wire constants, in the spirit of dnsmasq's
// dhcp-protocol.h: fixed-header offsets, ports, message types, option codes,
// PXE vendor sub-options and the RFC 4578 client architecture numbers. No
// code here; message.h parses and builds, classify.h pre-filters.
#ifndef XDPXE_USERSPACE_DHCP_PROTOCOL_H_
#define XDPXE_USERSPACE_DHCP_PROTOCOL_H_

#include <cstddef>
#include <cstdint>

namespace xdpxe::dhcp {

// UDP ports.
inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;
inline constexpr uint16_t kPxeBootServerPort = 4011;  // PXE 2.1 boot server

// BOOTP op.
inline constexpr uint8_t kBootRequest = 1;
inline constexpr uint8_t kBootReply = 2;

// Hardware type / length for Ethernet (RFC 1700 ARP hardware types).
inline constexpr uint8_t kHtypeEthernet = 1;
inline constexpr uint8_t kMaxHlen = 16;  // chaddr is 16 bytes

// The fixed BOOTP header (RFC 951 / 2131 figure 1): byte offsets and sizes.
inline constexpr size_t kOffOp = 0;
inline constexpr size_t kOffHtype = 1;
inline constexpr size_t kOffHlen = 2;
inline constexpr size_t kOffHops = 3;
inline constexpr size_t kOffXid = 4;
inline constexpr size_t kOffSecs = 8;
inline constexpr size_t kOffFlags = 10;
inline constexpr size_t kOffCiaddr = 12;
inline constexpr size_t kOffYiaddr = 16;
inline constexpr size_t kOffSiaddr = 20;
inline constexpr size_t kOffGiaddr = 24;
inline constexpr size_t kOffChaddr = 28;
inline constexpr size_t kOffSname = 44;
inline constexpr size_t kOffFile = 108;
inline constexpr size_t kOffCookie = 236;
inline constexpr size_t kOffOptions = 240;
inline constexpr size_t kChaddrLen = 16;
inline constexpr size_t kSnameLen = 64;
inline constexpr size_t kFileLen = 128;
inline constexpr size_t kFixedLen = kOffOptions;  // header + magic cookie
// RFC 1542 section 2.1: BOOTP relays and old clients expect at least a
// 300-byte message; dnsmasq pads every reply to this size.
inline constexpr size_t kMinBootpLen = 300;

inline constexpr uint8_t kMagicCookie[4] = {99, 130, 83, 99};  // 63 82 53 63
inline constexpr uint16_t kFlagBroadcast = 0x8000;

// Option 53 values (RFC 2132 9.6).
enum class MessageType : uint8_t {
  kNone = 0,  // no option 53: plain BOOTP
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
};

// Option codes used or decoded by name (RFC 2132, 3004, 4578, 3396, iPXE).
namespace opt {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kRouter = 3;
inline constexpr uint8_t kDnsServer = 6;
inline constexpr uint8_t kHostName = 12;
inline constexpr uint8_t kDomainName = 15;
inline constexpr uint8_t kRootPath = 17;
inline constexpr uint8_t kBroadcastAddr = 28;
inline constexpr uint8_t kVendorOptions = 43;
inline constexpr uint8_t kRequestedIp = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kOverload = 52;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerId = 54;
inline constexpr uint8_t kParamRequestList = 55;
inline constexpr uint8_t kMessage = 56;
inline constexpr uint8_t kMaxMessageSize = 57;
inline constexpr uint8_t kRenewalTime = 58;
inline constexpr uint8_t kRebindingTime = 59;
inline constexpr uint8_t kVendorClass = 60;
inline constexpr uint8_t kClientId = 61;
inline constexpr uint8_t kTftpServerName = 66;
inline constexpr uint8_t kBootfileName = 67;
inline constexpr uint8_t kUserClass = 77;
inline constexpr uint8_t kClientArch = 93;
inline constexpr uint8_t kClientNdi = 94;
inline constexpr uint8_t kClientGuid = 97;
inline constexpr uint8_t kIpxeEncap = 175;  // iPXE (Etherboot) encapsulated
inline constexpr uint8_t kEnd = 255;
}  // namespace opt

// Option 52 values (RFC 2132 9.3): which fixed fields carry options.
inline constexpr uint8_t kOverloadFile = 1;
inline constexpr uint8_t kOverloadSname = 2;
inline constexpr uint8_t kOverloadBoth = 3;

// PXE 2.1 option 43 sub-options (vendor-encapsulated, table 2-1).
namespace pxe {
inline constexpr uint8_t kDiscoveryControl = 6;
inline constexpr uint8_t kBootServers = 8;
inline constexpr uint8_t kBootMenu = 9;
inline constexpr uint8_t kMenuPrompt = 10;
inline constexpr uint8_t kBootItem = 71;
// Discovery control bit 3: boot the file named in this offer; no menu and
// no boot server discovery.
inline constexpr uint8_t kUseOfferedFile = 0x08;
}  // namespace pxe

// RFC 4578 / IANA "Processor Architecture Types" (option 93).
namespace arch {
inline constexpr uint16_t kBios = 0;        // x86 BIOS
inline constexpr uint16_t kEfiIa32 = 6;     // x86 UEFI
inline constexpr uint16_t kEfiX64 = 7;      // x64 UEFI
inline constexpr uint16_t kEfiBc = 9;       // EFI byte code (x64 firmware)
inline constexpr uint16_t kEfiArm32 = 10;   // ARM 32-bit UEFI
inline constexpr uint16_t kEfiArm64 = 11;   // ARM 64-bit UEFI
inline constexpr uint16_t kHttpIa32 = 15;   // x86 UEFI HTTP boot
inline constexpr uint16_t kHttpX64 = 16;    // x64 UEFI HTTP boot
inline constexpr uint16_t kHttpArm32 = 18;  // ARM 32 UEFI HTTP boot
inline constexpr uint16_t kHttpArm64 = 19;  // ARM 64 UEFI HTTP boot
}  // namespace arch

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_PROTOCOL_H_
