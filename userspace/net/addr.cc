#include "userspace/net/addr.h"

#include <arpa/inet.h>

#include "absl/strings/str_format.h"

namespace xdpxe::net {

std::optional<MacAddr> MacAddr::Parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  MacAddr m;
  for (int i = 0; i < 6; ++i) {
    if (i > 0 && text[i * 3 - 1] != ':' && text[i * 3 - 1] != '-')
      return std::nullopt;
    int v = 0;
    for (int j = 0; j < 2; ++j) {
      char c = text[i * 3 + j];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return std::nullopt;
      }
      v = v * 16 + d;
    }
    m.bytes[i] = static_cast<uint8_t>(v);
  }
  return m;
}

std::string MacAddr::ToString() const {
  return absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1],
                         bytes[2], bytes[3], bytes[4], bytes[5]);
}

Ipv4Addr Ipv4Addr::FromNetworkOrder(uint32_t be) { return Ipv4Addr{ntohl(be)}; }
uint32_t Ipv4Addr::ToNetworkOrder() const { return htonl(value); }

std::optional<Ipv4Addr> Ipv4Addr::Parse(std::string_view text) {
  // Dotted quad, decimal, no leading zeros beyond "0" (inet_pton's rules).
  uint32_t v = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    uint32_t octet = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' &&
           i - start < 3) {
      octet = octet * 10 + uint32_t(text[i] - '0');
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || octet > 255 || (len > 1 && text[start] == '0'))
      return std::nullopt;
    v = (v << 8) | octet;
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4Addr{v};
}

std::string Ipv4Addr::ToString() const {
  return absl::StrFormat("%u.%u.%u.%u", value >> 24, (value >> 16) & 0xff,
                         (value >> 8) & 0xff, value & 0xff);
}

std::string Endpoint::ToString() const {
  return absl::StrFormat("%s:%u", addr.ToString(), port);
}

}  // namespace xdpxe::net
