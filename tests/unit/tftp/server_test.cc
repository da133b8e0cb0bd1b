// Tests for the TFTP transfer table and request handling
// (userspace/tftp/server.h): every error path, the EDK2 probe sequence from
// the OVMF capture, retransmitted RRQs, limits, retransmission and idle
// expiry, reload, and files replaced mid-transfer.
#include "userspace/tftp/server.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/unit/tftp/server_test_fixture.h"
#include "userspace/common/log.h"
#include "userspace/common/pcap_file.h"
#include "userspace/net/frame.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Ack;
using testing::Bytes;
using testing::Dgram;
using testing::Error;
using testing::EventLog;
using testing::kClientIp;
using testing::kServerIp;
using testing::Rrq;
using testing::ServerTest;
using testing::String;
using xdpxe::testing::SentDatagram;

TEST_F(ServerTest, TransferStateFitsTheBudget) {
  RecordProperty("sizeof_Transfer", int(sizeof(Transfer)));
  EXPECT_LE(sizeof(Transfer), 256u);
}

TEST_F(ServerTest, Rfc1350TransferWithoutOptions) {
  auto out = Send(Client(3000), 69, Rrq("small.bin"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].from, (net::Endpoint{kServerIp, 62000}));
  EXPECT_EQ(out[0].mac, testing::kClientMac);
  auto d = ParseData(out[0].payload);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->block, 1);
  EXPECT_EQ(d->data.size(), 512u);
  EXPECT_EQ(server_->active_transfers(), 1u);
  EXPECT_EQ(Drain(Client(3000), out, 512, 1), Content("small.bin"));
  EXPECT_EQ(server_->active_transfers(), 0u);
  EXPECT_EQ(Count(Counter::kTransfersStarted), 1u);
  EXPECT_EQ(Count(Counter::kTransfersDone), 1u);
  EXPECT_EQ(Count(Counter::kDataBlocks), 2u);
  EXPECT_EQ(Count(Counter::kDataBytes), 1000u);
  ASSERT_EQ(log_.events.size(), 2u);
  EXPECT_EQ(log_.events[0].kind, TransferEventKind::kStarted);
  EXPECT_EQ(log_.events[1].kind, TransferEventKind::kDone);
  EXPECT_EQ(log_.events[1].file, "small.bin");
  EXPECT_EQ(log_.events[1].e.bytes, 1000u);
  EXPECT_EQ(log_.events[1].e.blksize, 512);
  EXPECT_EQ(server_->NextDeadline(), net::Time::max());
}

