// RFC 2347/2348/2349/7440 negotiation: see negotiation.h.
#include "userspace/tftp/negotiation.h"

#include <algorithm>

namespace xdpxe::tftp {

Negotiated Negotiate(const RequestOptions& req, const NegotiationLimits& lim) {
  Negotiated n;
  if (req.blksize) {
    // RFC 2348 lets the server answer with a smaller size than asked; it
    // never answers with a larger one.
    uint32_t cap = std::min<uint32_t>(
        std::max<uint32_t>(lim.max_blksize, kMinBlockSize), kMaxBlockSize);
    n.blksize = uint16_t(std::min<uint32_t>(*req.blksize, cap));
    n.ack_blksize = true;
  }
  if (req.tsize) n.ack_tsize = true;  // value: the (converted) file size
  if (req.timeout) {
    n.timeout_s = uint8_t(*req.timeout);  // 1..255, checked by the parser
    n.ack_timeout = true;
  }
  if (req.windowsize) {
    uint32_t cap = std::clamp<uint32_t>(lim.max_window, 1, 65535);
    n.window = uint16_t(std::min<uint32_t>(*req.windowsize, cap));
    n.ack_window = true;
  }
  return n;
}

size_t BuildOack(std::span<uint8_t> out, const Negotiated& n, uint64_t tsize) {
  OackWriter w(out);
  if (n.ack_blksize) w.Add("blksize", n.blksize);
  if (n.ack_tsize) w.Add("tsize", tsize);
  if (n.ack_timeout) w.Add("timeout", n.timeout_s);
  if (n.ack_window) w.Add("windowsize", n.window);
  return w.size();
}

}  // namespace xdpxe::tftp
