#include "userspace/io/buf_ring.h"

#include <sys/mman.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::io {

absl::StatusOr<std::unique_ptr<BufRing>> BufRing::Create(io_uring* ring,
                                                         uint16_t bgid,
                                                         uint32_t count,
                                                         uint32_t buf_size) {
  if (count == 0 || count > 32768 || (count & (count - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "buffer ring size ", count, " is not a power of two in [1, 32768]"));
  }
  auto br = std::unique_ptr<BufRing>(new BufRing());
  br->ring_ = ring;
  br->bgid_ = bgid;
  br->count_ = count;
  br->buf_size_ = buf_size;
  // The ring must be page aligned: mmap gives that.
  br->ring_bytes_ = sizeof(io_uring_buf) * count;
  void* mem = mmap(nullptr, br->ring_bytes_, PROT_READ | PROT_WRITE,
                   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    br->ring_bytes_ = 0;
    return ErrnoToStatus(errno, "mmap provided-buffer ring");
  }
  br->br_ = static_cast<io_uring_buf_ring*>(mem);
  br->bufs_bytes_ = size_t{count} * buf_size;
  mem = mmap(nullptr, br->bufs_bytes_, PROT_READ | PROT_WRITE,
             MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    br->bufs_bytes_ = 0;
    return ErrnoToStatus(errno, "mmap receive buffers");
  }
  br->bufs_ = static_cast<uint8_t*>(mem);

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uintptr_t>(br->br_);
  reg.ring_entries = count;
  reg.bgid = bgid;
  int err = io_uring_register_buf_ring(ring, &reg, 0);
  if (err < 0) {
    return ErrnoToStatus(-err, absl::StrCat("io_uring_register_buf_ring(bgid ",
                                            bgid, ") (needs Linux 5.19+)"));
  }
  br->registered_ = true;
  io_uring_buf_ring_init(br->br_);
  const int mask = io_uring_buf_ring_mask(count);
  for (uint32_t i = 0; i < count; ++i) {
    io_uring_buf_ring_add(br->br_, br->data(static_cast<uint16_t>(i)), buf_size,
                          static_cast<uint16_t>(i), mask, static_cast<int>(i));
  }
  io_uring_buf_ring_advance(br->br_, static_cast<int>(count));
  return br;
}

BufRing::~BufRing() {
  if (registered_) io_uring_unregister_buf_ring(ring_, bgid_);
  if (br_ != nullptr) munmap(br_, ring_bytes_);
  if (bufs_ != nullptr) munmap(bufs_, bufs_bytes_);
}

void BufRing::Recycle(uint16_t bid) {
  io_uring_buf_ring_add(br_, data(bid), buf_size_, bid,
                        io_uring_buf_ring_mask(count_), pending_);
  ++pending_;
}

void BufRing::Publish() {
  if (pending_ == 0) return;
  io_uring_buf_ring_advance(br_, pending_);
  pending_ = 0;
}

}  // namespace xdpxe::io
