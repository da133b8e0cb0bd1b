// Tests the steering classifier's rules (classify.h), one rule at a time,
// and on every frame of the real captures.
#include "userspace/dhcp/classify.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/dhcp/test_util.h"

namespace xdpxe::dhcp {
namespace {

using testing::RawBootp;

SteerClass Classify(const std::vector<uint8_t>& p) {
  return ClassifyBootRequest(p);
}

TEST(ClassifyTest, ShortPayloadIsMalformedBeforeAnythingElse) {
  std::vector<uint8_t> p = RawBootp().Op(2).Bytes();
  p.resize(239);
  EXPECT_EQ(Classify(p), SteerClass::kMalformed);
  EXPECT_EQ(ClassifyBootRequest({}), SteerClass::kMalformed);
}

TEST(ClassifyTest, BareHeaderIsOrdinary) {
  EXPECT_EQ(Classify(RawBootp().Bytes()), SteerClass::kOrdinary);
}

TEST(ClassifyTest, ReplyIsNotBootRequestEvenWithBadCookie) {
  EXPECT_EQ(Classify(RawBootp().Op(2).Opt(60, "PXEClient").Bytes()),
            SteerClass::kNotBootRequest);
  EXPECT_EQ(Classify(RawBootp().Op(2).Set(236, 0).Bytes()),
            SteerClass::kNotBootRequest);
  EXPECT_EQ(Classify(RawBootp().Op(0).Bytes()), SteerClass::kNotBootRequest);
}

TEST(ClassifyTest, HlenAbove16IsMalformed) {
  EXPECT_EQ(Classify(RawBootp().Set(2, 16).Opt(60, "PXEClient").Bytes()),
            SteerClass::kPxe);
  EXPECT_EQ(Classify(RawBootp().Set(2, 17).Opt(60, "PXEClient").Bytes()),
            SteerClass::kMalformed);
}

TEST(ClassifyTest, BadCookieIsMalformed) {
  for (size_t i = 236; i < 240; ++i) {
    auto p = RawBootp().Opt(60, "PXEClient").Bytes();
    p[i] ^= 0x01;
    EXPECT_EQ(Classify(p), SteerClass::kMalformed) << i;
  }
}

TEST(ClassifyTest, VendorClassPrefixes) {
  EXPECT_EQ(Classify(RawBootp()
                         .Opt(53, {1})
                         .Opt(60, "PXEClient:Arch:00007:UNDI:003000")
                         .End()
                         .Bytes()),
            SteerClass::kPxe);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "HTTPClient:Arch:00016").Bytes()),
            SteerClass::kPxe);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "PXEClient").Bytes()),
            SteerClass::kPxe);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "PXEClien").Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().Opt(60, " PXEClient").Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "pxeclient").Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "MSFT 5.0").Bytes()),
            SteerClass::kOrdinary);
  // Any instance counts, not only the first.
  EXPECT_EQ(
      Classify(
          RawBootp().Opt(60, "MSFT").Opt(60, "PXEClient:Arch:00000").Bytes()),
      SteerClass::kPxe);
}

TEST(ClassifyTest, UserClassContainingIpxe) {
  EXPECT_EQ(Classify(RawBootp().Opt(77, "iPXE").Bytes()), SteerClass::kIpxe);
  // RFC 3004 length-prefixed form, and iPXE anywhere in the data.
  EXPECT_EQ(Classify(RawBootp().Opt(77, "\x04iPXE").Bytes()),
            SteerClass::kIpxe);
  EXPECT_EQ(Classify(RawBootp().Opt(77, "gPXE,iPXE!").Bytes()),
            SteerClass::kIpxe);
  EXPECT_EQ(Classify(RawBootp().Opt(77, "ipxe").Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().Opt(77, "iPX").Bytes()), SteerClass::kOrdinary);
  // iPXE wins over PXEClient.
  EXPECT_EQ(Classify(RawBootp().Opt(60, "PXEClient").Opt(77, "iPXE").Bytes()),
            SteerClass::kIpxe);
  // "iPXE" split over two instances is not contiguous data: not matched.
  EXPECT_EQ(Classify(RawBootp().Opt(77, "iP").Opt(77, "XE").Bytes()),
            SteerClass::kOrdinary);
}

