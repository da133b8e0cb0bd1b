// Tests ProxyResponder (responder.h) case by case: what each kind of client
// gets, reply addressing, config and reload. The capture-by-capture
// comparison with dnsmasq is in capture_test.cc.
#include "userspace/dhcp/responder.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fake_sink.h"
#include "tests/unit/dhcp/test_util.h"

namespace xdpxe::dhcp {
namespace {

using testing::RawBootp;
using xdpxe::testing::FakeSink;

const net::Ipv4Addr kServer = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
const net::MacAddr kClientMac = *net::MacAddr::Parse("52:54:00:18:00:07");

std::shared_ptr<ResponderConfig> Config() {
  auto c = std::make_shared<ResponderConfig>();
  c->server_ip = kServer;
  return c;
}

// A client request as the engine would hand it over.
struct Request {
  std::vector<uint8_t> payload;
  net::Datagram d;
  Request(std::vector<uint8_t> p, uint16_t dport = 67,
          net::Endpoint src = {net::Ipv4Addr::Any(), 68})
      : payload(std::move(p)) {
    d.src = src;
    d.dst = {dport == 67 ? net::Ipv4Addr::Broadcast() : kServer, dport};
    d.src_mac = kClientMac;
    d.payload = payload;
  }
  Request(const Request&) = delete;  // d.payload points into payload
};

RawBootp PxeDiscover(uint16_t arch) {
  return std::move(
      RawBootp()
          .Set(10, 0x80)  // broadcast flag, like EDK2
          .Opt(53, {1})
          .Opt(93, {uint8_t(arch >> 8), uint8_t(arch)})
          .Opt(97, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
          .Opt(60, "PXEClient:Arch:00007:UNDI:003000"));
}

struct Result {
  Verdict verdict;
  ReplyInfo info;
  std::vector<xdpxe::testing::SentDatagram> sent;
  Message reply;  // valid when one was sent
};

Result Answer(ProxyResponder& r, const Request& req) {
  FakeSink sink;
  Result res;
  res.verdict = r.Handle(req.d, sink, &res.info);
  res.sent = sink.Take();
  EXPECT_EQ(res.sent.size(), res.verdict == Verdict::kReplied ? 1u : 0u);
  if (!res.sent.empty()) {
    EXPECT_EQ(ParseMessage(res.sent[0].payload, &res.reply), ParseError::kOk);
  }
  return res;
}

TEST(ResponderTest, UefiDiscoverGetsSiaddrButNoFileAndNo43) {
  ProxyResponder r(Config());
  Request req(PxeDiscover(7).End().Bytes());
  const Result res = Answer(r, req);
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  const Message& m = res.reply;
  EXPECT_EQ(m.header().op, kBootReply);
  EXPECT_EQ(m.type(), MessageType::kOffer);
  EXPECT_EQ(m.header().xid, 0x12345678u);
  EXPECT_TRUE(m.header().yiaddr.IsAny());
  EXPECT_EQ(m.header().siaddr, kServer);
  EXPECT_EQ(m.file(), "");
  EXPECT_EQ(m.sname(), "");
  EXPECT_FALSE(m.Has(opt::kVendorOptions));
  EXPECT_EQ(m.Get(opt::kServerId).Ip(), kServer);
  EXPECT_TRUE(m.Get(opt::kVendorClass)
                  .Equals(std::vector<uint8_t>{'P', 'X', 'E', 'C', 'l', 'i',
                                               'e', 'n', 't'}));
  EXPECT_EQ(m.Get(opt::kClientGuid).size(), 17u);
  EXPECT_EQ(m.mac(), kClientMac);
  EXPECT_EQ(res.sent[0].payload.size(), kMinBootpLen);
  // The info still says which file the 4011 ACK will name.
  EXPECT_EQ(res.info.boot_file, "snp_x64.efi");
  EXPECT_FALSE(res.info.file_in_reply);
  EXPECT_EQ(res.info.phase, Phase::kOffer67);
  EXPECT_EQ(res.info.arch, 7);
}

TEST(ResponderTest, UefiFileInOfferWhenConfigured) {
  auto cfg = Config();
  cfg->uefi_file_in_offer = true;
  ProxyResponder r(cfg);
  Result res = Answer(r, Request(PxeDiscover(7).End().Bytes()));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "snp_x64.efi");
  EXPECT_EQ(res.reply.header().siaddr, kServer);
  EXPECT_FALSE(res.reply.Has(opt::kVendorOptions));
  EXPECT_TRUE(res.info.file_in_reply);
  // And the 4011 step still works for firmware that takes it.
  auto req = PxeDiscover(7).Set(1 + 2, 0).Bytes();
  req[242] = 3;  // DHCPREQUEST
  res = Answer(r, Request(req, 4011,
                          {net::Ipv4Addr::FromOctets(198, 18, 0, 152), 4011}));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "snp_x64.efi");
}

TEST(ResponderTest, BiosPxeGetsFileAndDiscoveryControl) {
  ProxyResponder r(Config());
  const Result res = Answer(r, Request(PxeDiscover(0).End().Bytes()));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "undionly.kpxe");
  EXPECT_EQ(res.reply.header().siaddr, kServer);
  EXPECT_TRUE(
      res.reply.Get(opt::kVendorOptions)
          .Equals(std::vector<uint8_t>{6, 1, 8, 10, 4, 0, 'P', 'X', 'E', 255}));
  EXPECT_TRUE(res.info.option43);
}

