// ClientGuid text <-> option 97 wire order (see guid.h).
#include "userspace/dhcp/guid.h"

#include "absl/strings/str_format.h"
#include "userspace/dhcp/message.h"

namespace xdpxe::dhcp {
namespace {

// Text byte i (in 8-4-4-4-12 reading order) sits at wire byte kWireIndex[i]:
// the first three fields are little-endian on the wire.
constexpr int kWireIndex[16] = {3, 2, 1,  0,  5,  4,  7,  6,
                                8, 9, 10, 11, 12, 13, 14, 15};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<ClientGuid> ClientGuid::Parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  ClientGuid g;
  size_t at = 0;
  for (int i = 0; i < 16; ++i) {
    if (at == 8 || at == 13 || at == 18 || at == 23) {
      if (text[at] != '-') return std::nullopt;
      ++at;
    }
    const int hi = HexDigit(text[at]), lo = HexDigit(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    g.wire[kWireIndex[i]] = uint8_t(hi << 4 | lo);
    at += 2;
  }
  return g;
}

std::optional<ClientGuid> ClientGuid::FromOption97(
    std::span<const uint8_t> data) {
  if (data.size() != 17 || data[0] != 0) return std::nullopt;
  ClientGuid g;
  for (int i = 0; i < 16; ++i) g.wire[i] = data[1 + i];
  return g;
}

std::optional<ClientGuid> ClientGuid::FromOption97(const OptionValue& v) {
  uint8_t buf[17];
  if (v.size() != sizeof(buf) || v.CopyTo(buf) != sizeof(buf)) {
    return std::nullopt;
  }
  return FromOption97(buf);
}

std::string ClientGuid::ToString() const {
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    absl::StrAppendFormat(&s, "%02x", wire[kWireIndex[i]]);
  }
  return s;
}

}  // namespace xdpxe::dhcp