TEST_F(ServerTest, ExactMultipleEndsWithEmptyBlockAndEmptyFileWorks) {
  auto out = Send(Client(3000), 69, Rrq("two.bin"));
  EXPECT_EQ(Drain(Client(3000), out, 512, 1), Content("two.bin"));
  EXPECT_EQ(Count(Counter::kDataBlocks), 3u);  // 512 + 512 + 0
  out = Send(Client(3001), 69, Rrq("empty.bin"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ParseData(out[0].payload)->data.size(), 0u);
  EXPECT_TRUE(Send(Client(3001), out[0].from.port, Ack(1)).empty());
  EXPECT_EQ(Count(Counter::kTransfersDone), 2u);
}

TEST_F(ServerTest, WindowedAckRules) {
  root_.Write("ten.bin", testing::RandomContent(10 * 512 + 7, 3));
  auto out = Send(Client(3000), 69, Rrq("ten.bin", {{"windowsize", "4"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ParseOack(out[0].payload)->windowsize, 4u);
  uint16_t tid = out[0].from.port;
  auto blocks = [](const std::vector<SentDatagram>& v) {
    std::vector<int> b;
    for (auto& s : v) b.push_back(ParseData(s.payload)->block);
    return b;
  };
  EXPECT_EQ(blocks(Send(Client(3000), tid, Ack(0))),
            (std::vector<int>{1, 2, 3, 4}));
  // An earlier block: the client lost 3; resume right after 2.
  EXPECT_EQ(blocks(Send(Client(3000), tid, Ack(2))),
            (std::vector<int>{3, 4, 5, 6}));
  // Duplicates and stale ACKs never trigger another window.
  EXPECT_TRUE(Send(Client(3000), tid, Ack(2)).empty());
  EXPECT_TRUE(Send(Client(3000), tid, Ack(1)).empty());
  EXPECT_TRUE(Send(Client(3000), tid, Ack(0)).empty());
  // Not yet sent: ignored too.
  EXPECT_TRUE(Send(Client(3000), tid, Ack(9)).empty());
  EXPECT_EQ(blocks(Send(Client(3000), tid, Ack(6))),
            (std::vector<int>{7, 8, 9, 10}));
  EXPECT_EQ(blocks(Send(Client(3000), tid, Ack(10))), (std::vector<int>{11}));
  EXPECT_TRUE(Send(Client(3000), tid, Ack(11)).empty());
  EXPECT_EQ(Count(Counter::kTransfersDone), 1u);
  EXPECT_EQ(Count(Counter::kAcksStale), 4u);
  EXPECT_EQ(Count(Counter::kRetransmits), 2u);  // blocks 3 and 4
}

TEST_F(ServerTest, Edk2ProbeThenTransferFromTheOvmfCapture) {
  auto frames = ReadPcap(xdpxe::testing::FixturePath("ovmf-x64-pxe-boot.pcap"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  std::vector<std::pair<net::Endpoint, std::vector<uint8_t>>> rrqs, errors;
  for (const PcapFrame& f : *frames) {
    auto udp = net::ParseUdpFrame(f.data, nullptr);
    if (!udp || udp->src_ip != net::Ipv4Addr::FromOctets(198, 18, 0, 152)) {
      continue;
    }
    std::vector<uint8_t> p(udp->payload.begin(), udp->payload.end());
    net::Endpoint from{udp->src_ip, udp->src_port};
    if (udp->dst_port == 69) rrqs.push_back({from, p});
    if (PeekOpcode(p) == Opcode::kError) errors.push_back({from, p});
  }
  // Frames 13 and 16 (EDK2); then iPXE's autoexec.ipxe (frame 269).
  ASSERT_EQ(rrqs.size(), 3u);
  Request probe;
  ASSERT_EQ(ParseRequest(rrqs[0].second, &probe), RequestParse::kOk);
  EXPECT_EQ(probe.filename, "snp_x64.efi");
  ASSERT_EQ(errors.size(), 1u);
  root_.Write("snp_x64.efi", testing::RandomContent(173792, 4));

  // Frame 13: tsize 0, blksize 1468, windowsize 4.
  auto out = Send(rrqs[0].first, 69, rrqs[0].second);
  ASSERT_EQ(out.size(), 1u);
  auto oack = ParseOack(out[0].payload);
  ASSERT_TRUE(oack);
  EXPECT_EQ(oack->tsize, 173792u);
  EXPECT_EQ(oack->blksize, 1468u);
  EXPECT_EQ(oack->windowsize, 4u);
  // Frame 15: ERROR 8 "User aborted the transfer", to our TID.
  EXPECT_EQ(ParseError(errors[0].second)->code, ErrorCode::kOptionRefused);
  EXPECT_TRUE(
      Send(errors[0].first, out[0].from.port, errors[0].second).empty());
  EXPECT_EQ(server_->active_transfers(), 0u);  // freed at once
  EXPECT_EQ(Count(Counter::kProbes), 1u);
  EXPECT_EQ(Count(Counter::kTransfersFailed), 0u);
  ASSERT_EQ(log_.events.size(), 2u);
  EXPECT_EQ(log_.events[1].kind, TransferEventKind::kProbe);

  // Frame 16: the real request, blksize 1468 windowsize 4, no tsize.
  out = Send(rrqs[1].first, 69, rrqs[1].second);
  ASSERT_EQ(out.size(), 1u);
  oack = ParseOack(out[0].payload);
  ASSERT_TRUE(oack);
  EXPECT_FALSE(oack->tsize);
  EXPECT_EQ(oack->windowsize, 4u);
  auto first = Send(rrqs[1].first, out[0].from.port, Ack(0));
  EXPECT_EQ(first.size(), 4u);
  EXPECT_EQ(Drain(rrqs[1].first, first, 1468, 4), Content("snp_x64.efi"));
  EXPECT_EQ(Count(Counter::kTransfersDone), 1u);
  EXPECT_EQ(Count(Counter::kDataBlocks), 119u);
  EXPECT_EQ(Count(Counter::kRetransmits), 0u);
}

TEST_F(ServerTest, IpxeRequestFromTheSeabiosCapture) {
  auto frames = ReadPcap(xdpxe::testing::FixturePath("seabios-ipxe-boot.pcap"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  root_.Write("autoexec.ipxe", testing::RandomContent(331, 5));
  for (const PcapFrame& f : *frames) {
    auto udp = net::ParseUdpFrame(f.data, nullptr);
    if (!udp || udp->dst_port != 69) continue;
    std::vector<uint8_t> p(udp->payload.begin(), udp->payload.end());
    net::Endpoint from{udp->src_ip, udp->src_port};
    auto out = Send(from, 69, p);
    ASSERT_EQ(out.size(), 1u);
    auto oack = ParseOack(out[0].payload);
    ASSERT_TRUE(oack);
    EXPECT_EQ(oack->blksize, 1432u);
    EXPECT_EQ(oack->tsize, 331u);
    EXPECT_FALSE(oack->windowsize);  // iPXE never asks: lock-step
    auto data = Send(from, out[0].from.port, Ack(0));
    EXPECT_EQ(Drain(from, data, 1432, 1), Content("autoexec.ipxe"));
  }
  EXPECT_EQ(Count(Counter::kTransfersDone), 1u);
}

TEST_F(ServerTest, RetransmittedRrqDoesNotStartASecondTransfer) {
  auto rrq = Rrq("small.bin", {{"blksize", "1468"}});
  auto out = Send(Client(3000), 69, rrq);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(Send(Client(3000), 69, rrq).empty());
  EXPECT_TRUE(Send(Client(3000), 69, Rrq("/small.bin")).empty());  // same file
  EXPECT_EQ(server_->active_transfers(), 1u);
  EXPECT_EQ(Count(Counter::kRequestDuplicates), 2u);
  EXPECT_EQ(Count(Counter::kTransfersStarted), 1u);
  // Another port of the same client is another transfer.
  EXPECT_EQ(Send(Client(3001), 69, rrq).size(), 1u);
  EXPECT_EQ(server_->active_transfers(), 2u);
}

TEST_F(ServerTest, NewRequestFromAPortWithProgressSupersedesTheOldOne) {
  auto out = Send(Client(3000), 69, Rrq("two.bin"));
  Send(Client(3000), out[0].from.port, Ack(1));  // progress
  out = Send(Client(3000), 69, Rrq("two.bin"));  // rebooted client
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ParseData(out[0].payload)->block, 1);
  EXPECT_EQ(server_->active_transfers(), 1u);
  ASSERT_GE(log_.events.size(), 3u);
  EXPECT_EQ(log_.events[1].kind, TransferEventKind::kFailed);
  EXPECT_EQ(log_.events[1].e.reason, FailReason::kSuperseded);
}

TEST_F(ServerTest, RequestErrors) {
  std::vector<std::string> lines;
  SetLogSink([&](LogLevel, std::string_view l) { lines.emplace_back(l); });
  struct Case {
    std::vector<uint8_t> payload;
    ErrorCode code;
    const char* message_part;
  };
  std::vector<uint8_t> wrq(64);
  wrq.resize(BuildRequest(wrq, Opcode::kWrq, "x", "octet"));
  Case cases[] = {
      {Rrq("missing.efi"), ErrorCode::kFileNotFound, "not found"},
      {Rrq("../etc/passwd"), ErrorCode::kAccessViolation, "access violation"},
      {wrq, ErrorCode::kAccessViolation, "read-only"},
      {Rrq("small.bin", {}, "mail"), ErrorCode::kIllegalOperation, "mode"},
      {Bytes(std::string("\x00\x01small.bin", 11)),
       ErrorCode::kIllegalOperation, "NUL"},
      {Bytes(std::string("\x00\x01\x00octet\x00", 9)),
       ErrorCode::kIllegalOperation, "empty"},
      {Bytes(std::string("\x00\x01"
                         "f\x00octet\x00"
                         "blksize\x00",
                         18)),
       ErrorCode::kIllegalOperation, "option"},
      {Rrq("small.bin", {{"blksize", "4"}}), ErrorCode::kOptionRefused,
       "blksize"},
      {Rrq("small.bin", {{"timeout", "0"}}), ErrorCode::kOptionRefused,
       "timeout"},
      {Ack(1), ErrorCode::kIllegalOperation, "read requests"},
      {Bytes(std::string("\x00\x09zz", 4)), ErrorCode::kIllegalOperation,
       "opcode"},
  };
  uint16_t port = 4000;
  for (const Case& c : cases) {
    auto out = Send(Client(port++), 69, c.payload);
    ASSERT_EQ(out.size(), 1u) << c.message_part;
    EXPECT_EQ(ErrorOf(out[0]), c.code) << c.message_part;
    EXPECT_NE(MessageOf(out[0]).find(c.message_part), std::string::npos)
        << MessageOf(out[0]);
    EXPECT_EQ(out[0].to, Client(port - 1));
  }
  EXPECT_EQ(server_->active_transfers(), 0u);
  // Errors answering a request come from a transfer port, not 69.
  EXPECT_EQ(Send(Client(5000), 69, Rrq("missing.efi"))[0].from.port, 62000);
  // An ERROR is never answered; nor is a 1-byte datagram.
  EXPECT_TRUE(
      Send(Client(5001), 69, Error(ErrorCode::kNotDefined, "")).empty());
  EXPECT_TRUE(Send(Client(5001), 69, Bytes("x")).empty());
  SetLogSink(nullptr);
  bool logged = false;
  for (const std::string& l : lines) {
    logged |= l.find("etc/passwd") != std::string::npos &&
              l.find(kClientIp.ToString()) != std::string::npos;
  }
  EXPECT_TRUE(logged) << "no log line for the refused path";
  auto c = server_->counters();
  EXPECT_EQ(c.errors_sent[size_t(ErrorCode::kFileNotFound)], 2u);
  EXPECT_EQ(c.errors_sent[size_t(ErrorCode::kAccessViolation)], 2u);
  EXPECT_EQ(c.errors_sent[size_t(ErrorCode::kOptionRefused)], 2u);
  EXPECT_EQ(c[Counter::kRejectedPath], 1u);
  EXPECT_EQ(c[Counter::kWriteRefused], 1u);
  int rejected = 0;
  for (auto& e : log_.events)
    rejected += e.kind == TransferEventKind::kRejected;
  EXPECT_EQ(rejected, 10);  // every RRQ/WRQ-shaped case
}

TEST_F(ServerTest, UnknownTidGetsError5AndTheTransferContinues) {
  auto out = Send(Client(3000), 69, Rrq("small.bin"));
  uint16_t tid = out[0].from.port;
  // Same address, other port; and another host.
  for (net::Endpoint stray : {Client(3999), Client(3000, kServerIp)}) {
    auto e = Send(stray, tid, Ack(1));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(ErrorOf(e[0]), ErrorCode::kUnknownTid);
    EXPECT_EQ(e[0].to, stray);
    EXPECT_EQ(e[0].from.port, tid);
  }
  EXPECT_TRUE(
      Send(Client(3999), tid, Error(ErrorCode::kNotDefined, "")).empty());
  auto next = Send(Client(3000), tid, Ack(1));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(ParseData(next[0].payload)->block, 2);
  // A free port in the range: ERROR 5 as well.
  auto e = Send(Client(3000), 62009, Ack(1));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(ErrorOf(e[0]), ErrorCode::kUnknownTid);
  EXPECT_EQ(Count(Counter::kUnknownTid), 4u);
  // Not a TFTP port at all: not ours to answer.
  EXPECT_FALSE(server_->Wants(4011));
  EXPECT_TRUE(Send(Client(3000), 4011, Ack(1)).empty());
}

TEST_F(ServerTest, IllegalPacketFromTheClientEndsTheTransfer) {
  auto out = Send(Client(3000), 69, Rrq("small.bin"));
  std::vector<uint8_t> data(16);
  data.resize(BuildData(data, 1, Bytes("oops")));
  auto e = Send(Client(3000), out[0].from.port, data);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(ErrorOf(e[0]), ErrorCode::kIllegalOperation);
  EXPECT_EQ(server_->active_transfers(), 0u);
  EXPECT_EQ(log_.events.back().e.reason, FailReason::kIllegalPacket);
}

TEST_F(ServerTest, ClientErrorMidTransferIsAFailureNotAProbe) {
  auto out = Send(Client(3000), 69, Rrq("small.bin", {{"tsize", "0"}}));
  Send(Client(3000), out[0].from.port, Ack(0));
  Send(Client(3000), out[0].from.port, Error(ErrorCode::kDiskFull, "full"));
  EXPECT_EQ(Count(Counter::kTransfersFailed), 1u);
  EXPECT_EQ(Count(Counter::kProbes), 0u);
  EXPECT_EQ(log_.events.back().e.error, ErrorCode::kDiskFull);
  EXPECT_EQ(log_.events.back().e.reason, FailReason::kClientError);
}

}  // namespace
}  // namespace xdpxe::tftp
