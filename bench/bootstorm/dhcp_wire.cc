// Client DHCP messages as EDK2 PxeBc, BIOS PXE ROMs and iPXE send them
// (dhcp_wire.h). Option order and values follow tests/fixtures/README.md.
#include "bench/bootstorm/dhcp_wire.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "userspace/dhcp/message.h"

namespace xdpxe::bootstorm {
namespace {

using dhcp::MessageType;
namespace opt = dhcp::opt;

// EDK2's parameter request list (OVMF and AAVMF captures).
constexpr uint8_t kEdk2Params[] = {1,   2,   3,   4,   5,   6,   12,  13, 15,
                                   17,  18,  22,  23,  28,  40,  41,  42, 43,
                                   50,  51,  54,  58,  59,  60,  66,  67, 97,
                                   128, 129, 130, 131, 132, 133, 134, 135};
// iPXE's (SeaBIOS + iPXE capture).
constexpr uint8_t kIpxeParams[] = {1,   3,   6,   7,   12,  15,  17,  26,
                                   43,  60,  66,  67,  119, 128, 129, 130,
                                   131, 132, 133, 134, 135, 175, 203};
// iPXE's option 175 (bus id, version, feature flags), BIOS flavour.
constexpr uint8_t kIpxeEncapBios[] = {
    0xb1, 0x05, 0x01, 0x1a, 0xf4, 0x10, 0x00,  // 177 bus-id PCI 1af4:1000
    0xeb, 0x03, 0x01, 0x00, 0x00,              // 235 version 1.0.0
    0x17, 0x01, 0x01, 0x22, 0x01, 0x01, 0x13, 0x01, 0x01, 0x11, 0x01, 0x01,
    0x27, 0x01, 0x01, 0x19, 0x01, 0x01, 0x29, 0x01, 0x01, 0x10, 0x01, 0x02,
    0x21, 0x01, 0x01, 0x15, 0x01, 0x01, 0x18, 0x01, 0x01, 0x12, 0x01, 0x01};
constexpr uint8_t kIpxeEncapEfi[] = {
    0xb1, 0x05, 0x01, 0x1a, 0xf4, 0x10, 0x00, 0xeb, 0x03, 0x01, 0x00, 0x00,
    0x17, 0x01, 0x01, 0x24, 0x01, 0x01, 0x13, 0x01, 0x01, 0x11, 0x01, 0x01,
    0x27, 0x01, 0x01, 0x29, 0x01, 0x01, 0x15, 0x01, 0x01, 0x12, 0x01, 0x01};

}  // namespace

size_t BuildClientMessage(std::span<uint8_t> out, const ClientMessage& m) {
  dhcp::MessageBuilder w(out);
  std::array<uint8_t, dhcp::kChaddrLen> chaddr{};
  std::memcpy(chaddr.data(), m.mac.bytes.data(), 6);
  w.set_op(dhcp::kBootRequest)
      .set_htype(dhcp::kHtypeEthernet)
      .set_hlen(6)
      .set_xid(m.xid)
      .set_flags(m.broadcast_flag ? dhcp::kFlagBroadcast : 0)
      .set_ciaddr(m.ciaddr)
      .set_chaddr(chaddr);

  const bool ipxe = m.kind == ClientKind::kIpxe;
  const bool efi = m.arch != dhcp::arch::kBios;
  // GUID: type 0 + 16 bytes, EFI byte order as in the captures.
  uint8_t guid[17] = {
      0x00, 0x00,           0x00,           0xed,           0x5e,          0x00,
      0x00, 0x00,           0x40,           0x80,           0x00,          0x02,
      0x19, m.mac.bytes[2], m.mac.bytes[3], m.mac.bytes[4], m.mac.bytes[5]};
  guid[16] ^= m.guid_tail;
  uint8_t ndi[3] = {1, 3, 0};  // UNDI 3.0 (EDK2)
  const char* undi = "003000";
  if (ipxe) {
    ndi[1] = efi ? 3 : 2;
    ndi[2] = efi ? 10 : 1;
    undi = efi ? "003010" : "002001";
  } else if (m.kind == ClientKind::kBiosPxe) {
    ndi[1] = 2;
    ndi[2] = 1;
    undi = "002001";
  }
  char vendor[48];
  int vlen = std::snprintf(vendor, sizeof(vendor),
                           "PXEClient:Arch:%05u:UNDI:%s", m.arch, undi);
  std::string_view vendor_sv(vendor, static_cast<size_t>(vlen));

  w.AddU8(opt::kMessageType, static_cast<uint8_t>(m.type));
  const bool request = m.type == MessageType::kRequest && !m.to_4011;
  if (ipxe) {
    w.AddU16(opt::kMaxMessageSize, 1472);
    w.AddU16(opt::kClientArch, m.arch);
    w.Add(opt::kClientNdi, ndi);
    w.Add(opt::kVendorClass, vendor_sv);
    w.Add(opt::kUserClass, std::string_view("iPXE"));  // raw, as iPXE sends
    w.Add(opt::kParamRequestList, kIpxeParams);
    if (efi) {
      w.Add(opt::kIpxeEncap, kIpxeEncapEfi);
    } else {
      w.Add(opt::kIpxeEncap, kIpxeEncapBios);
    }
    uint8_t cid[7] = {1};
    std::memcpy(cid + 1, m.mac.bytes.data(), 6);
    w.Add(opt::kClientId, cid);
    w.Add(opt::kClientGuid, guid);
    if (request) {
      w.AddIp(opt::kServerId, m.server_id);
      w.AddIp(opt::kRequestedIp, m.requested_ip);
    }
  } else if (m.to_4011) {
    // EDK2's boot-server REQUEST: 53, 55, 57 = 1472, 60, 93, 94, 97.
    w.Add(opt::kParamRequestList, kEdk2Params);
    w.AddU16(opt::kMaxMessageSize, 1472);
    w.Add(opt::kVendorClass, vendor_sv);
    w.AddU16(opt::kClientArch, m.arch);
    w.Add(opt::kClientNdi, ndi);
    w.Add(opt::kClientGuid, guid);
    if (m.boot_item != 0) {
      // 43.71 PXE_BOOT_ITEM: type, layer 0 (BIOS boot-server discovery).
      uint8_t item[7] = {dhcp::pxe::kBootItem,
                         4,
                         static_cast<uint8_t>(m.boot_item >> 8),
                         static_cast<uint8_t>(m.boot_item),
                         0,
                         0,
                         opt::kEnd};
      w.Add(opt::kVendorOptions, item);
    }
  } else {
    if (request) {
      w.AddIp(opt::kServerId, m.server_id);
      w.AddIp(opt::kRequestedIp, m.requested_ip);
    }
    w.AddU16(opt::kMaxMessageSize, request ? 65280 : 1472);
    w.Add(opt::kParamRequestList, kEdk2Params);
    w.Add(opt::kClientGuid, guid);
    w.Add(opt::kClientNdi, ndi);
    w.AddU16(opt::kClientArch, m.arch);
    w.Add(opt::kVendorClass, vendor_sv);
  }
  return w.Finish();
}

std::optional<ReplyView> ParseReply(std::span<const uint8_t> p) {
  dhcp::Message m;
  if (dhcp::ParseMessage(p, &m) != dhcp::ParseError::kOk ||
      m.header().op != dhcp::kBootReply) {
    return std::nullopt;
  }
  ReplyView r;
  r.type = m.type();
  r.xid = m.header().xid;
  r.chaddr = m.mac();
  r.yiaddr = m.header().yiaddr;
  r.siaddr = m.header().siaddr;
  r.file = m.file();
  if (r.file.empty()) {
    if (auto f = m.Get(opt::kBootfileName); f && !f.contiguous().empty()) {
      auto c = f.contiguous();
      r.file = std::string_view(
          reinterpret_cast<const char*>(c.data()),
          strnlen(reinterpret_cast<const char*>(c.data()), c.size()));
    }
  }
  if (auto id = m.Get(opt::kServerId).Ip()) r.server_id = *id;
  r.pxe_client = m.Get(opt::kVendorClass).StartsWith("PXEClient");
  if (auto v = m.Get(opt::kVendorOptions); v) {
    uint8_t buf[256];
    size_t len = v.CopyTo(buf);
    size_t j = 0;
    while (j + 1 < len) {
      uint8_t sub = buf[j];
      if (sub == opt::kPad) {
        ++j;
        continue;
      }
      if (sub == opt::kEnd) break;
      uint8_t sl = buf[j + 1];
      if (j + 2 + sl > len) break;
      if (sub == dhcp::pxe::kDiscoveryControl && sl >= 1) {
        r.discovery_control = buf[j + 2];
      } else if (sub == dhcp::pxe::kBootMenu && sl >= 3) {
        r.has_boot_menu = true;
        r.first_menu_item = (uint16_t{buf[j + 2]} << 8) | buf[j + 3];
      }
      j += 2 + sl;
    }
  }
  return r;
}

}  // namespace xdpxe::bootstorm
