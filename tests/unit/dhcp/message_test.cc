// Tests the DHCP codec (message.h): real firmware messages, builder/parser
// round trips, option overload and RFC 3396 concatenation, Describe().
#include "userspace/dhcp/message.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/dhcp/test_util.h"
#include "userspace/dhcp/guid.h"

namespace xdpxe::dhcp {
namespace {

using ::testing::HasSubstr;
using testing::RawBootp;

std::vector<uint8_t> Frame(const char* fixture, int index) {
  for (auto& c : testing::LoadDhcp(fixture)) {
    if (c.index == index) {
      return std::vector<uint8_t>(c.udp.payload.begin(), c.udp.payload.end());
    }
  }
  ADD_FAILURE() << fixture << " has no DHCP frame #" << index;
  return {};
}

TEST(MessageTest, ParsesOvmfDiscover) {
  const auto p = Frame("ovmf-x64-pxe-boot.pcap", 1);
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.header().op, kBootRequest);
  EXPECT_EQ(m.header().htype, 1);
  EXPECT_EQ(m.header().hlen, 6);
  EXPECT_EQ(m.header().xid, 0xe642b097u);
  EXPECT_EQ(m.header().flags, 0x8000);
  EXPECT_TRUE(m.broadcast());
  EXPECT_TRUE(m.header().ciaddr.IsAny());
  EXPECT_EQ(m.mac().ToString(), "52:54:00:18:00:07");
  EXPECT_EQ(m.type(), MessageType::kDiscover);
  EXPECT_EQ(m.Get(opt::kClientArch).U16(), 7);
  EXPECT_EQ(m.Get(opt::kMaxMessageSize).U16(), 1472);
  EXPECT_TRUE(m.Get(opt::kVendorClass).StartsWith("PXEClient"));
  EXPECT_TRUE(m.Get(opt::kVendorClass).Contains("UNDI:003000"));
  EXPECT_FALSE(m.Has(opt::kUserClass));
  EXPECT_EQ(m.Get(opt::kParamRequestList).size(), 35u);
  // Wire order: 53 57 55 97 94 93 60.
  ASSERT_EQ(m.option_count(), 7u);
  EXPECT_EQ(m.option_code(0), 53);
  EXPECT_EQ(m.option_code(6), 60);
  auto g = ClientGuid::FromOption97(m.Get(opt::kClientGuid));
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->ToString(), "5eed0000-0000-4000-8000-525400180007");
  EXPECT_EQ(m.sname(), "");
  EXPECT_EQ(m.file(), "");
}

TEST(MessageTest, ParsesDnsmasqReplies) {
  Message m;
  const auto ack = Frame("ovmf-x64-pxe-boot.pcap", 12);
  ASSERT_EQ(ParseMessage(ack, &m), ParseError::kOk);
  EXPECT_EQ(m.header().op, kBootReply);
  EXPECT_EQ(m.type(), MessageType::kAck);
  EXPECT_EQ(m.file(), "snp_x64.efi");
  EXPECT_EQ(m.sname(), "198.18.0.1");
  EXPECT_EQ(m.header().siaddr.ToString(), "198.18.0.1");
  EXPECT_EQ(m.Get(opt::kServerId).Ip()->ToString(), "198.18.0.1");
  EXPECT_TRUE(m.Get(opt::kVendorClass)
                  .Equals(std::vector<uint8_t>{'P', 'X', 'E', 'C', 'l', 'i',
                                               'e', 'n', 't'}));
}

