// A provided-buffer ring for multishot receives. liburing 2.3 has no
// io_uring_setup_buf_ring, so the ring is mmapped and registered by hand
// (IORING_REGISTER_PBUF_RING), as liburing's examples/io_uring-udp.c does.
//
//   XDPXE_ASSIGN_OR_RETURN(auto bufs,
//                          io::BufRing::Create(loop->ring(), /*bgid=*/0,
//                                              /*count=*/1024, 2048));
//   // SQE: sqe->flags |= IOSQE_BUFFER_SELECT; sqe->buf_group = 0;
//   // CQE: bid = cqe.flags >> IORING_CQE_BUFFER_SHIFT
//   Use(bufs->data(bid), cqe.res);
//   bufs->Recycle(bid);   // visible to the kernel after Publish()
//   bufs->Publish();
#ifndef XDPXE_USERSPACE_IO_BUF_RING_H_
#define XDPXE_USERSPACE_IO_BUF_RING_H_

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"

namespace xdpxe::io {

class BufRing {
 public:
  // `count` must be a power of two (at most 32768).
  static absl::StatusOr<std::unique_ptr<BufRing>> Create(io_uring* ring,
                                                         uint16_t bgid,
                                                         uint32_t count,
                                                         uint32_t buf_size);
  ~BufRing();
  BufRing(const BufRing&) = delete;
  BufRing& operator=(const BufRing&) = delete;

  uint16_t bgid() const { return bgid_; }
  uint32_t buf_size() const { return buf_size_; }
  uint8_t* data(uint16_t bid) { return bufs_ + size_t{bid} * buf_size_; }

  // Gives buffer `bid` back; the kernel sees it after Publish().
  void Recycle(uint16_t bid);
  void Publish();

 private:
  BufRing() = default;

  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  size_t ring_bytes_ = 0;
  uint8_t* bufs_ = nullptr;
  size_t bufs_bytes_ = 0;
  uint16_t bgid_ = 0;
  uint32_t count_ = 0;
  uint32_t buf_size_ = 0;
  int pending_ = 0;
  bool registered_ = false;
};

}  // namespace xdpxe::io

#endif  // XDPXE_USERSPACE_IO_BUF_RING_H_
