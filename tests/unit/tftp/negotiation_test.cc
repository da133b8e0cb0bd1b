// Tests for RFC 2347 option negotiation (userspace/tftp/negotiation.h): the
// matrix of what clients ask against what the server allows.
#include "userspace/tftp/negotiation.h"

#include <optional>

#include "gtest/gtest.h"

namespace xdpxe::tftp {
namespace {

struct Row {
  const char* what;
  std::optional<uint32_t> blksize, windowsize, timeout;
  std::optional<uint64_t> tsize;
  NegotiationLimits lim;
  uint16_t want_blksize, want_window;
  bool want_oack;
};

class NegotiationMatrix : public ::testing::TestWithParam<Row> {};

TEST_P(NegotiationMatrix, Negotiates) {
  const Row& row = GetParam();
  RequestOptions o;
  o.blksize = row.blksize;
  o.windowsize = row.windowsize;
  o.timeout = row.timeout;
  o.tsize = row.tsize;
  Negotiated n = Negotiate(o, row.lim);
  EXPECT_EQ(n.blksize, row.want_blksize) << row.what;
  EXPECT_EQ(n.window, row.want_window) << row.what;
  EXPECT_EQ(n.oack(), row.want_oack) << row.what;
  EXPECT_EQ(n.ack_blksize, row.blksize.has_value());
  EXPECT_EQ(n.ack_window, row.windowsize.has_value());
  EXPECT_EQ(n.ack_tsize, row.tsize.has_value());
  EXPECT_EQ(n.ack_timeout, row.timeout.has_value());
}

constexpr NegotiationLimits k1500{1468, 64};
constexpr NegotiationLimits k9000{8968, 64};
constexpr NegotiationLimits kNoWindow{1468, 1};

INSTANTIATE_TEST_SUITE_P(
    Rows, NegotiationMatrix,
    ::testing::Values(
        Row{"RFC 1350: no options", {}, {}, {}, {}, k1500, 512, 1, false},
        Row{"EDK2 probe", 1468, 4, {}, 0, k1500, 1468, 4, true},
        Row{"EDK2 real", 1468, 4, {}, {}, k1500, 1468, 4, true},
        Row{"iPXE", 1432, {}, {}, 0, k1500, 1432, 1, true},
        Row{"GRUB", 1024, {}, {}, 0, k1500, 1024, 1, true},
        Row{"blksize over MTU", 8192, {}, {}, {}, k1500, 1468, 1, true},
        Row{"jumbo MTU", 8192, {}, {}, {}, k9000, 8192, 1, true},
        Row{"blksize max", 65464, {}, {}, {}, {65464, 64}, 65464, 1, true},
        Row{"blksize beyond RFC max",
            100000,
            {},
            {},
            {},
            {65464, 64},
            65464,
            1,
            true},
        Row{"blksize min", 8, {}, {}, {}, k1500, 8, 1, true},
        Row{"window capped", {}, 1000, {}, {}, k1500, 512, 64, true},
        Row{"window cap 1", {}, 16, {}, {}, kNoWindow, 512, 1, true},
        Row{"window 1", {}, 1, {}, {}, k1500, 512, 1, true},
        Row{"timeout only", {}, {}, 5, {}, k1500, 512, 1, true},
        Row{"tsize only", {}, {}, {}, 0, k1500, 512, 1, true},
        Row{"everything", 1468, 16, 2, 0, k1500, 1468, 16, true}));

TEST(BuildOackTest, OnlyAcceptedOptionsInRequestOrderIndependentForm) {
  RequestOptions o;
  o.blksize = 9000;
  o.tsize = 0;
  o.timeout = 3;
  o.windowsize = 4;
  Negotiated n = Negotiate(o, k1500);
  std::vector<uint8_t> buf(kMaxOackLen);
  size_t len = BuildOack(buf, n, 173792);
  auto parsed = ParseOack(std::span(buf).first(len));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->blksize, 1468u);
  EXPECT_EQ(parsed->tsize, 173792u);
  EXPECT_EQ(parsed->timeout, 3u);
  EXPECT_EQ(parsed->windowsize, 4u);

  RequestOptions only_tsize;
  only_tsize.tsize = 0;
  len = BuildOack(buf, Negotiate(only_tsize, k1500), 331);
  parsed = ParseOack(std::span(buf).first(len));
  EXPECT_FALSE(parsed->blksize);
  EXPECT_FALSE(parsed->windowsize);
  EXPECT_EQ(parsed->tsize, 331u);
}

TEST(BuildOackTest, LargestOackFits) {
  Negotiated n;
  n.ack_blksize = n.ack_tsize = n.ack_timeout = n.ack_window = true;
  n.blksize = 65464;
  n.window = 65535;
  n.timeout_s = 255;
  std::vector<uint8_t> buf(kMaxOackLen);
  EXPECT_GT(BuildOack(buf, n, UINT64_MAX), 0u);
}

}  // namespace
}  // namespace xdpxe::tftp
