// The client machine GUID of option 97 (RFC 4578 2.3): type 0 followed by 16
// bytes. Firmware sends the SMBIOS UUID in EFI byte order, i.e. the first
// three fields little-endian: `-uuid 5eed0000-0000-4000-8000-525400180007`
// arrives as 00 | 00 00 ed 5e 00 00 00 40 80 00 52 54 00 18 00 07. Config
// files and logs use the text form that dmidecode and QEMU print.
//
//   auto g = ClientGuid::Parse("5eed0000-0000-4000-8000-525400180007");
//   auto w = ClientGuid::FromOption97(m.Get(opt::kClientGuid));
#ifndef XDPXE_USERSPACE_DHCP_GUID_H_
#define XDPXE_USERSPACE_DHCP_GUID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xdpxe::dhcp {

class OptionValue;

struct ClientGuid {
  std::array<uint8_t, 16> wire{};  // as in option 97 after the type byte

  // Canonical 8-4-4-4-12 hex text, either case.
  static std::optional<ClientGuid> Parse(std::string_view text);
  // Option 97's data: exactly 17 bytes of type 0; nullopt otherwise.
  static std::optional<ClientGuid> FromOption97(std::span<const uint8_t> data);
  static std::optional<ClientGuid> FromOption97(const OptionValue& v);
  // Lower-case canonical text (the SMBIOS view, not the wire order).
  std::string ToString() const;

  auto operator<=>(const ClientGuid&) const = default;
};

template <typename H>
H AbslHashValue(H h, const ClientGuid& g) {
  return H::combine(std::move(h), g.wire);
}

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_GUID_H_
