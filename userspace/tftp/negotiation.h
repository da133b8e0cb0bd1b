// RFC 2347 option negotiation for a read request: which of the client's
// options the server accepts, with what values, and the OACK that says so.
// blksize is capped to what the link MTU carries unfragmented, windowsize to
// the configured cap; a request without options gets plain RFC 1350.
//
//   Negotiated n = Negotiate(req.options, {.max_blksize = 1468,
//                                          .max_window = 64});
//   if (n.oack()) size_t len = BuildOack(room, n, file_size);
#ifndef XDPXE_USERSPACE_TFTP_NEGOTIATION_H_
#define XDPXE_USERSPACE_TFTP_NEGOTIATION_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "userspace/tftp/packet.h"

namespace xdpxe::tftp {

struct NegotiationLimits {
  uint16_t max_blksize = 1468;  // MTU - kBlockOverhead, at most kMaxBlockSize
  uint16_t max_window = 64;     // >= 1
};

struct Negotiated {
  uint16_t blksize = kDefaultBlockSize;
  uint16_t window = 1;    // 1 = lock-step (RFC 1350)
  uint8_t timeout_s = 0;  // 0 = the server's own retransmit timeout
  bool ack_blksize = false;
  bool ack_tsize = false;
  bool ack_timeout = false;
  bool ack_window = false;
  bool oack() const {
    return ack_blksize || ack_tsize || ack_timeout || ack_window;
  }
};

// `req` has passed ParseRequest (values already range-checked).
Negotiated Negotiate(const RequestOptions& req, const NegotiationLimits& lim);

// The OACK for `n`, with tsize = `tsize` when acknowledged. 0 if too small.
size_t BuildOack(std::span<uint8_t> out, const Negotiated& n, uint64_t tsize);

// Largest OACK BuildOack writes (four options with 20-digit values).
inline constexpr size_t kMaxOackLen = 2 + 4 * (10 + 1 + 20 + 1);

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_NEGOTIATION_H_