TEST(ResponderTest, IpxeAlwaysGetsSiaddrAndScript) {
  ProxyResponder r(Config());
  for (uint16_t a : {0, 7, 11}) {
    Result res =
        Answer(r, Request(PxeDiscover(a).Opt(77, "iPXE").End().Bytes()));
    ASSERT_EQ(res.verdict, Verdict::kReplied) << a;
    EXPECT_EQ(res.reply.file(), "autoexec.ipxe");
    EXPECT_EQ(res.reply.header().siaddr, kServer);
    EXPECT_FALSE(res.reply.Has(opt::kVendorOptions));
    EXPECT_TRUE(res.info.ipxe);
    EXPECT_EQ(res.info.stage, BootStage::kIpxe);
  }
  // Option 175 alone marks iPXE too, even without PXEClient.
  Result res =
      Answer(r, Request(RawBootp().Opt(53, {1}).Opt(175, {0xb1, 0}).Bytes()));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "autoexec.ipxe");
  // On 4011 as well, never the boot program.
  auto req = PxeDiscover(7).Opt(77, "iPXE").Bytes();
  req[242] = 3;
  res = Answer(r, Request(req, 4011,
                          {net::Ipv4Addr::FromOctets(198, 18, 0, 152), 4011}));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "autoexec.ipxe");
  EXPECT_EQ(res.reply.type(), MessageType::kAck);
}

TEST(ResponderTest, AckOn4011GoesBackToTheSender) {
  ProxyResponder r(Config());
  const net::Endpoint client{net::Ipv4Addr::FromOctets(198, 18, 0, 152), 4011};
  auto req = RawBootp()
                 .At(kOffCiaddr, {198, 18, 0, 152})
                 .Opt(53, {3})
                 .Opt(60, "PXEClient:Arch:00011:UNDI:003000")
                 .Opt(93, {0, 11})
                 .Bytes();
  const Result res = Answer(r, Request(req, 4011, client));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.sent[0].from, (net::Endpoint{kServer, 4011}));
  EXPECT_EQ(res.sent[0].to, client);
  EXPECT_EQ(res.sent[0].mac, kClientMac);
  EXPECT_EQ(res.reply.type(), MessageType::kAck);
  EXPECT_EQ(res.reply.file(), "snp_aa64.efi");
  EXPECT_EQ(res.reply.sname(), "198.18.0.1");
  EXPECT_EQ(res.reply.header().ciaddr, client.addr);
  EXPECT_EQ(res.reply.header().flags, 0);
  EXPECT_FALSE(res.reply.Has(opt::kClientGuid));  // none sent, none echoed
  EXPECT_EQ(res.info.phase, Phase::kAck4011);
  EXPECT_EQ(res.info.client_ip, client.addr);
  // A random source port is answered on that port (PXE 2.1 allows it).
  const Result other = Answer(r, Request(req, 4011, {client.addr, 1234}));
  EXPECT_EQ(other.sent.at(0).to.port, 1234);
  // INFORM is answered like REQUEST; DISCOVER on 4011 is not.
  req[242] = 8;
  EXPECT_EQ(Answer(r, Request(req, 4011, client)).verdict, Verdict::kReplied);
  req[242] = 1;
  EXPECT_EQ(Answer(r, Request(req, 4011, client)).verdict,
            Verdict::kIgnoredType);
}

