// The steering pre-filter: decides from the raw UDP payload alone whether a
// BOOTP request on port 67 is a PXE or iPXE client's (steered to xdpxe) or
// anything else (left to the kernel and the primary DHCP server).
//
//   if (IsSteered(ClassifyBootRequest(payload))) ...
//
// These rules are the contract the XDP program (bpf/) mirrors byte for byte;
// the BPF tests check agreement against this function, so change both or
// neither:
//   1. payload < 240 bytes -> kMalformed; op (byte 0) != 1 -> kNotBootRequest;
//      hlen (byte 2) > 16 -> kMalformed; bytes 236..239 != 63 82 53 63 ->
//      kMalformed.
//   2. Options are walked from offset 240: code 0 is one pad byte; code 255
//      ends the walk; any other code needs its length byte and its data
//      inside the payload, else kMalformed. Running off the end of the
//      payload without a 255 is fine.
//   3. Any option 52 (overload) seen -> kOverload (never steered).
//   4. kIpxe if any option 77 instance's data contains "iPXE"; else kPxe if
//      any option 60 instance's data begins with "PXEClient" or "HTTPClient";
//      else kOrdinary.
// Precedence: the whole walk (rule 2) completes before rules 3 and 4 apply,
// so a malformed option anywhere wins over an overload, and an overload wins
// over the vendor/user class.
//
// Consistency with the codec (message.h): everything ParseMessage rejects is
// classified kMalformed, kNotBootRequest or kOverload, never kPxe/kIpxe.
#ifndef XDPXE_USERSPACE_DHCP_CLASSIFY_H_
#define XDPXE_USERSPACE_DHCP_CLASSIFY_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace xdpxe::dhcp {

enum class SteerClass : uint8_t {
  kNotBootRequest,
  kMalformed,
  kOverload,
  kOrdinary,
  kPxe,
  kIpxe,
};

std::string_view SteerClassName(SteerClass c);

SteerClass ClassifyBootRequest(std::span<const uint8_t> udp_payload);

inline bool IsSteered(SteerClass c) {
  return c == SteerClass::kPxe || c == SteerClass::kIpxe;
}

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_CLASSIFY_H_
