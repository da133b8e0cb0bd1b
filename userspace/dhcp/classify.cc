// ClassifyBootRequest: the userspace reference of the XDP steering rules
// (see classify.h for the rules themselves).
#include "userspace/dhcp/classify.h"

#include <cstring>

#include "userspace/dhcp/protocol.h"

namespace xdpxe::dhcp {
namespace {

bool StartsWith(std::span<const uint8_t> data, std::string_view prefix) {
  return data.size() >= prefix.size() &&
         std::memcmp(data.data(), prefix.data(), prefix.size()) == 0;
}

bool ContainsIpxe(std::span<const uint8_t> data) {
  for (size_t i = 0; i + 4 <= data.size(); ++i) {
    if (data[i] == 'i' && data[i + 1] == 'P' && data[i + 2] == 'X' &&
        data[i + 3] == 'E') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view SteerClassName(SteerClass c) {
  switch (c) {
    case SteerClass::kNotBootRequest:
      return "not-boot-request";
    case SteerClass::kMalformed:
      return "malformed";
    case SteerClass::kOverload:
      return "overload";
    case SteerClass::kOrdinary:
      return "ordinary";
    case SteerClass::kPxe:
      return "pxe";
    case SteerClass::kIpxe:
      return "ipxe";
  }
  return "?";
}

SteerClass ClassifyBootRequest(std::span<const uint8_t> p) {
  if (p.size() < kFixedLen) return SteerClass::kMalformed;
  if (p[kOffOp] != kBootRequest) return SteerClass::kNotBootRequest;
  if (p[kOffHlen] > kMaxHlen) return SteerClass::kMalformed;
  if (std::memcmp(p.data() + kOffCookie, kMagicCookie, 4) != 0) {
    return SteerClass::kMalformed;
  }
  bool overload = false, ipxe = false, pxe = false;
  size_t off = kOffOptions;
  while (off < p.size()) {
    const uint8_t code = p[off];
    if (code == opt::kPad) {
      ++off;
      continue;
    }
    if (code == opt::kEnd) break;
    if (off + 1 >= p.size()) return SteerClass::kMalformed;
    const size_t len = p[off + 1];
    if (off + 2 + len > p.size()) return SteerClass::kMalformed;
    const auto data = p.subspan(off + 2, len);
    if (code == opt::kOverload) {
      overload = true;
    } else if (code == opt::kUserClass) {
      ipxe = ipxe || ContainsIpxe(data);
    } else if (code == opt::kVendorClass) {
      pxe = pxe || StartsWith(data, "PXEClient") ||
            StartsWith(data, "HTTPClient");
    }
    off += 2 + len;
  }
  if (overload) return SteerClass::kOverload;
  if (ipxe) return SteerClass::kIpxe;
  if (pxe) return SteerClass::kPxe;
  return SteerClass::kOrdinary;
}

}  // namespace xdpxe::dhcp