TEST(MessageTest, BuildParseRoundTripEveryField) {
  std::vector<uint8_t> buf(600, 0xcc);
  MessageBuilder b(buf);
  std::array<uint8_t, 16> ch{};
  for (int i = 0; i < 16; ++i) ch[i] = uint8_t(0xa0 + i);
  b.set_op(kBootReply)
      .set_htype(1)
      .set_hlen(16)
      .set_hops(3)
      .set_xid(0xdeadbeef)
      .set_secs(513)
      .set_flags(0x8000)
      .set_ciaddr(net::Ipv4Addr::FromOctets(198, 18, 0, 10))
      .set_yiaddr(net::Ipv4Addr::FromOctets(198, 18, 0, 11))
      .set_siaddr(net::Ipv4Addr::FromOctets(198, 18, 0, 12))
      .set_giaddr(net::Ipv4Addr::FromOctets(198, 18, 0, 13))
      .set_chaddr(ch)
      .set_sname("boot-server")
      .set_file("snp_x64.efi");
  b.AddU8(opt::kMessageType, uint8_t(MessageType::kOffer));
  b.AddIp(opt::kServerId, net::Ipv4Addr::FromOctets(198, 18, 0, 1));
  b.AddU16(opt::kMaxMessageSize, 1500);
  b.AddU32(opt::kLeaseTime, 600);
  b.Add(opt::kVendorClass, "PXEClient");
  b.Add(opt::kHostName, std::span<const uint8_t>());
  const size_t n = b.Finish();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(n, kMinBootpLen);

  Message m;
  ASSERT_EQ(ParseMessage(std::span(buf).first(n), &m), ParseError::kOk);
  const BootpHeader& h = m.header();
  EXPECT_EQ(h.op, kBootReply);
  EXPECT_EQ(h.hlen, 16);
  EXPECT_EQ(h.hops, 3);
  EXPECT_EQ(h.xid, 0xdeadbeefu);
  EXPECT_EQ(h.secs, 513);
  EXPECT_EQ(h.flags, 0x8000);
  EXPECT_EQ(h.ciaddr.ToString(), "198.18.0.10");
  EXPECT_EQ(h.yiaddr.ToString(), "198.18.0.11");
  EXPECT_EQ(h.siaddr.ToString(), "198.18.0.12");
  EXPECT_EQ(h.giaddr.ToString(), "198.18.0.13");
  EXPECT_EQ(h.chaddr, ch);
  EXPECT_EQ(m.sname(), "boot-server");
  EXPECT_EQ(m.file(), "snp_x64.efi");
  EXPECT_EQ(m.type(), MessageType::kOffer);
  EXPECT_EQ(m.Get(opt::kServerId).Ip(),
            net::Ipv4Addr::FromOctets(198, 18, 0, 1));
  EXPECT_EQ(m.Get(opt::kMaxMessageSize).U16(), 1500);
  EXPECT_EQ(m.Get(opt::kLeaseTime).U32(), 600u);
  EXPECT_TRUE(m.Has(opt::kHostName));
  EXPECT_EQ(m.Get(opt::kHostName).size(), 0u);
  EXPECT_EQ(m.option_count(), 6u);
  // Padding after the end option is zero, never the poison.
  for (size_t i = n - 10; i < n; ++i) EXPECT_NE(buf[i], 0xcc) << i;
}

TEST(MessageTest, CopyHeaderRoundTrip) {
  const auto p = Frame("ovmf-x64-pxe-boot.pcap", 11);
  Message in;
  ASSERT_EQ(ParseMessage(p, &in), ParseError::kOk);
  std::vector<uint8_t> buf(400);
  MessageBuilder b(buf);
  b.CopyHeader(in.header());
  const size_t n = b.Finish();
  Message out;
  ASSERT_EQ(ParseMessage(std::span(buf).first(n), &out), ParseError::kOk);
  EXPECT_EQ(out.header().xid, in.header().xid);
  EXPECT_EQ(out.header().ciaddr, in.header().ciaddr);
  EXPECT_EQ(out.header().chaddr, in.header().chaddr);
  EXPECT_EQ(out.option_count(), 0u);
}