TEST(ClassifyTest, OverloadIsNeverSteered) {
  EXPECT_EQ(
      Classify(
          RawBootp().Opt(52, {3}).Opt(60, "PXEClient").Opt(77, "iPXE").Bytes()),
      SteerClass::kOverload);
  EXPECT_EQ(Classify(RawBootp().Opt(60, "PXEClient").Opt(52, {}).Bytes()),
            SteerClass::kOverload);
}

TEST(ClassifyTest, PadAndEnd) {
  EXPECT_EQ(Classify(RawBootp().Raw({0, 0, 0}).Opt(60, "PXEClient").Bytes()),
            SteerClass::kPxe);
  // Nothing after 255 is looked at, not even garbage.
  EXPECT_EQ(Classify(RawBootp().End().Opt(60, "PXEClient").Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().End().Raw({60, 200}).Bytes()),
            SteerClass::kOrdinary);
  EXPECT_EQ(Classify(RawBootp().Raw({0, 0}).Bytes()), SteerClass::kOrdinary);
}

TEST(ClassifyTest, OptionsMustFit) {
  // Length byte missing.
  EXPECT_EQ(Classify(RawBootp().Opt(60, "PXEClient").Raw({12}).Bytes()),
            SteerClass::kMalformed);
  // Data runs past the end by one byte; exactly fitting is fine.
  auto p = RawBootp().Opt(60, "PXEClient").Bytes();
  EXPECT_EQ(Classify(p), SteerClass::kPxe);
  p[241] = 10;
  EXPECT_EQ(Classify(p), SteerClass::kMalformed);
  // A malformed option after an overload still reads as malformed.
  EXPECT_EQ(Classify(RawBootp().Opt(52, {1}).Raw({60, 5, 'P'}).Bytes()),
            SteerClass::kMalformed);
  // Zero-length options are legal.
  EXPECT_EQ(Classify(RawBootp().Opt(12, {}).Opt(60, "PXEClient").Bytes()),
            SteerClass::kPxe);
}

TEST(ClassifyTest, RealCaptures) {
  int pxe = 0, ipxe = 0;
  for (const char* fixture : testing::kFixtures) {
    for (const auto& c : testing::LoadDhcp(fixture)) {
      const SteerClass got = ClassifyBootRequest(c.udp.payload);
      SCOPED_TRACE(std::string(fixture) + " #" + std::to_string(c.index));
      if (c.udp.payload[0] == 2) {
        EXPECT_EQ(got, SteerClass::kNotBootRequest);
        continue;
      }
      // Every client request in these captures is a PXE firmware's or iPXE's.
      const bool has_ipxe_uc =
          std::string(c.udp.payload.begin(), c.udp.payload.end())
              .find("iPXE") != std::string::npos;
      EXPECT_EQ(got, has_ipxe_uc ? SteerClass::kIpxe : SteerClass::kPxe);
      (has_ipxe_uc ? ipxe : pxe)++;
    }
  }
  EXPECT_EQ(pxe, 6);   // OVMF 1, 7, 11; AAVMF 1, 7, 11
  EXPECT_EQ(ipxe, 9);  // OVMF 257, 260; SeaBIOS 1, 4, 11; ROM 1, 4, 8, 14
}

TEST(ClassifyTest, Names) {
  EXPECT_EQ(SteerClassName(SteerClass::kIpxe), "ipxe");
  EXPECT_EQ(SteerClassName(SteerClass::kNotBootRequest), "not-boot-request");
  EXPECT_TRUE(IsSteered(SteerClass::kPxe));
  EXPECT_FALSE(IsSteered(SteerClass::kOverload));
}

}  // namespace
}  // namespace xdpxe::dhcp
