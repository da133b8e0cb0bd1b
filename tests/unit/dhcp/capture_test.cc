// Every client request of the four bundled real-firmware captures, fed to
// ProxyResponder, compared with the reply dnsmasq 2.90 (proxy mode) sent in
// the same capture, which is known to have booted that firmware
// (tests/fixtures/README.md).
//
// Our reply is byte-for-byte dnsmasq's except for ONE deliberate
// difference, asserted and explained below:
//   1. seabios-ipxe-boot.pcap: dnsmasq sends option 43 (discovery control
//      8, menu prompt "PXE") to iPXE on BIOS (arch 0). xdpxe sends option 43
//      only to BIOS *firmware* PXE: iPXE neither needs nor uses PXE
//      discovery control, and ovmf-x64-ipxe-rom-boot.pcap shows iPXE
//      booting the same script from an offer without 43.
// Things that look different but are not: the reply's broadcast flag is set
// for broadcast replies exactly as dnsmasq does; secs is copied; sname is
// the server's dotted address only in the 4011 ACK, as dnsmasq does; the
// 300-byte padding matches.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fake_sink.h"
#include "tests/unit/dhcp/test_util.h"
#include "userspace/dhcp/responder.h"

namespace xdpxe::dhcp {
namespace {

const net::Ipv4Addr kProxy = net::Ipv4Addr::FromOctets(198, 18, 0, 1);

bool IsClientRequest(const testing::CapturedDhcp& c) {
  return c.udp.payload.size() > 0 && c.udp.payload[0] == kBootRequest &&
         (c.udp.dst_port == 67 || c.udp.dst_port == 4011);
}

uint32_t Xid(std::span<const uint8_t> p) {
  return uint32_t(p[4]) << 24 | uint32_t(p[5]) << 16 | uint32_t(p[6]) << 8 |
         p[7];
}

// dnsmasq's proxy reply to frames[i]: the next frame from the proxy with
// the same xid, before the client's next request.
const testing::CapturedDhcp* DnsmasqReply(
    const std::vector<testing::CapturedDhcp>& frames, size_t i) {
  for (size_t j = i + 1; j < frames.size(); ++j) {
    if (IsClientRequest(frames[j])) return nullptr;
    if (frames[j].udp.src_ip == kProxy &&
        Xid(frames[j].udp.payload) == Xid(frames[i].udp.payload)) {
      return &frames[j];
    }
  }
  return nullptr;
}

void ExpectSameOptionsExcept(const Message& ours, const Message& theirs,
                             uint8_t except) {
  std::vector<uint8_t> ours_codes, theirs_codes;
  for (size_t i = 0; i < ours.option_count(); ++i) {
    ours_codes.push_back(ours.option_code(i));
  }
  for (size_t i = 0; i < theirs.option_count(); ++i) {
    const uint8_t code = theirs.option_code(i);
    if (code == except) continue;
    theirs_codes.push_back(code);
    std::vector<uint8_t> want(theirs.Get(code).size());
    theirs.Get(code).CopyTo(want);
    EXPECT_TRUE(ours.Get(code).Equals(want)) << "option " << int(code);
  }
  EXPECT_EQ(ours_codes, theirs_codes) << "option order";
}

struct Tally {
  int replied = 0;
  int silent = 0;
};

// ASSERTs need a void function: the tally comes back through `out`.
void ReplayCapture(const std::string& fixture, Tally* out) {
  SCOPED_TRACE(fixture);
  auto cfg = std::make_shared<ResponderConfig>();
  cfg->server_ip = kProxy;  // everything else: defaults
  EXPECT_TRUE(cfg->Validate().ok());
  ProxyResponder responder(cfg);
  const auto frames = testing::LoadDhcp(fixture);
  Tally& tally = *out;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!IsClientRequest(frames[i])) continue;
    SCOPED_TRACE("frame #" + std::to_string(frames[i].index));
    xdpxe::testing::FakeSink sink;
    ReplyInfo info;
    const Verdict v = responder.Handle(frames[i].dgram(), sink, &info);
    Message req;
    EXPECT_EQ(ParseMessage(frames[i].udp.payload, &req), ParseError::kOk);
    const testing::CapturedDhcp* theirs_frame = DnsmasqReply(frames, i);
    if (theirs_frame == nullptr) {
      // dnsmasq as proxy stayed silent: these are the DHCPREQUESTs on 67,
      // which belong to the primary server.
      EXPECT_EQ(req.type(), MessageType::kRequest);
      EXPECT_EQ(frames[i].udp.dst_port, 67);
      EXPECT_EQ(v, Verdict::kIgnoredType);
      EXPECT_TRUE(sink.sent().empty());
      ++tally.silent;
      continue;
    }
    ASSERT_EQ(v, Verdict::kReplied) << VerdictName(v);
    ASSERT_EQ(sink.sent().size(), 1u);
    ++tally.replied;
    const auto& sent = sink.sent()[0];
    const auto& tu = theirs_frame->udp;
    // Addressing, as dnsmasq sent it.
    EXPECT_EQ(sent.from, (net::Endpoint{tu.src_ip, tu.src_port}));
    EXPECT_EQ(sent.to, (net::Endpoint{tu.dst_ip, tu.dst_port}));
    EXPECT_EQ(sent.mac, tu.dst_mac);

