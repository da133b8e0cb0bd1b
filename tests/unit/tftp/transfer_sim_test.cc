// Whole transfers over a simulated network (tests/unit/tftp SimNet): every
// window size with loss, duplication and reordering of DATA and ACK
// (seeded), content checked byte for byte; block-number rollover past
// 65535; netascii.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp {
namespace {

using std::chrono::milliseconds;
using testing::SimNet;
using testing::SimOptions;
using testing::SimResult;

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = FileStore::Open(root_.path());
    ASSERT_TRUE(store.ok());
    store_ = *store;
    cfg_.server_ip = testing::kServerIp;
  }
  std::unique_ptr<Server> NewServer() {
    return std::make_unique<Server>(cfg_, store_, nullptr);
  }
  testing::TempDir root_;
  std::shared_ptr<FileStore> store_;
  ServerConfig cfg_;
};

struct Net {
  const char* name;
  double loss, duplicate;
  int jitter_us;
};

class LossyTransfer
    : public SimTest,
      public ::testing::WithParamInterface<std::tuple<int, Net, uint32_t>> {};

TEST_P(LossyTransfer, ContentArrivesIntact) {
  auto [window, net, seed] = GetParam();
  const std::string content = testing::RandomContent(300 * 1468 + 77, seed);
  root_.Write("nbp.efi", content);
  cfg_.retransmit_timeout = milliseconds(200);
  cfg_.max_retries = 10;
  auto server = NewServer();
  SimOptions opt;
  opt.loss = net.loss;
  opt.duplicate = net.duplicate;
  opt.jitter = std::chrono::microseconds(net.jitter_us);
  opt.seed = seed;
  opt.client_timeout = milliseconds(300);
  SimNet sim(*server, opt);
  std::string ws = std::to_string(window);
  SimResult r = sim.Fetch(
      "nbp.efi", {{"blksize", "1468"}, {"windowsize", ws}, {"tsize", "0"}});
  ASSERT_TRUE(r.complete) << net.name << " W=" << window << " seed=" << seed
                          << " error=" << r.error_message;
  EXPECT_EQ(r.data.size(), content.size());
  EXPECT_TRUE(r.data == content) << "content differs";
  EXPECT_EQ(r.oack->windowsize, uint32_t(window));
  EXPECT_EQ(r.oack->tsize, content.size());
  Counters c = server->counters();
  EXPECT_EQ(c[Counter::kTransfersDone], 1u);
  EXPECT_EQ(server->active_transfers(), 0u);
  if (net.loss == 0 && net.jitter_us == 0) {
    // No loss, no reordering: duplicated ACKs, and duplicated DATA that a
    // lock-step client re-ACKs, never make the server send a block twice.
    EXPECT_EQ(c[Counter::kRetransmits], 0u);
    EXPECT_EQ(c[Counter::kDataBlocks], 301u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, LossyTransfer,
    ::testing::Combine(::testing::Values(1, 4, 16, 64),
                       ::testing::Values(Net{"clean", 0, 0, 0},
                                         Net{"dup", 0, 0.3, 0},
                                         Net{"loss", 0.05, 0, 0},
                                         Net{"reorder", 0, 0, 3000},
                                         Net{"all", 0.05, 0.1, 2000}),
                       ::testing::Values(1u, 2u)),
    [](const auto& info) {
      return "W" + std::to_string(std::get<0>(info.param)) + "_" +
             std::get<1>(info.param).name + "_s" +
             std::to_string(std::get<2>(info.param));
    });

TEST_F(SimTest, WindowedClientThatReAcksDuplicatesStillGetsTheFile) {
  // Not RFC 7440 behaviour: every duplicate mid-window looks like a gap
  // and restarts the window after it. Each distinct ACK restarts at most
  // once (duplicate ACKs are ignored), so the cost stays bounded.
  const std::string content = testing::RandomContent(200 * 1468, 31);
  root_.Write("nbp.efi", content);
  auto server = NewServer();
  SimNet sim(*server, {.duplicate = 0.05, .seed = 3, .reack_duplicates = true});
  SimResult r =
      sim.Fetch("nbp.efi", {{"blksize", "1468"}, {"windowsize", "8"}});
  ASSERT_TRUE(r.complete);
  EXPECT_TRUE(r.data == content);
  EXPECT_LT(server->counters()[Counter::kDataBlocks], 200u * 3);
}

TEST_F(SimTest, LockStepWithoutOptionsUnderLoss) {
  const std::string content = testing::RandomContent(100 * 512, 21);
  root_.Write("undionly.kpxe", content);
  cfg_.retransmit_timeout = milliseconds(200);
  cfg_.max_retries = 10;
  auto server = NewServer();
  SimNet sim(*server, {.loss = 0.1,
                       .duplicate = 0.1,
                       .seed = 5,
                       .client_timeout = milliseconds(300)});
  SimResult r = sim.Fetch("undionly.kpxe");
  ASSERT_TRUE(r.complete);
  EXPECT_FALSE(r.oack);
  EXPECT_TRUE(r.data == content);
}

TEST_F(SimTest, BlockNumbersRollOverPast65535) {
  // 65536 + 1000 full 8-byte blocks, then a short one: the wire block
  // numbers go 65535, 0, 1, ...
  const std::string content = testing::RandomContent((65536 + 1000) * 8 + 3, 6);
  root_.Write("big.wim", content);
  for (int window : {1, 16}) {
    auto server = NewServer();
    SimNet sim(*server, {});
    SimResult r = sim.Fetch(
        "big.wim", {{"blksize", "8"}, {"windowsize", std::to_string(window)}});
    ASSERT_TRUE(r.complete) << "W=" << window;
    EXPECT_TRUE(r.data == content) << "W=" << window;
    EXPECT_EQ(server->counters()[Counter::kDataBlocks], 65536u + 1001u);
    EXPECT_EQ(server->counters()[Counter::kRetransmits], 0u);
  }
}

TEST_F(SimTest, RolloverUnderLossAndReordering) {
  const std::string content = testing::RandomContent((65536 + 300) * 8, 7);
  root_.Write("big.iso", content);
  cfg_.retransmit_timeout = milliseconds(100);
  cfg_.max_retries = 20;
  auto server = NewServer();
  SimNet sim(*server, {.loss = 0.01,
                       .duplicate = 0.01,
                       .jitter = std::chrono::microseconds(30),
                       .seed = 9,
                       .client_timeout = milliseconds(150)});
  SimResult r = sim.Fetch("big.iso", {{"blksize", "8"}, {"windowsize", "8"}});
  ASSERT_TRUE(r.complete);
  RecordProperty("data_packets", int(r.data_packets));
  EXPECT_TRUE(r.data == content);
}

TEST_F(SimTest, NetasciiConvertsAndReportsTheConvertedSize) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "line " + std::to_string(i) + "\n\r";
  root_.Write("menu.txt", text);
  std::string want;
  for (char ch : text) {
    if (ch == '\n') {
      want += "\r\n";
    } else if (ch == '\r') {
      want += std::string("\r\0", 2);
    } else {
      want += ch;
    }
  }
  auto server = NewServer();
  SimNet sim(*server, {});
  SimResult r = sim.Fetch("menu.txt", {{"tsize", "0"}}, "NETASCII");
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.oack->tsize, want.size());
  EXPECT_TRUE(r.data == want);
  // The same file in octet mode is untouched.
  SimNet sim2(*server, {.client_port = 2001});
  SimResult o = sim2.Fetch("menu.txt", {{"tsize", "0"}});
  EXPECT_EQ(o.oack->tsize, text.size());
  EXPECT_TRUE(o.data == text);
}

TEST_F(SimTest, ClientThatVanishesIsFreed) {
  root_.Write("f", testing::RandomContent(10000, 8));
  cfg_.retransmit_timeout = milliseconds(100);
  cfg_.max_retries = 3;
  auto server = NewServer();
  SimNet sim(*server, {.loss = 1.0, .client_retries = 2});
  SimResult r = sim.Fetch("f");
  EXPECT_FALSE(r.complete);
  // The RRQ never arrived: nothing to free. Now a client whose ACKs die.
  EXPECT_EQ(server->active_transfers(), 0u);
}

}  // namespace
}  // namespace xdpxe::tftp