TEST(ResponderTest, AckRespectsServerIdentifier) {
  ProxyResponder r(Config());
  const net::Endpoint client{net::Ipv4Addr::FromOctets(198, 18, 0, 152), 4011};
  auto ours = PxeDiscover(7).Opt(54, {198, 18, 0, 1}).Bytes();
  ours[242] = 3;
  EXPECT_EQ(Answer(r, Request(ours, 4011, client)).verdict, Verdict::kReplied);
  auto theirs = PxeDiscover(7).Opt(54, {198, 18, 0, 2}).Bytes();
  theirs[242] = 3;
  EXPECT_EQ(Answer(r, Request(theirs, 4011, client)).verdict,
            Verdict::kOtherServer);
}

TEST(ResponderTest, ReplyAddressing) {
  ProxyResponder r(Config());
  const net::Ipv4Addr ci = net::Ipv4Addr::FromOctets(198, 18, 0, 152);
  const net::Ipv4Addr relay = net::Ipv4Addr::FromOctets(198, 18, 5, 1);
  const net::MacAddr relay_mac = *net::MacAddr::Parse("02:00:00:00:05:01");
  // Broadcast flag set (EDK2): broadcast.
  Result res = Answer(r, Request(PxeDiscover(7).Bytes()));
  EXPECT_EQ(res.sent.at(0).to, (net::Endpoint{net::Ipv4Addr::Broadcast(), 68}));
  EXPECT_EQ(res.sent[0].mac, net::MacAddr::Broadcast());
  EXPECT_EQ(res.sent[0].from, (net::Endpoint{kServer, 67}));
  // No flag, ciaddr 0 (iPXE): still broadcast, and the flag set in the
  // reply like dnsmasq's.
  res = Answer(r, Request(PxeDiscover(7).Set(10, 0).Bytes()));
  EXPECT_EQ(res.sent.at(0).to.addr, net::Ipv4Addr::Broadcast());
  EXPECT_EQ(res.reply.header().flags, kFlagBroadcast);
  // ciaddr set, no flag: unicast to ciaddr:68 at chaddr.
  res = Answer(
      r, Request(PxeDiscover(7).Set(10, 0).At(12, {198, 18, 0, 152}).Bytes()));
  EXPECT_EQ(res.sent.at(0).to, (net::Endpoint{ci, 68}));
  EXPECT_EQ(res.sent[0].mac, kClientMac);
  EXPECT_EQ(res.reply.header().flags, 0);
  EXPECT_TRUE(res.reply.header().ciaddr.IsAny());  // an OFFER's ciaddr is 0
  // ciaddr set and flag set: broadcast.
  res = Answer(r, Request(PxeDiscover(7).At(12, {198, 18, 0, 152}).Bytes()));
  EXPECT_EQ(res.sent.at(0).to.addr, net::Ipv4Addr::Broadcast());
  // Relayed: to giaddr:67 at the frame's source MAC (the relay's).
  Request relayed(PxeDiscover(7).At(24, {198, 18, 5, 1}).Bytes(), 67,
                  {relay, 67});
  relayed.d.src_mac = relay_mac;
  res = Answer(r, relayed);
  EXPECT_EQ(res.sent.at(0).to, (net::Endpoint{relay, 67}));
  EXPECT_EQ(res.sent[0].mac, relay_mac);
  EXPECT_EQ(res.reply.header().giaddr, relay);
}

