// Link and network addresses as plain values: what every layer above net/
// passes around. Ipv4Addr holds the address in host byte order so that it
// compares and hashes naturally; ToBytes/FromBytes do the wire order.
//
//   auto ip = Ipv4Addr::Parse("198.18.0.1");   // std::optional
//   Endpoint server{*ip, 69};
#ifndef XDPXE_USERSPACE_NET_ADDR_H_
#define XDPXE_USERSPACE_NET_ADDR_H_

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace xdpxe::net {

struct MacAddr {
  std::array<uint8_t, 6> bytes{};

  static constexpr MacAddr Broadcast() {
    return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  }
  static MacAddr FromBytes(std::span<const uint8_t, 6> b) {
    MacAddr m;
    for (int i = 0; i < 6; ++i) m.bytes[i] = b[i];
    return m;
  }
  // "52:54:00:18:00:07" (also accepts '-' separators).
  static std::optional<MacAddr> Parse(std::string_view text);
  bool IsBroadcast() const { return *this == Broadcast(); }
  bool IsZero() const { return *this == MacAddr{}; }
  std::string ToString() const;

  auto operator<=>(const MacAddr&) const = default;
};

struct Ipv4Addr {
  uint32_t value = 0;  // host byte order

  static constexpr Ipv4Addr Any() { return Ipv4Addr{0}; }
  static constexpr Ipv4Addr Broadcast() { return Ipv4Addr{0xffffffffu}; }
  static constexpr Ipv4Addr FromOctets(uint8_t a, uint8_t b, uint8_t c,
                                       uint8_t d) {
    return Ipv4Addr{(uint32_t{a} << 24) | (uint32_t{b} << 16) |
                    (uint32_t{c} << 8) | uint32_t{d}};
  }
  static Ipv4Addr FromBytes(std::span<const uint8_t, 4> b) {
    return FromOctets(b[0], b[1], b[2], b[3]);
  }
  // Network byte order value, as in struct in_addr.s_addr.
  static Ipv4Addr FromNetworkOrder(uint32_t be);
  uint32_t ToNetworkOrder() const;
  void ToBytes(std::span<uint8_t, 4> out) const {
    out[0] = value >> 24;
    out[1] = value >> 16;
    out[2] = value >> 8;
    out[3] = value;
  }
  static std::optional<Ipv4Addr> Parse(std::string_view text);
  bool IsAny() const { return value == 0; }
  bool IsBroadcast() const { return value == 0xffffffffu; }
  std::string ToString() const;

  auto operator<=>(const Ipv4Addr&) const = default;
};

struct Endpoint {
  Ipv4Addr addr;
  uint16_t port = 0;

  std::string ToString() const;  // "198.18.0.1:69"
  auto operator<=>(const Endpoint&) const = default;
};

template <typename H>
H AbslHashValue(H h, const MacAddr& m) {
  return H::combine(std::move(h), m.bytes);
}
template <typename H>
H AbslHashValue(H h, const Ipv4Addr& a) {
  return H::combine(std::move(h), a.value);
}
template <typename H>
H AbslHashValue(H h, const Endpoint& e) {
  return H::combine(std::move(h), e.addr.value, e.port);
}

}  // namespace xdpxe::net

#endif  // XDPXE_USERSPACE_NET_ADDR_H_
