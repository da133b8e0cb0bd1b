// Tests for the TFTP codec (userspace/tftp/packet.h).
#include "userspace/tftp/packet.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"

namespace xdpxe::tftp {
namespace {

using testing::Bytes;
using testing::Rrq;

std::vector<uint8_t> Raw(std::string_view s) { return Bytes(s); }

TEST(ParseRequestTest, PlainOctetRequest) {
  Request r;
  auto p = Rrq("snp_x64.efi");
  ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk);
  EXPECT_EQ(r.opcode, Opcode::kRrq);
  EXPECT_EQ(r.filename, "snp_x64.efi");
  EXPECT_EQ(r.mode, Mode::kOctet);
  EXPECT_FALSE(r.options.any());
}

TEST(ParseRequestTest, ModeIsCaseInsensitive) {
  for (std::string_view mode : {"OCTET", "Octet", "netascii", "NetAscii"}) {
    Request r;
    auto p = Rrq("f", {}, mode);
    ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk) << mode;
    EXPECT_EQ(r.mode, mode[0] == 'n' || mode[0] == 'N' ? Mode::kNetascii
                                                       : Mode::kOctet);
  }
}

TEST(ParseRequestTest, MailAndUnknownModesAreRefused) {
  Request r;
  auto mail = Rrq("f", {}, "mail");
  EXPECT_EQ(ParseRequest(mail, &r), RequestParse::kBadMode);
  auto junk = Rrq("f", {}, "binary");
  EXPECT_EQ(ParseRequest(junk, &r), RequestParse::kBadMode);
}

TEST(ParseRequestTest, Edk2ProbeOptions) {
  Request r;
  auto p = Rrq("snp_x64.efi",
               {{"tsize", "0"}, {"blksize", "1468"}, {"windowsize", "4"}});
  ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk);
  EXPECT_EQ(r.options.tsize, 0u);
  EXPECT_EQ(r.options.blksize, 1468u);
  EXPECT_EQ(r.options.windowsize, 4u);
  EXPECT_FALSE(r.options.timeout);
}

TEST(ParseRequestTest, OptionNamesAreCaseInsensitiveAndUnknownIgnored) {
  Request r;
  auto p = Rrq("f", {{"BLKSIZE", "1432"},
                     {"multicast", ""},
                     {"TSize", "0"},
                     {"Timeout", "3"},
                     {"WindowSize", "8"},
                     {"x-vendor", "whatever"}});
  ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk);
  EXPECT_EQ(r.options.blksize, 1432u);
  EXPECT_EQ(r.options.tsize, 0u);
  EXPECT_EQ(r.options.timeout, 3u);
  EXPECT_EQ(r.options.windowsize, 8u);
}

TEST(ParseRequestTest, FirstOfARepeatedOptionWins) {
  Request r;
  auto p = Rrq("f", {{"blksize", "1024"}, {"blksize", "9"}});
  ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk);
  EXPECT_EQ(r.options.blksize, 1024u);
}

TEST(ParseRequestTest, Malformed) {
  Request r;
  EXPECT_EQ(ParseRequest(Raw(""), &r), RequestParse::kTooShort);
  EXPECT_EQ(ParseRequest(Raw("\x00"), &r), RequestParse::kTooShort);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x09", 2)), &r),
            RequestParse::kTooShort);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x04\x00\x01", 4)), &r),
            RequestParse::kNotRequest);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x01"
                                         "abc",
                                         5)),
                         &r),
            RequestParse::kUnterminatedName);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x01\x00octet\x00", 9)), &r),
            RequestParse::kEmptyName);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x01"
                                         "f\x00octet",
                                         9)),
                         &r),
            RequestParse::kUnterminatedMode);
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x01"
                                         "f\x00octet\x00"
                                         "blksize\x00",
                                         18)),
                         &r),
            RequestParse::kUnterminatedOption);  // odd option count
  EXPECT_EQ(ParseRequest(Raw(std::string("\x00\x01"
                                         "f\x00octet\x00"
                                         "blksize\x00"
                                         "512",
                                         21)),
                         &r),
            RequestParse::kUnterminatedOption);  // value without NUL
}

TEST(ParseRequestTest, OutOfRangeOptionValuesAreRefusedByName) {
  struct Case {
    const char* name;
    const char* value;
  } cases[] = {{"blksize", "7"},   {"blksize", "abc"},
               {"blksize", ""},    {"timeout", "0"},
               {"timeout", "256"}, {"windowsize", "0"},
               {"tsize", "-1"},    {"blksize", "+512"},
               {"timeout", " 5"},  {"windowsize", "99999999999999999999999"}};
  for (const Case& c : cases) {
    Request r;
    auto p = Rrq("f", {{c.name, c.value}});
    EXPECT_EQ(ParseRequest(p, &r), RequestParse::kOptionRefused)
        << c.name << "=" << c.value;
    EXPECT_EQ(r.options.refused_option, c.name);
  }
}

