// Value parsers for the config file and the command line. Each returns ""
// on success or a short description of what is wrong with the value, which
// the caller prefixes with file:line: key: (config.cc) or the flag name.
#ifndef XDPXE_USERSPACE_APP_CONFIG_VALUES_H_
#define XDPXE_USERSPACE_APP_CONFIG_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "userspace/app/settings.h"
#include "userspace/net/addr.h"

namespace xdpxe::app {

// Decimal in [lo, hi].
std::string ParseNumber(absl::string_view v, uint64_t lo, uint64_t hi,
                        uint64_t* out);
// Bytes with an optional K/M/G suffix (powers of 1024), at least lo.
std::string ParseSize(absl::string_view v, uint64_t lo, uint64_t* out);
// "1s", "500ms", "2m" (absl duration syntax) or a bare number of seconds.
std::string ParseMillis(absl::string_view v, uint32_t lo_ms, uint32_t hi_ms,
                        uint32_t* out);
// yes/no, true/false, on/off, 1/0.
std::optional<bool> ParseBool(absl::string_view v);
// "LO,HI" (dnsmasq's tftp-port-range syntax), 1024 <= LO <= HI.
std::string ParsePortRange(absl::string_view v, uint16_t* lo, uint16_t* hi);
// "PORT" (loopback) or "ADDR:PORT".
struct ListenAddress {
  net::Ipv4Addr addr;
  uint16_t port = 0;
};
std::string ParseListenAddress(absl::string_view v, ListenAddress* out);
// http:// or https:// with a host.
std::string CheckHttpUrl(absl::string_view v);
// A path under the TFTP root: relative, no "..", no control characters.
// Empty is allowed (that architecture gets no boot file).
std::string CheckBootFileName(absl::string_view v);
// "5eed0000-0000-4000-8000-525400180007" (optionally "uuid:" prefixed).
std::optional<std::array<uint8_t, 16>> ParseUuid(absl::string_view v);
std::string UuidToString(const std::array<uint8_t, 16>& u);
// "MAC|uuid:UUID[,name=LABEL][,boot=FILE|URL][,script=NAME|URL][,ignore]".
std::string ParseHostRule(absl::string_view v, HostRule* out);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_CONFIG_VALUES_H_
