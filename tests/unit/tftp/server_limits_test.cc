// Tests for the TFTP server's admission limits, port allocation, timers
// (retransmission backoff, give-up, idle expiry, a full TX ring), reload,
// the status snapshot, and files replaced while they are being served.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/server_test_fixture.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Ack;
using testing::kClientIp;
using testing::Rrq;
using testing::ServerTest;

TEST_F(ServerTest, PerClientAndTotalLimits) {
  cfg_.max_per_client = 2;
  cfg_.max_transfers = 3;
  Make();
  EXPECT_EQ(Send(Client(3000), 69, Rrq("small.bin")).size(), 1u);
  EXPECT_EQ(Send(Client(3001), 69, Rrq("small.bin")).size(), 1u);
  auto out = Send(Client(3002), 69, Rrq("small.bin"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ErrorOf(out[0]), ErrorCode::kNotDefined);
  EXPECT_NE(MessageOf(out[0]).find("too many transfers from this client"),
            std::string::npos);
  auto other = net::Ipv4Addr::FromOctets(198, 18, 0, 153);
  EXPECT_EQ(
      ParseData(Send(Client(3000, other), 69, Rrq("small.bin"))[0].payload)
          ->block,
      1);
  out = Send(Client(3000, net::Ipv4Addr::FromOctets(198, 18, 0, 154)), 69,
             Rrq("small.bin"));
  EXPECT_NE(MessageOf(out[0]).find("server busy"), std::string::npos);
  EXPECT_EQ(Count(Counter::kRejectedClientLimit), 1u);
  EXPECT_EQ(Count(Counter::kRejectedTotalLimit), 1u);
  EXPECT_EQ(server_->active_transfers(), 3u);
}

TEST_F(ServerTest, EachTransferHasItsOwnPortReusedOldestFirst) {
  cfg_.port_lo = 62000;
  cfg_.port_hi = 62001;
  Make();
  auto a = Send(Client(3000), 69, Rrq("small.bin"));
  auto b = Send(Client(3001), 69, Rrq("small.bin"));
  EXPECT_EQ(a[0].from.port, 62000);
  EXPECT_EQ(b[0].from.port, 62001);
  auto c = Send(Client(3002), 69, Rrq("small.bin"));
  EXPECT_NE(MessageOf(c[0]).find("no free transfer port"), std::string::npos);
  EXPECT_EQ(c[0].from.port, 69);  // nothing free to answer from
  EXPECT_EQ(Count(Counter::kRejectedNoPort), 1u);
  Send(Client(3001), 62001, Ack(1));
  Send(Client(3001), 62001, Ack(2));  // b done: 62001 free
  EXPECT_EQ(Send(Client(3003), 69, Rrq("small.bin"))[0].from.port, 62001);
}

TEST_F(ServerTest, RetransmitsWithBackoffThenGivesUp) {
  cfg_.retransmit_timeout = milliseconds(1000);
  cfg_.max_retransmit_timeout = milliseconds(4000);
  cfg_.max_retries = 4;
  cfg_.idle_timeout = milliseconds(60000);
  Make();
  auto out = Send(Client(3000), 69, Rrq("small.bin"));
  ASSERT_EQ(out.size(), 1u);
  const net::Time t0 = clock_.now();
  // Resends at +1, +3, +7, +11 s (1, 2, 4, 4-capped), gives up at +15 s.
  std::vector<int> resend_at;
  for (int ms = 0; ms <= 20000; ms += 1) {
    if (server_->NextDeadline() > clock_.now()) {
      clock_.Advance(server_->NextDeadline() - clock_.now());
    }
    auto sent = Tick();
    for (auto& s : sent) {
      EXPECT_EQ(ParseData(s.payload)->block, 1);
      resend_at.push_back(int(
          std::chrono::duration_cast<milliseconds>(clock_.now() - t0).count()));
    }
    if (server_->active_transfers() == 0) break;
  }
  EXPECT_EQ(resend_at, (std::vector<int>{1000, 3000, 7000, 11000}));
  EXPECT_EQ(server_->active_transfers(), 0u);
  EXPECT_EQ(clock_.now() - t0, seconds(15));
  EXPECT_EQ(log_.events.back().kind, TransferEventKind::kFailed);
  EXPECT_EQ(log_.events.back().e.reason, FailReason::kTimeout);
  EXPECT_EQ(log_.events.back().e.retransmits, 4u);
  EXPECT_EQ(Count(Counter::kRetransmits), 4u);
  EXPECT_EQ(Count(Counter::kTimeouts), 4u);
  EXPECT_EQ(server_->NextDeadline(), net::Time::max());
}

TEST_F(ServerTest, OackIsRetransmittedToo) {
  auto out = Send(Client(3000), 69, Rrq("small.bin", {{"tsize", "0"}}));
  ASSERT_TRUE(ParseOack(out[0].payload));
  clock_.Advance(seconds(1));
  auto again = Tick();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].payload, out[0].payload);
}