TEST(ParseRequestTest, LargeValuesAreKeptForNegotiation) {
  Request r;
  auto p = Rrq("f", {{"blksize", "65464"}, {"windowsize", "65535"}});
  ASSERT_EQ(ParseRequest(p, &r), RequestParse::kOk);
  EXPECT_EQ(r.options.blksize, 65464u);
  auto q = Rrq("f", {{"blksize", "100000"}});
  ASSERT_EQ(ParseRequest(q, &r), RequestParse::kOk);
  EXPECT_EQ(r.options.blksize, 100000u);  // capped by Negotiate()
}

TEST(ParseRequestTest, WriteRequest) {
  std::vector<uint8_t> buf(64);
  buf.resize(BuildRequest(buf, Opcode::kWrq, "up.bin", "octet"));
  Request r;
  ASSERT_EQ(ParseRequest(buf, &r), RequestParse::kOk);
  EXPECT_EQ(r.opcode, Opcode::kWrq);
}

TEST(CodecTest, DataAckErrorRoundTrip) {
  std::vector<uint8_t> buf(600);
  std::vector<uint8_t> payload = Bytes("hello");
  size_t n = BuildData(buf, 0xfffe, payload);
  ASSERT_EQ(n, 9u);
  auto d = ParseData(std::span(buf).first(n));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->block, 0xfffe);
  EXPECT_EQ(testing::String(d->data), "hello");

  n = BuildAck(buf, 65535);
  EXPECT_EQ(ParseAck(std::span(buf).first(n)), 65535);
  EXPECT_FALSE(ParseAck(std::span(buf).first(3)));

  n = BuildError(buf, ErrorCode::kFileNotFound, "nope");
  auto e = ParseError(std::span(buf).first(n));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, ErrorCode::kFileNotFound);
  EXPECT_EQ(e->message, "nope");
  EXPECT_EQ(buf[n - 1], 0);
}

TEST(CodecTest, BuildersRefuseTooSmallBuffers) {
  std::vector<uint8_t> small(3);
  EXPECT_EQ(BuildAck(small, 1), 0u);
  EXPECT_EQ(WriteDataHeader(small, 1), 0u);
  std::vector<uint8_t> four(4);
  std::vector<uint8_t> one = Bytes("x");
  EXPECT_EQ(BuildData(four, 1, one), 0u);
  EXPECT_EQ(BuildRequest(four, Opcode::kRrq, "file", "octet"), 0u);
  OackWriter w(four);
  w.Add("blksize", 1468);
  EXPECT_EQ(w.size(), 0u);
}

TEST(CodecTest, ErrorMessageIsTruncatedAndTerminated) {
  std::vector<uint8_t> buf(8);
  size_t n = BuildError(buf, ErrorCode::kNotDefined, "a long message");
  ASSERT_EQ(n, 8u);
  EXPECT_EQ(buf[7], 0);
  EXPECT_EQ(ParseError(buf)->message, "a l");
}

TEST(CodecTest, OackWriterAndParser) {
  std::vector<uint8_t> buf(128);
  OackWriter w(buf);
  w.Add("blksize", 1468);
  w.Add("tsize", 173792);
  w.Add("windowsize", 0);
  ASSERT_GT(w.size(), 2u);
  std::string expect(
      "\x00\x06"
      "blksize\x00"
      "1468\x00"
      "tsize\x00"
      "173792\x00"
      "windowsize\x00"
      "0\x00",
      2 + 13 + 13 + 13);
  EXPECT_EQ(testing::String(std::span(buf).first(w.size())), expect);
  auto o = ParseOack(std::span(buf).first(w.size()));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->blksize, 1468u);
  EXPECT_EQ(o->tsize, 173792u);
  EXPECT_EQ(o->windowsize, 0u);
}

TEST(CodecTest, PeekOpcode) {
  EXPECT_EQ(PeekOpcode(Raw(std::string("\x00\x06", 2))), Opcode::kOack);
  EXPECT_FALSE(PeekOpcode(Raw(std::string("\x00\x07", 2))));
  EXPECT_FALSE(PeekOpcode(Raw(std::string("\x00\x00", 2))));
  EXPECT_FALSE(PeekOpcode(Raw("")));
}

}  // namespace
}  // namespace xdpxe::tftp
