#include "userspace/net/checksum.h"

#include <vector>

#include "gtest/gtest.h"

namespace xdpxe::net {
namespace {

// RFC 1071 section 3 example: 0001 f203 f4f5 f6f7 sums to ddf2 → ~ = 220d.
TEST(ChecksumTest, Rfc1071Example) {
  std::vector<uint8_t> d = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(FoldChecksum(ChecksumAdd(d)), 0x220d);
}

TEST(ChecksumTest, OddLengthPadsWithZero) {
  std::vector<uint8_t> odd = {0x12, 0x34, 0x56};
  std::vector<uint8_t> even = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(FoldChecksum(ChecksumAdd(odd)), FoldChecksum(ChecksumAdd(even)));
}

TEST(ChecksumTest, ChainedEqualsWhole) {
  std::vector<uint8_t> d(1001);
  for (size_t i = 0; i < d.size(); ++i) d[i] = uint8_t(i * 7 + 3);
  uint64_t whole = ChecksumAdd(d);
  // Split at an even offset: the sum is the same.
  uint64_t part = ChecksumAdd({d.data() + 500, d.size() - 500},
                              ChecksumAdd({d.data(), 500}));
  EXPECT_EQ(FoldChecksum(whole), FoldChecksum(part));
}

TEST(ChecksumTest, KnownIpv4Header) {
  // A header from Wikipedia's IPv4 checksum example: checksum b861.
  std::vector<uint8_t> h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                            0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(Ipv4HeaderChecksum(h), 0xb861);
  h[10] = 0xb8;
  h[11] = 0x61;
  EXPECT_EQ(Ipv4HeaderChecksum(h), 0);
}

TEST(ChecksumTest, LargeBufferDoesNotOverflow) {
  std::vector<uint8_t> d(65507, 0xff);
  // All-ones words sum to all-ones: checksum 0 → UDP encodes as 0xffff.
  EXPECT_EQ(FoldChecksum(ChecksumAdd(d)) & 0xffff,
            FoldChecksum(ChecksumAdd(d)));
  Ipv4Addr z;
  uint16_t c = UdpChecksum(z, z, d);
  EXPECT_NE(c, 0);
}

}  // namespace
}  // namespace xdpxe::net