TEST(ResponderTest, NoReplyCases) {
  ProxyResponder r(Config());
  struct Case {
    std::vector<uint8_t> p;
    uint16_t port;
    Verdict v;
  };
  auto request67 = PxeDiscover(7).Bytes();
  request67[242] = 3;
  const Case cases[] = {
      {PxeDiscover(7).Bytes(), 69, Verdict::kWrongPort},
      {std::vector<uint8_t>(100), 67, Verdict::kMalformed},
      {PxeDiscover(7).Op(2).Bytes(), 67, Verdict::kNotRequest},
      {PxeDiscover(7).Set(1, 6).Bytes(), 67, Verdict::kNotEthernet},
      {PxeDiscover(7).Set(2, 16).Bytes(), 67, Verdict::kNotEthernet},
      {RawBootp().Opt(53, {1}).Opt(60, "MSFT 5.0").Bytes(), 67,
       Verdict::kNotPxe},
      {RawBootp().Opt(53, {1}).Bytes(), 67, Verdict::kNotPxe},
      {request67, 67, Verdict::kIgnoredType},  // the primary's job
      {RawBootp().Opt(60, "PXEClient").Bytes(), 67, Verdict::kIgnoredType},
      {PxeDiscover(25).Bytes(), 67, Verdict::kUnknownArch},
      {PxeDiscover(6).Bytes(), 67, Verdict::kNoBootFile},
  };
  for (const Case& c : cases) {
    const Result res = Answer(r, Request(c.p, c.port));
    EXPECT_EQ(res.verdict, c.v) << VerdictName(c.v);
    EXPECT_EQ(res.info.verdict, c.v);
  }
  EXPECT_EQ(Answer(r, Request(std::vector<uint8_t>(100))).info.parse_error,
            ParseError::kTruncated);
}

TEST(ResponderTest, ArchFromVendorClassWhenOption93IsMissing) {
  ProxyResponder r(Config());
  Result res = Answer(r, Request(RawBootp()
                                     .Opt(53, {1})
                                     .Opt(60, "PXEClient:Arch:00011:UNDI")
                                     .Bytes()));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.info.arch, 11);
  EXPECT_EQ(
      Answer(
          r,
          Request(RawBootp().Opt(53, {1}).Opt(60, "PXEClient:Arch:0x").Bytes()))
          .verdict,
      Verdict::kUnknownArch);
  EXPECT_EQ(
      Answer(r, Request(RawBootp().Opt(53, {1}).Opt(60, "PXEClient").Bytes()))
          .verdict,
      Verdict::kUnknownArch);
  // A list in option 93: the first entry counts.
  res = Answer(r, Request(RawBootp()
                              .Opt(53, {1})
                              .Opt(93, {0, 7, 0, 0})
                              .Opt(60, "PXEClient")
                              .Bytes()));
  EXPECT_EQ(res.info.arch, 7);
}

TEST(ResponderTest, HttpBoot) {
  auto cfg = Config();
  ProxyResponder r(cfg);
  auto req = RawBootp()
                 .Set(10, 0x80)
                 .Opt(53, {1})
                 .Opt(93, {0, 16})
                 .Opt(60, "HTTPClient:Arch:00016:UNDI:003001")
                 .Bytes();
  EXPECT_EQ(Answer(r, Request(req)).verdict, Verdict::kNoBootFile);
  auto with_url = Config();
  with_url->boot.http.efi_x64 = "http://198.18.0.1/boot/snp_x64.efi";
  r.set_config(with_url);
  const Result res = Answer(r, Request(req));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_EQ(res.reply.file(), "http://198.18.0.1/boot/snp_x64.efi");
  EXPECT_TRUE(res.reply.Get(opt::kVendorClass)
                  .Equals(std::vector<uint8_t>{'H', 'T', 'T', 'P', 'C', 'l',
                                               'i', 'e', 'n', 't'}));
  EXPECT_EQ(res.info.stage, BootStage::kHttp);
}