TEST(MessageTest, LongOptionIsSplitAndConcatenated) {
  std::vector<uint8_t> data(600);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  std::vector<uint8_t> buf(1000);
  MessageBuilder b(buf);
  b.set_op(kBootRequest).Add(opt::kVendorOptions, data);
  const size_t n = b.Finish();
  ASSERT_EQ(n, 240u + (2 + 255) * 2 + (2 + 90) + 1);
  Message m;
  ASSERT_EQ(ParseMessage(std::span(buf).first(n), &m), ParseError::kOk);
  const OptionValue v = m.Get(opt::kVendorOptions);
  EXPECT_EQ(v.size(), 600u);
  EXPECT_EQ(v.pieces(), 3u);
  EXPECT_TRUE(v.contiguous().empty());
  EXPECT_TRUE(v.Equals(data));
  std::vector<uint8_t> flat(600);
  EXPECT_EQ(v.CopyTo(flat), 600u);
  EXPECT_EQ(flat, data);
  // Echoing a split option re-emits the same bytes.
  std::vector<uint8_t> buf2(1000);
  MessageBuilder b2(buf2);
  b2.set_op(kBootRequest).Add(opt::kVendorOptions, v);
  ASSERT_EQ(b2.Finish(), n);
  EXPECT_EQ(buf2, buf);
}

TEST(MessageTest, SplitOptionsAcrossOverloadAreasInRfc3396Order) {
  // Option 60 in three pieces: options field, then file, then sname.
  auto p = RawBootp()
               .Opt(52, {kOverloadBoth})
               .Opt(60, "PXE")
               .At(kOffFile, {60, 3, 'C', 'l', 'i', 77, 2, 'i', 'P', 255})
               .At(kOffSname, {60, 3, 'e', 'n', 't', 0, 77, 2, 'X', 'E'})
               .Opt(93, {0, 7})
               .End()
               .Bytes();
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.overload(), kOverloadBoth);
  EXPECT_EQ(m.file(), "");
  EXPECT_EQ(m.sname(), "");
  const OptionValue v = m.Get(opt::kVendorClass);
  EXPECT_EQ(v.pieces(), 3u);
  EXPECT_EQ(v.size(), 9u);
  EXPECT_TRUE(v.StartsWith("PXEClient"));
  EXPECT_FALSE(v.StartsWith("PXEClients"));
  EXPECT_TRUE(v.Contains("Client"));
  EXPECT_TRUE(m.Get(opt::kUserClass).Contains("iPXE"));
  EXPECT_EQ(m.Get(opt::kClientArch).U16(), 7);
  EXPECT_THAT(Describe(m),
              HasSubstr("60 vendor-class \"PXEClient\" [3 pieces]"));
}

TEST(MessageTest, OverloadFileOnlyLeavesSnameText) {
  auto p = RawBootp()
               .At(kOffSname, {'s', 'r', 'v'})
               .At(kOffFile, {12, 2, 'p', 'c', 255})
               .Opt(52, {kOverloadFile})
               .Bytes();
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.sname(), "srv");
  EXPECT_EQ(m.file(), "");
  EXPECT_TRUE(m.Get(opt::kHostName).Equals(std::vector<uint8_t>{'p', 'c'}));
}

TEST(MessageTest, SplitFixedWidthValues) {
  auto p = RawBootp().Opt(93, {0}).Opt(93, {11}).Opt(97, {}).Bytes();
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.Get(opt::kClientArch).U16(), 11);
  EXPECT_EQ(m.Get(opt::kClientArch).U8(), std::nullopt);
  EXPECT_EQ(m.Get(opt::kClientArch).U32(), std::nullopt);
  EXPECT_FALSE(ClientGuid::FromOption97(m.Get(opt::kClientGuid)).has_value());
  EXPECT_FALSE(m.Get(200).present());
  EXPECT_EQ(m.Get(200).U8(), std::nullopt);
  EXPECT_FALSE(m.Get(200).StartsWith(""));
}

TEST(MessageTest, EveryOptionCodeOnce) {
  RawBootp r;
  for (int c = 1; c <= 254; ++c) {
    if (c != opt::kOverload) r.Opt(uint8_t(c), {uint8_t(c)});
  }
  auto p = r.End().Bytes();
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.option_count(), 253u);
  for (int c = 1; c <= 254; ++c) {
    if (c == opt::kOverload) continue;
    EXPECT_EQ(m.Get(uint8_t(c)).U8(), c);
  }
}

