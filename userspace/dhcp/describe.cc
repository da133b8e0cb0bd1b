// Names of message types, options and architectures, and Describe(): the
// human-readable decoding `xdpxe replay` prints (see message.h).
//
//   op=BOOTREQUEST(1) htype=1 hlen=6 hops=0 xid=0xe642b097 secs=0 flags=0x8000
//   (broadcast) ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 giaddr=0.0.0.0
//   chaddr=52:54:00:18:00:07
//   sname="" file=""
//   53 message-type 1 (DHCPDISCOVER)
//   93 client-arch 7 (x64 UEFI)
//   60 vendor-class "PXEClient:Arch:00007:UNDI:003000"
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "userspace/dhcp/guid.h"
#include "userspace/dhcp/message.h"

namespace xdpxe::dhcp {
namespace {

enum class Kind { kHex, kText, kIps, kU8, kU16, kU32, kSeconds, kCodes };

struct OptionInfo {
  uint8_t code;
  const char* name;
  Kind kind;
};

constexpr OptionInfo kOptions[] = {
    {1, "subnet-mask", Kind::kIps},
    {2, "time-offset", Kind::kU32},
    {3, "router", Kind::kIps},
    {4, "time-server", Kind::kIps},
    {5, "name-server", Kind::kIps},
    {6, "dns-server", Kind::kIps},
    {7, "log-server", Kind::kIps},
    {12, "host-name", Kind::kText},
    {13, "boot-file-size", Kind::kU16},
    {15, "domain-name", Kind::kText},
    {17, "root-path", Kind::kText},
    {26, "interface-mtu", Kind::kU16},
    {28, "broadcast-address", Kind::kIps},
    {42, "ntp-server", Kind::kIps},
    {43, "vendor-options", Kind::kHex},
    {50, "requested-address", Kind::kIps},
    {51, "lease-time", Kind::kSeconds},
    {52, "overload", Kind::kU8},
    {53, "message-type", Kind::kU8},
    {54, "server-id", Kind::kIps},
    {55, "parameter-request-list", Kind::kCodes},
    {56, "message", Kind::kText},
    {57, "max-message-size", Kind::kU16},
    {58, "renewal-time", Kind::kSeconds},
    {59, "rebinding-time", Kind::kSeconds},
    {60, "vendor-class", Kind::kText},
    {61, "client-id", Kind::kHex},
    {66, "tftp-server", Kind::kText},
    {67, "bootfile-name", Kind::kText},
    {77, "user-class", Kind::kText},
    {93, "client-arch", Kind::kU16},
    {94, "client-ndi", Kind::kHex},
    {97, "client-guid", Kind::kHex},
    {119, "domain-search", Kind::kHex},
    {121, "classless-routes", Kind::kHex},
    {175, "ipxe-encap", Kind::kHex},
    {203, "ipxe-ext", Kind::kHex},
};

const OptionInfo* Info(uint8_t code) {
  for (const auto& i : kOptions) {
    if (i.code == code) return &i;
  }
  return nullptr;
}

std::string Hex(const std::vector<uint8_t>& d) {
  std::string s;
  for (size_t i = 0; i < d.size(); ++i) {
    absl::StrAppendFormat(&s, i ? " %02x" : "%02x", d[i]);
  }
  return s;
}

uint32_t BigEndian(const std::vector<uint8_t>& d, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | d[at + i];
  return v;
}

std::string DecodeValue(uint8_t code, Kind kind,
                        const std::vector<uint8_t>& d) {
  const std::string hex = Hex(d);
  switch (kind) {
    case Kind::kText:
      return absl::StrCat(
          "\"",
          absl::CHexEscape(absl::string_view(
              reinterpret_cast<const char*>(d.data()), d.size())),
          "\"");
    case Kind::kIps: {
      if (d.empty() || d.size() % 4) break;
      std::vector<std::string> ips;
      for (size_t i = 0; i < d.size(); i += 4) {
        ips.push_back(net::Ipv4Addr{BigEndian(d, i, 4)}.ToString());
      }
      return absl::StrJoin(ips, ",");
    }
    case Kind::kU8:
      if (d.size() != 1) break;
      if (code == opt::kMessageType) {
        const auto name = MessageTypeName(MessageType(d[0]));
        return absl::StrCat(d[0], " (",
                            absl::string_view(name.data(), name.size()), ")");
      }
      return absl::StrCat(d[0]);
    case Kind::kU16: {
      if (d.empty() || d.size() % 2) break;
      std::vector<std::string> vals;
      for (size_t i = 0; i < d.size(); i += 2) {
        const uint16_t v = uint16_t(BigEndian(d, i, 2));
        const auto name = code == opt::kClientArch ? ArchName(v) : "";
        vals.push_back(
            name.empty()
                ? absl::StrCat(v)
                : absl::StrCat(v, " (",
                               absl::string_view(name.data(), name.size()),
                               ")"));
      }
      return absl::StrJoin(vals, ",");
    }
    case Kind::kU32:
    case Kind::kSeconds:
      if (d.size() != 4) break;
      return absl::StrCat(BigEndian(d, 0, 4),
                          kind == Kind::kSeconds ? "s" : "");
    case Kind::kCodes:
      return absl::StrJoin(d, ",");
    case Kind::kHex:
      if (code == opt::kClientGuid) {
        if (auto g = ClientGuid::FromOption97(d)) {
          return absl::StrCat(hex, " (", g->ToString(), ")");
        }
      } else if (code == opt::kClientNdi && d.size() == 3 && d[0] == 1) {
        return absl::StrFormat("%s (UNDI %d.%d)", hex, d[1], d[2]);
      }
      return hex;
  }
  return absl::StrCat(hex, " (malformed)");
}

}  // namespace

std::string_view MessageTypeName(MessageType t) {
  switch (t) {
    case MessageType::kNone:
      return "BOOTP";
    case MessageType::kDiscover:
      return "DHCPDISCOVER";
    case MessageType::kOffer:
      return "DHCPOFFER";
    case MessageType::kRequest:
      return "DHCPREQUEST";
    case MessageType::kDecline:
      return "DHCPDECLINE";
    case MessageType::kAck:
      return "DHCPACK";
    case MessageType::kNak:
      return "DHCPNAK";
    case MessageType::kRelease:
      return "DHCPRELEASE";
    case MessageType::kInform:
      return "DHCPINFORM";
  }
  return "unknown";
}

std::string_view OptionName(uint8_t code) {
  const OptionInfo* i = Info(code);
  return i ? i->name : "";
}

std::string_view ArchName(uint16_t arch) {
  switch (arch) {
    case 0:
      return "x86 BIOS";
    case 1:
      return "NEC/PC98";
    case 2:
      return "Itanium";
    case 6:
      return "x86 UEFI";
    case 7:
      return "x64 UEFI";
    case 9:
      return "EBC (x64 UEFI)";
    case 10:
      return "ARM32 UEFI";
    case 11:
      return "ARM64 UEFI";
    case 15:
      return "x86 UEFI HTTP";
    case 16:
      return "x64 UEFI HTTP";
    case 18:
      return "ARM32 UEFI HTTP";
    case 19:
      return "ARM64 UEFI HTTP";
    case 25:
      return "RISC-V 64 UEFI";
  }
  return "";
}

std::string Describe(const Message& m) {
  const BootpHeader& h = m.header();
  std::string s = absl::StrFormat(
      "op=%s(%d) htype=%d hlen=%d hops=%d xid=0x%08x secs=%d flags=0x%04x%s\n",
      h.op == kBootRequest ? "BOOTREQUEST" : "BOOTREPLY", h.op, h.htype, h.hlen,
      h.hops, h.xid, h.secs, h.flags, m.broadcast() ? " (broadcast)" : "");
  absl::StrAppend(
      &s, "ciaddr=", h.ciaddr.ToString(), " yiaddr=", h.yiaddr.ToString(),
      " siaddr=", h.siaddr.ToString(), " giaddr=", h.giaddr.ToString(), "\n");
  std::vector<std::string> ch;
  for (size_t i = 0; i < h.hlen; ++i) {
    ch.push_back(absl::StrFormat("%02x", h.chaddr[i]));
  }
  absl::StrAppend(&s, "chaddr=", absl::StrJoin(ch, ":"), "\n");
  auto text = [](std::string_view v) {
    return absl::CHexEscape(absl::string_view(v.data(), v.size()));
  };
  absl::StrAppend(&s, "sname=\"", text(m.sname()), "\" file=\"", text(m.file()),
                  "\"");
  if (m.overload()) absl::StrAppend(&s, " (overload ", m.overload(), ")");
  absl::StrAppend(&s, "\n");
  for (size_t i = 0; i < m.option_count(); ++i) {
    const uint8_t code = m.option_code(i);
    const OptionValue v = m.Get(code);
    std::vector<uint8_t> d(v.size());
    v.CopyTo(d);
    const OptionInfo* info = Info(code);
    absl::StrAppend(&s, code, " ", info ? info->name : "option", " ",
                    DecodeValue(code, info ? info->kind : Kind::kHex, d));
    if (v.pieces() > 1) absl::StrAppend(&s, " [", v.pieces(), " pieces]");
    absl::StrAppend(&s, "\n");
  }
  return s;
}

}  // namespace xdpxe::dhcp