TEST_F(ServerTest, ClientTimeoutOptionSetsTheRetransmitInterval) {
  auto out = Send(Client(3000), 69, Rrq("small.bin", {{"timeout", "3"}}));
  EXPECT_EQ(ParseOack(out[0].payload)->timeout, 3u);
  clock_.Advance(milliseconds(2999));
  EXPECT_TRUE(Tick().empty());
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(Tick().size(), 1u);
}

TEST_F(ServerTest, IdleTransfersExpireEvenWhileTheClientSendsJunk) {
  cfg_.retransmit_timeout = milliseconds(500);
  cfg_.max_retransmit_timeout = milliseconds(500);
  cfg_.max_retries = 200;
  cfg_.idle_timeout = milliseconds(3000);
  Make();
  auto out = Send(Client(3000), 69, Rrq("small.bin"));
  uint16_t tid = out[0].from.port;
  for (int i = 0; i < 100 && server_->active_transfers() > 0; ++i) {
    clock_.Advance(milliseconds(100));
    Send(Client(3000), tid, Ack(0));  // stale: not progress
    Tick();
  }
  EXPECT_EQ(server_->active_transfers(), 0u);
  EXPECT_EQ(log_.events.back().e.reason, FailReason::kIdle);
  EXPECT_EQ(log_.events.back().e.duration, seconds(3));
  EXPECT_EQ(Count(Counter::kIdleExpired), 1u);
}

TEST_F(ServerTest, FullTxRingIsRetriedSoonWithoutCountingALoss) {
  sink_.set_full(true);
  EXPECT_TRUE(Send(Client(3000), 69, Rrq("small.bin")).empty());
  EXPECT_EQ(server_->active_transfers(), 1u);
  EXPECT_EQ(Count(Counter::kTxFull), 1u);
  EXPECT_LE(server_->NextDeadline(), clock_.now() + Transfer::kTxRetry);
  sink_.set_full(false);
  clock_.Advance(Transfer::kTxRetry);
  auto out = Tick();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ParseData(out[0].payload)->block, 1);
  EXPECT_EQ(Count(Counter::kRetransmits), 0u);
  EXPECT_EQ(Count(Counter::kTimeouts), 0u);
}