TEST(MessageTest, ThousandInstancesOfOneOption) {
  RawBootp r;
  for (int i = 0; i < 1000; ++i) r.Opt(opt::kUserClass, {uint8_t(i)});
  auto p = r.Bytes();
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  EXPECT_EQ(m.Get(opt::kUserClass).size(), 1000u);
  EXPECT_EQ(m.Get(opt::kUserClass).pieces(), 1000u);
}

TEST(MessageTest, BuilderRejectsWhatDoesNotFit) {
  std::vector<uint8_t> tiny(239);
  MessageBuilder t(tiny);
  t.set_xid(1).Add(opt::kHostName, "x");
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.Finish(), 0u);

  std::vector<uint8_t> exact(240 + 2 + 3 + 1);
  MessageBuilder e(exact);
  e.Add(opt::kHostName, "abc");
  EXPECT_EQ(e.Finish(), exact.size());  // fits; padding limited by the room

  std::vector<uint8_t> small(250);
  MessageBuilder s(small);
  s.Add(opt::kHostName, std::string(20, 'x'));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.Finish(), 0u);

  std::vector<uint8_t> buf(400);
  MessageBuilder f(buf);
  f.set_file(std::string(128, 'f')).set_sname(std::string(64, 's'));
  EXPECT_TRUE(f.ok());
  f.set_file(std::string(129, 'f'));
  EXPECT_FALSE(f.ok());
  MessageBuilder g(buf);
  g.Add(opt::kEnd, "x");
  EXPECT_EQ(g.Finish(), 0u);
}

TEST(GuidTest, TextAndWireOrder) {
  auto g = ClientGuid::Parse("5EED0000-0000-4000-8000-52540018000B");
  ASSERT_TRUE(g.has_value());
  const std::array<uint8_t, 16> wire = {0x00, 0x00, 0xed, 0x5e, 0x00, 0x00,
                                        0x00, 0x40, 0x80, 0x00, 0x52, 0x54,
                                        0x00, 0x18, 0x00, 0x0b};
  EXPECT_EQ(g->wire, wire);
  EXPECT_EQ(g->ToString(), "5eed0000-0000-4000-8000-52540018000b");
  EXPECT_FALSE(
      ClientGuid::Parse("5eed0000-0000-4000-8000-52540018000").has_value());
  EXPECT_FALSE(
      ClientGuid::Parse("5eed0000x0000-4000-8000-52540018000b").has_value());
  EXPECT_FALSE(
      ClientGuid::Parse("5eed0000-0000-4000-8000-52540018000g").has_value());
  std::vector<uint8_t> opt97 = {1};
  opt97.insert(opt97.end(), wire.begin(), wire.end());
  EXPECT_FALSE(ClientGuid::FromOption97(opt97).has_value());  // type 1
  opt97[0] = 0;
  EXPECT_EQ(ClientGuid::FromOption97(opt97), g);
}

