// Malformed input: every rejection reason of ParseMessage, truncation at
// every offset, seeded random mutations of the real captures' frames, and
// the contract with the steering classifier: a message the codec rejects is
// never steered (kPxe/kIpxe). Under ASan/UBSan these also prove the parser
// never reads outside the payload (each input is copied to an exact-size
// heap buffer, so one byte over is caught).
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/dhcp/test_util.h"
#include "userspace/dhcp/classify.h"
#include "userspace/dhcp/message.h"

namespace xdpxe::dhcp {
namespace {

using testing::RawBootp;

ParseError Parse(const std::vector<uint8_t>& p) {
  Message m;
  return ParseMessage(p, &m);
}

// Parses and, when accepted, touches everything a consumer would: every
// option's pieces and Describe.
ParseError ParseAndUse(const std::vector<uint8_t>& p) {
  Message m;
  const ParseError e = ParseMessage(p, &m);
  if (e == ParseError::kOk) {
    for (size_t i = 0; i < m.option_count(); ++i) {
      const OptionValue v = m.Get(m.option_code(i));
      std::vector<uint8_t> flat(v.size());
      EXPECT_EQ(v.CopyTo(flat), v.size());
      v.Contains("iPXE");
      v.StartsWith("PXEClient");
    }
    EXPECT_FALSE(Describe(m).empty());
  }
  return e;
}

void ExpectConsistent(const std::vector<uint8_t>& p) {
  const ParseError e = ParseAndUse(p);
  const SteerClass c = ClassifyBootRequest(p);
  if (e != ParseError::kOk) {
    EXPECT_FALSE(IsSteered(c)) << "codec rejects (" << ParseErrorName(e)
                               << ") but classifier says " << SteerClassName(c);
  }
  // The converse direction of the mirror: the classifier's malformed set is
  // exactly the codec's for requests (same walk of the options field).
  if (c == SteerClass::kMalformed) {
    EXPECT_NE(e, ParseError::kOk);
  }
  if (c == SteerClass::kPxe || c == SteerClass::kIpxe ||
      c == SteerClass::kOrdinary) {
    EXPECT_EQ(e, ParseError::kOk);
  }
}

TEST(MalformedTest, HeaderReasons) {
  std::vector<uint8_t> p = RawBootp().Bytes();
  EXPECT_EQ(Parse(p), ParseError::kOk);
  EXPECT_EQ(Parse(std::vector<uint8_t>(p.begin(), p.end() - 1)),
            ParseError::kTruncated);
  EXPECT_EQ(Parse({}), ParseError::kTruncated);
  EXPECT_EQ(Parse(RawBootp().Op(0).Bytes()), ParseError::kBadOp);
  EXPECT_EQ(Parse(RawBootp().Op(3).Bytes()), ParseError::kBadOp);
  EXPECT_EQ(Parse(RawBootp().Set(2, 17).Bytes()), ParseError::kBadHlen);
  EXPECT_EQ(Parse(RawBootp().Set(2, 255).Bytes()), ParseError::kBadHlen);
  EXPECT_EQ(Parse(RawBootp().Set(239, 0x62).Bytes()), ParseError::kBadCookie);
}

TEST(MalformedTest, OptionReasons) {
  EXPECT_EQ(Parse(RawBootp().Raw({60}).Bytes()), ParseError::kOptionTruncated);
  EXPECT_EQ(Parse(RawBootp().Raw({60, 1}).Bytes()), ParseError::kOptionOverrun);
  EXPECT_EQ(Parse(RawBootp().Raw({60, 255, 'P'}).Bytes()),
            ParseError::kOptionOverrun);
  EXPECT_EQ(Parse(RawBootp().Raw({0, 0, 60, 0}).Bytes()), ParseError::kOk);
  // After the end option nothing is parsed.
  EXPECT_EQ(Parse(RawBootp().End().Raw({60, 200}).Bytes()), ParseError::kOk);
}

TEST(MalformedTest, OverloadReasons) {
  EXPECT_EQ(Parse(RawBootp().Opt(52, {}).Bytes()), ParseError::kBadOverload);
  EXPECT_EQ(Parse(RawBootp().Opt(52, {0}).Bytes()), ParseError::kBadOverload);
  EXPECT_EQ(Parse(RawBootp().Opt(52, {4}).Bytes()), ParseError::kBadOverload);
  EXPECT_EQ(Parse(RawBootp().Opt(52, {1, 1}).Bytes()),
            ParseError::kBadOverload);
  // Repeated 52 concatenates to two bytes: not one valid value.
  EXPECT_EQ(Parse(RawBootp().Opt(52, {1}).Opt(52, {2}).Bytes()),
            ParseError::kBadOverload);
  // 52 inside the areas it overloads: a loop / self-reference.
  EXPECT_EQ(Parse(RawBootp().Opt(52, {1}).At(kOffFile, {52, 1, 1}).Bytes()),
            ParseError::kOverloadLoop);
  EXPECT_EQ(Parse(RawBootp().Opt(52, {3}).At(kOffSname, {52, 1, 2}).Bytes()),
            ParseError::kOverloadLoop);
  // Not overloaded: 52-looking bytes in file are just a file name.
  EXPECT_EQ(Parse(RawBootp().At(kOffFile, {52, 1, 1}).Bytes()),
            ParseError::kOk);
  // Options in file/sname must stay inside their field, even though the
  // payload goes on.
  EXPECT_EQ(Parse(RawBootp().Opt(52, {1}).At(kOffFile + 126, {12, 5}).Bytes()),
            ParseError::kOptionOverrun);
  EXPECT_EQ(Parse(RawBootp().Opt(52, {2}).At(kOffSname + 63, {12}).Bytes()),
            ParseError::kOptionTruncated);
  // Without an end option an overloaded field simply runs out.
  EXPECT_EQ(Parse(RawBootp().Opt(52, {2}).At(kOffSname + 60, {12, 2}).Bytes()),
            ParseError::kOk);
}

TEST(MalformedTest, TruncatedAtEveryOffset) {
  for (const char* fixture : testing::kFixtures) {
    for (const auto& c : testing::LoadDhcp(fixture)) {
      const std::vector<uint8_t> full(c.udp.payload.begin(),
                                      c.udp.payload.end());
      ASSERT_EQ(Parse(full), ParseError::kOk) << fixture << " #" << c.index;
      for (size_t n = 0; n < full.size(); ++n) {
        const std::vector<uint8_t> cut(full.begin(), full.begin() + n);
        const ParseError e = ParseAndUse(cut);
        if (n < kFixedLen) {
          EXPECT_EQ(e, ParseError::kTruncated) << n;
        } else {
          EXPECT_TRUE(e == ParseError::kOk ||
                      e == ParseError::kOptionTruncated ||
                      e == ParseError::kOptionOverrun)
              << n << " " << ParseErrorName(e);
        }
        ExpectConsistent(cut);
      }
    }
  }
}

TEST(MalformedTest, EveryOptionLengthByteTooLong) {
  // For each option of a real DISCOVER, grow its length so that it runs
  // past the end of the payload: always rejected, never steered.
  const auto frames = testing::LoadDhcp("ovmf-x64-pxe-boot.pcap");
  const std::vector<uint8_t> p(frames[0].udp.payload.begin(),
                               frames[0].udp.payload.end());
  size_t off = kOffOptions;
  int checked = 0;
  while (off < p.size() && p[off] != opt::kEnd) {
    std::vector<uint8_t> bad = p;
    bad.pop_back();  // drop the end option so the overrun hits the end
    const size_t room = bad.size() - off - 2;
    bad[off + 1] = uint8_t(std::min<size_t>(255, room + 1));
    if (room < 255) {
      EXPECT_EQ(Parse(bad), ParseError::kOptionOverrun) << off;
      EXPECT_EQ(ClassifyBootRequest(bad), SteerClass::kMalformed) << off;
      ++checked;
    }
    off += 2 + p[off + 1];
  }
  EXPECT_EQ(checked, 7);
}

TEST(MalformedTest, SeededMutationsOfCaptures) {
  std::mt19937 rng(20260903);
  int rejected = 0, total = 0;
  for (const char* fixture : testing::kFixtures) {
    for (const auto& c : testing::LoadDhcp(fixture)) {
      const std::vector<uint8_t> base(c.udp.payload.begin(),
                                      c.udp.payload.end());
      for (int round = 0; round < 300; ++round) {
        std::vector<uint8_t> p = base;
        const int edits = 1 + int(rng() % 6);
        for (int k = 0; k < edits && !p.empty(); ++k) {
          const size_t at = rng() % p.size();
          switch (rng() % 6) {
            case 0:  // flip a bit
              p[at] ^= uint8_t(1u << (rng() % 8));
              break;
            case 1:  // a random byte, biased to the options area
              p[std::max<size_t>(at, std::min(p.size() - 1, kOffOptions))] =
                  uint8_t(rng());
              break;
            case 2:  // an interesting byte
              p[at] = std::array<uint8_t, 8>{
                  0, 1, 52, 60, 77, 255, 0xff, 0x80}[rng() % 8];
              break;
            case 3:  // truncate
              p.resize(at);
              break;
            case 4:  // insert a byte
              p.insert(p.begin() + at, uint8_t(rng()));
              break;
            case 5:  // force a request so the classifier walks it
              p[0] = kBootRequest;
              break;
          }
        }
        ++total;
        if (ParseAndUse(p) != ParseError::kOk) ++rejected;
        ExpectConsistent(p);
        if (HasFailure()) {
          FAIL() << fixture << " #" << c.index << " round " << round;
        }
      }
    }
  }
  // The mutations must actually exercise the rejection paths.
  EXPECT_GT(rejected, total / 10);
  EXPECT_LT(rejected, total);
}

TEST(MalformedTest, RandomBytesBehindAValidHeader) {
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> p = RawBootp().Bytes();
    const size_t extra = rng() % 80;
    for (size_t i = 0; i < extra; ++i) {
      // Small alphabet so 52, 60, 77, pads and ends collide often.
      static constexpr uint8_t kAlpha[] = {0,  1,  2,   3,   52,  60, 77,
                                           93, 97, 255, 'P', 'i', 'X'};
      p.push_back(kAlpha[rng() % sizeof(kAlpha)]);
    }
    if (rng() % 4 == 0) p[kOffHlen] = uint8_t(rng());
    if (rng() % 3 == 0) {
      for (size_t i = kOffSname; i < kOffCookie; ++i) {
        p[i] = rng() % 2 ? 0 : uint8_t(rng() % 4 == 0 ? 52 : rng());
      }
    }
    ExpectConsistent(p);
    if (HasFailure()) FAIL() << "round " << round;
  }
}

}  // namespace
}  // namespace xdpxe::dhcp