    Message ours, theirs;
    ASSERT_EQ(ParseMessage(sent.payload, &ours), ParseError::kOk);
    ASSERT_EQ(ParseMessage(tu.payload, &theirs), ParseError::kOk);
    // The fields that made the firmware boot.
    EXPECT_TRUE(ours.header().yiaddr.IsAny());
    EXPECT_EQ(ours.header().siaddr, kProxy);
    EXPECT_EQ(ours.Get(opt::kServerId).Ip(), kProxy);
    EXPECT_TRUE(ours.Get(opt::kVendorClass).StartsWith("PXEClient"));
    EXPECT_TRUE(ours.Get(opt::kClientGuid)
                    .Equals(std::vector<uint8_t>(
                        req.Get(opt::kClientGuid).contiguous().begin(),
                        req.Get(opt::kClientGuid).contiguous().end())));
    if (info.ipxe) {
      EXPECT_EQ(ours.file(), "autoexec.ipxe");
    } else if (frames[i].udp.dst_port == 67) {
      EXPECT_EQ(ours.file(), "");  // UEFI: ask again on 4011
      EXPECT_FALSE(ours.Has(opt::kVendorOptions));
    } else {
      EXPECT_EQ(ours.type(), MessageType::kAck);
      EXPECT_EQ(ours.file(), info.arch == 11 ? "snp_aa64.efi" : "snp_x64.efi");
    }

    // Field by field against dnsmasq.
    const BootpHeader& a = ours.header();
    const BootpHeader& b = theirs.header();
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.htype, b.htype);
    EXPECT_EQ(a.hlen, b.hlen);
    EXPECT_EQ(a.hops, b.hops);
    EXPECT_EQ(a.xid, b.xid);
    EXPECT_EQ(a.secs, b.secs);
    EXPECT_EQ(a.flags, b.flags);
    EXPECT_EQ(a.ciaddr, b.ciaddr);
    EXPECT_EQ(a.yiaddr, b.yiaddr);
    EXPECT_EQ(a.siaddr, b.siaddr);
    EXPECT_EQ(a.giaddr, b.giaddr);
    EXPECT_EQ(a.chaddr, b.chaddr);
    EXPECT_EQ(ours.sname(), theirs.sname());
    EXPECT_EQ(ours.file(), theirs.file());
    EXPECT_EQ(ours.type(), theirs.type());
    const bool ipxe_on_bios = info.ipxe && info.arch == 0;
    if (ipxe_on_bios) {
      // Deliberate difference 1 (file comment).
      EXPECT_TRUE(theirs.Has(opt::kVendorOptions));
      EXPECT_FALSE(ours.Has(opt::kVendorOptions));
      ExpectSameOptionsExcept(ours, theirs, opt::kVendorOptions);
      EXPECT_EQ(sent.payload.size(), tu.payload.size());
    } else {
      ExpectSameOptionsExcept(ours, theirs, 0);
      EXPECT_EQ(sent.payload,
                std::vector<uint8_t>(tu.payload.begin(), tu.payload.end()))
          << "ours:\n"
          << Describe(ours) << "dnsmasq's:\n"
          << Describe(theirs);
    }
  }
}

TEST(CaptureTest, OvmfUefiPxeThenIpxe) {
  Tally t;
  ReplayCapture("ovmf-x64-pxe-boot.pcap", &t);
  EXPECT_EQ(t.replied, 3);  // #1 offer, #11 4011 ack, #257 iPXE offer
  EXPECT_EQ(t.silent, 2);   // #7 and #260: REQUESTs for the primary
}

TEST(CaptureTest, AavmfArm64UefiPxe) {
  Tally t;
  ReplayCapture("aavmf-arm64-pxe-boot-head.pcap", &t);
  EXPECT_EQ(t.replied, 2);  // #1 offer, #11 ack with snp_aa64.efi
  EXPECT_EQ(t.silent, 1);
}

TEST(CaptureTest, SeabiosIpxeRom) {
  Tally t;
  ReplayCapture("seabios-ipxe-boot.pcap", &t);
  EXPECT_EQ(t.replied, 2);
  EXPECT_EQ(t.silent, 1);
}

TEST(CaptureTest, OvmfIpxeRom) {
  Tally t;
  ReplayCapture("ovmf-x64-ipxe-rom-boot.pcap", &t);
  EXPECT_EQ(t.replied, 3);
  EXPECT_EQ(t.silent, 1);
}

}  // namespace
}  // namespace xdpxe::dhcp
