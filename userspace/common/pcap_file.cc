#include "userspace/common/pcap_file.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace xdpxe {

namespace {

uint32_t Get32(const uint8_t* p, bool swap) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

}  // namespace

absl::StatusOr<std::vector<PcapFrame>> ReadPcap(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("pcap: cannot open ", path));
  std::vector<uint8_t> d((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  if (d.size() < 24)
    return absl::InvalidArgumentError(absl::StrCat("pcap: too short: ", path));
  uint32_t magic;
  std::memcpy(&magic, d.data(), 4);
  bool swap, nanos;
  switch (magic) {
    case 0xa1b2c3d4:
      swap = false;
      nanos = false;
      break;
    case 0xd4c3b2a1:
      swap = true;
      nanos = false;
      break;
    case 0xa1b23c4d:
      swap = false;
      nanos = true;
      break;
    case 0x4d3cb2a1:
      swap = true;
      nanos = true;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("pcap: not a pcap file (bad magic): ", path));
  }
  if (Get32(d.data() + 20, swap) != 1)
    return absl::InvalidArgumentError(
        absl::StrCat("pcap: not an Ethernet capture: ", path));
  std::vector<PcapFrame> frames;
  size_t off = 24;
  double t0 = -1;
  while (off + 16 <= d.size()) {
    uint32_t sec = Get32(d.data() + off, swap);
    uint32_t frac = Get32(d.data() + off + 4, swap);
    uint32_t incl = Get32(d.data() + off + 8, swap);
    uint32_t orig = Get32(d.data() + off + 12, swap);
    off += 16;
    if (incl > d.size() - off)
      return absl::InvalidArgumentError(absl::StrCat(
          "pcap: frame ", frames.size() + 1, " runs past the end: ", path));
    double t = sec + frac / (nanos ? 1e9 : 1e6);
    if (t0 < 0) t0 = t;
    PcapFrame f;
    f.index = static_cast<int>(frames.size()) + 1;
    f.time = t - t0;
    f.orig_len = orig;
    f.data.assign(d.begin() + off, d.begin() + off + incl);
    frames.push_back(std::move(f));
    off += incl;
  }
  return frames;
}

}  // namespace xdpxe