TEST(ResponderTest, HostRulesAndReload) {
  auto cfg = Config();
  HostRule h;
  h.mac = kClientMac;
  h.boot_file = "special.efi";
  h.name = "lab-07";
  cfg->boot.hosts.push_back(h);
  ProxyResponder r(cfg);
  auto req = PxeDiscover(7).Bytes();
  req[242] = 3;
  const net::Endpoint client{net::Ipv4Addr::FromOctets(198, 18, 0, 152), 4011};
  Result res = Answer(r, Request(req, 4011, client));
  EXPECT_EQ(res.reply.file(), "special.efi");
  EXPECT_EQ(res.info.host_name, "lab-07");

  auto cfg2 = Config();
  cfg2->boot.files.efi_x64 = "ipxe.efi";
  cfg2->tftp_server = net::Ipv4Addr::FromOctets(198, 18, 0, 9);
  cfg2->server_name = "tftp.lab";
  h.ignore = true;
  h.mac = *net::MacAddr::Parse("52:54:00:18:00:01");
  cfg2->boot.hosts.push_back(h);
  r.set_config(cfg2);
  cfg.reset();  // the responder keeps what it needs alive
  res = Answer(r, Request(req, 4011, client));
  EXPECT_EQ(res.reply.file(), "ipxe.efi");
  EXPECT_EQ(res.reply.sname(), "tftp.lab");
  EXPECT_EQ(res.reply.header().siaddr,
            net::Ipv4Addr::FromOctets(198, 18, 0, 9));
  EXPECT_EQ(res.reply.Get(opt::kServerId).Ip(), kServer);
  EXPECT_EQ(&r.config(), cfg2.get());
  Request ignored(req, 4011, client);
  ignored.payload[kOffChaddr + 5] = 1;
  EXPECT_EQ(Answer(r, ignored).verdict, Verdict::kIgnoredHost);
}

TEST(ResponderTest, NullConfigIsHarmless) {
  ProxyResponder r(nullptr);
  EXPECT_TRUE(r.config().server_ip.IsAny());
  FakeSink sink;
  Request req(RawBootp().Opt(53, {1}).Opt(60, "MSFT").Bytes());
  EXPECT_EQ(r.Handle(req.d, sink), Verdict::kNotPxe);
}

TEST(ResponderTest, FullSinkDropsTheReply) {
  ProxyResponder r(Config());
  FakeSink sink;
  sink.set_full(true);
  Request req(PxeDiscover(7).Bytes());
  EXPECT_EQ(r.Handle(req.d, sink), Verdict::kTxFull);
  EXPECT_TRUE(sink.sent().empty());
  EXPECT_EQ(sink.reserves(), 1);
}

TEST(ResponderTest, OversizedGuidIsNotEchoed) {
  ProxyResponder r(Config());
  const Result res = Answer(
      r, Request(PxeDiscover(7).Opt(97, std::vector<uint8_t>(200, 1)).Bytes()));
  ASSERT_EQ(res.verdict, Verdict::kReplied);
  EXPECT_FALSE(res.reply.Has(opt::kClientGuid));
}

TEST(ResponderConfigTest, Validate) {
  ResponderConfig c;
  EXPECT_NE(c.Validate().message().find("listen-address: 0.0.0.0"),
            std::string::npos);
  c.server_ip = kServer;
  EXPECT_TRUE(c.Validate().ok());
  c.server_name = std::string(64, 'n');
  EXPECT_NE(c.Validate().message().find("server-name:"), std::string::npos);
  c.server_name = "";
  c.tftp_server = net::Ipv4Addr::Broadcast();
  EXPECT_NE(c.Validate().message().find("tftp-server:"), std::string::npos);
  c.tftp_server = {};
  c.boot.files.bios = "bad\n";
  EXPECT_NE(c.Validate().message().find("boot-bios:"), std::string::npos);
  EXPECT_EQ(VerdictName(Verdict::kNotPxe), "not-pxe");
  EXPECT_EQ(VerdictName(Verdict::kTxFull), "tx-full");
  EXPECT_EQ(PhaseName(Phase::kAck4011), "ack4011");
}

}  // namespace
}  // namespace xdpxe::dhcp