TEST(DescribeTest, FirmwareDiscover) {
  const auto p = Frame("aavmf-arm64-pxe-boot-head.pcap", 1);
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  const std::string d = Describe(m);
  EXPECT_THAT(d, HasSubstr("op=BOOTREQUEST(1) htype=1 hlen=6 hops=0 "
                           "xid=0xbc325b2f secs=0 flags=0x8000 (broadcast)\n"));
  EXPECT_THAT(d, HasSubstr("ciaddr=0.0.0.0 yiaddr=0.0.0.0 siaddr=0.0.0.0 "
                           "giaddr=0.0.0.0\n"));
  EXPECT_THAT(d, HasSubstr("chaddr=52:54:00:18:00:0b\n"));
  EXPECT_THAT(d, HasSubstr("sname=\"\" file=\"\"\n"));
  EXPECT_THAT(d, HasSubstr("53 message-type 1 (DHCPDISCOVER)\n"));
  EXPECT_THAT(d, HasSubstr("57 max-message-size 1472\n"));
  EXPECT_THAT(d, HasSubstr("55 parameter-request-list 1,2,3,4,5,6,12,13,"));
  EXPECT_THAT(d, HasSubstr("93 client-arch 11 (ARM64 UEFI)\n"));
  EXPECT_THAT(d, HasSubstr("94 client-ndi 01 03 00 (UNDI 3.0)\n"));
  EXPECT_THAT(d, HasSubstr("97 client-guid 00 00 00 ed 5e 00 00 00 40 80 00 52 "
                           "54 00 18 00 0b (5eed0000-0000-4000-8000-"
                           "52540018000b)\n"));
  EXPECT_THAT(
      d, HasSubstr("60 vendor-class \"PXEClient:Arch:00011:UNDI:003000\"\n"));
}

TEST(DescribeTest, DnsmasqBiosOffer) {
  const auto p = Frame("seabios-ipxe-boot.pcap", 2);
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  const std::string d = Describe(m);
  EXPECT_THAT(d, HasSubstr("op=BOOTREPLY(2)"));
  EXPECT_THAT(d, HasSubstr("siaddr=198.18.0.1"));
  EXPECT_THAT(d, HasSubstr("file=\"autoexec.ipxe\""));
  EXPECT_THAT(d, HasSubstr("53 message-type 2 (DHCPOFFER)\n"));
  EXPECT_THAT(d, HasSubstr("54 server-id 198.18.0.1\n"));
  EXPECT_THAT(d,
              HasSubstr("43 vendor-options 06 01 08 0a 04 00 50 58 45 ff\n"));
}

TEST(DescribeTest, IpxeDiscoverAndOddValues) {
  const auto p = Frame("seabios-ipxe-boot.pcap", 1);
  Message m;
  ASSERT_EQ(ParseMessage(p, &m), ParseError::kOk);
  const std::string d = Describe(m);
  EXPECT_THAT(d, HasSubstr("77 user-class \"iPXE\"\n"));
  EXPECT_THAT(d, HasSubstr("93 client-arch 0 (x86 BIOS)\n"));
  EXPECT_THAT(d, HasSubstr("175 ipxe-encap b1 05 01 1a f4 10 00"));
  EXPECT_THAT(d, HasSubstr("61 client-id 01 52 54 00 18 00 00\n"));

  auto odd = RawBootp()
                 .Opt(53, {1, 2})
                 .Opt(54, {1, 2, 3})
                 .Opt(12, "a\"b\x01")
                 .Opt(240, {0xab})
                 .Bytes();
  ASSERT_EQ(ParseMessage(odd, &m), ParseError::kOk);
  const std::string o = Describe(m);
  EXPECT_THAT(o, HasSubstr("53 message-type 01 02 (malformed)\n"));
  EXPECT_THAT(o, HasSubstr("54 server-id 01 02 03 (malformed)\n"));
  EXPECT_THAT(o, HasSubstr("12 host-name \"a\\\"b\\x01\"\n"));
  EXPECT_THAT(o, HasSubstr("240 option ab\n"));
  EXPECT_EQ(m.type(), MessageType::kNone);
}

TEST(NamesTest, Names) {
  EXPECT_EQ(MessageTypeName(MessageType::kInform), "DHCPINFORM");
  EXPECT_EQ(MessageTypeName(MessageType(99)), "unknown");
  EXPECT_EQ(OptionName(60), "vendor-class");
  EXPECT_EQ(OptionName(250), "");
  EXPECT_EQ(ArchName(9), "EBC (x64 UEFI)");
  EXPECT_EQ(ArchName(1234), "");
  EXPECT_EQ(ParseErrorName(ParseError::kOverloadLoop), "overload-loop");
}

}  // namespace
}  // namespace xdpxe::dhcp