TEST_F(ServerTest, ReloadNeverChangesARunningTransfer) {
  root_.Write("big.bin", testing::RandomContent(20000, 9));
  auto out = Send(Client(3000), 69, Rrq("big.bin", {{"blksize", "1468"}}));
  uint16_t old_port = out[0].from.port;
  EXPECT_EQ(ParseOack(out[0].payload)->blksize, 1468u);
  ServerConfig next = cfg_;
  next.mtu = 576;
  next.port_lo = 63000;
  next.port_hi = 63009;
  next.max_window = 2;
  ASSERT_TRUE(server_->set_config(next).ok());
  EXPECT_TRUE(server_->Wants(old_port));  // still held by the transfer
  EXPECT_FALSE(server_->Wants(62005));    // old range, free
  auto first = Send(Client(3000), old_port, Ack(0));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(Drain(Client(3000), first, 1468, 1), Content("big.bin"));
  EXPECT_FALSE(server_->Wants(old_port));
  auto fresh = Send(Client(3001), 69,
                    Rrq("big.bin", {{"blksize", "1468"}, {"windowsize", "8"}}));
  EXPECT_EQ(fresh[0].from.port, 63000);
  EXPECT_EQ(ParseOack(fresh[0].payload)->blksize, 576u - 32u);
  EXPECT_EQ(ParseOack(fresh[0].payload)->windowsize, 2u);
  ServerConfig bad = next;
  bad.port_lo = 0;
  EXPECT_FALSE(server_->set_config(bad).ok());
  EXPECT_EQ(server_->config().port_lo, 63000);
}

TEST_F(ServerTest, ValidateServerConfigNamesTheProblem) {
  ServerConfig c;
  EXPECT_TRUE(ValidateServerConfig(c).ok());
  c.port_lo = 60;
  c.port_hi = 70;
  EXPECT_NE(ValidateServerConfig(c).message().find("listen port 69"),
            std::string::npos);
  c = {};
  c.mtu = 500;
  EXPECT_NE(ValidateServerConfig(c).message().find("mtu 500"),
            std::string::npos);
}

TEST_F(ServerTest, StatusSnapshotOfActiveTransfers) {
  root_.Write("big.bin", testing::RandomContent(20000, 9));
  auto a = Send(Client(3000), 69,
                Rrq("big.bin", {{"blksize", "1000"}, {"windowsize", "4"}}));
  Send(Client(3000), a[0].from.port, Ack(0));
  Send(Client(3000), a[0].from.port, Ack(4));
  Send(Client(3001), 69, Rrq("small.bin", {}, "netascii"));
  auto list = server_->Transfers();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].client, Client(3000));
  EXPECT_EQ(list[0].file, "big.bin");
  EXPECT_EQ(list[0].blksize, 1000);
  EXPECT_EQ(list[0].window, 4);
  EXPECT_EQ(list[0].bytes_acked, 4000u);
  EXPECT_EQ(list[0].last_block, 21u);
  EXPECT_EQ(list[0].state, TransferState::kSending);
  EXPECT_EQ(list[1].mode, Mode::kNetascii);
  EXPECT_EQ(list[1].blocks_acked, 0u);
}

TEST_F(ServerTest, FileReplacedMidTransferNeverMixesVersions) {
  const std::string v1 = testing::RandomContent(5000, 10);
  const std::string v2 = testing::RandomContent(7000, 11);
  root_.Write("nbp.efi", v1);
  // A: starts on v1 and receives one block.
  auto a = Send(Client(3000), 69, Rrq("nbp.efi", {{"tsize", "0"}}));
  EXPECT_EQ(ParseOack(a[0].payload)->tsize, 5000u);
  auto a1 = Send(Client(3000), a[0].from.port, Ack(0));
  // Renamed over while A runs.
  root_.Replace("nbp.efi", v2);
  auto b = Send(Client(3001), 69, Rrq("nbp.efi", {{"tsize", "0"}}));
  EXPECT_EQ(ParseOack(b[0].payload)->tsize, 7000u);
  // Rewritten in place (same size) while both run.
  root_.Write("nbp.efi", std::string(7000, 'z'));
  auto b1 = Send(Client(3001), b[0].from.port, Ack(0));
  EXPECT_EQ(Drain(Client(3000), a1, 512, 1), v1);
  EXPECT_EQ(Drain(Client(3001), b1, 512, 1), v2);
  auto c = Send(Client(3002), 69, Rrq("nbp.efi"));
  EXPECT_EQ(Drain(Client(3002), c, 512, 1), std::string(7000, 'z'));
  EXPECT_EQ(Count(Counter::kTransfersDone), 3u);
}

}  // namespace
}  // namespace xdpxe::tftp
