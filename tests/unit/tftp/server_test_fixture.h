// The fixture shared by the TFTP server tests: a Server over a temporary
// root with a fake clock, a fake sink and an event log, and a lossless
// client (Drain) for finishing a transfer.
#ifndef XDPXE_TESTS_UNIT_TFTP_SERVER_TEST_FIXTURE_H_
#define XDPXE_TESTS_UNIT_TFTP_SERVER_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp::testing {

using xdpxe::testing::SentDatagram;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_.Write("small.bin", RandomContent(1000, 1));
    root_.Write("two.bin", RandomContent(1024, 2));
    root_.Write("empty.bin", "");
    cfg_.server_ip = kServerIp;
    cfg_.port_lo = 62000;
    cfg_.port_hi = 62009;
    Make();
  }
  void Make() {
    auto store = FileStore::Open(root_.path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
    server_ = std::make_unique<Server>(cfg_, store_, &log_);
  }
  net::Endpoint Client(uint16_t port, net::Ipv4Addr ip = kClientIp) {
    return {ip, port};
  }
  std::vector<SentDatagram> Send(net::Endpoint from, uint16_t port,
                                 const std::vector<uint8_t>& p) {
    server_->OnDatagram(Dgram(from, {kServerIp, port}, p), clock_.now(), sink_);
    return sink_.Take();
  }
  std::vector<SentDatagram> Tick() {
    server_->OnTick(clock_.now(), sink_);
    return sink_.Take();
  }
  uint64_t Count(Counter c) { return server_->counters()[c]; }
  static ErrorCode ErrorOf(const SentDatagram& s) {
    auto e = ParseError(s.payload);
    return e ? e->code : ErrorCode(0xffff);
  }
  static std::string MessageOf(const SentDatagram& s) {
    auto e = ParseError(s.payload);
    return e ? std::string(e->message) : "";
  }
  // Plays a lossless client: ACKs every `window`-th block and the last.
  std::string Drain(net::Endpoint client, std::vector<SentDatagram> pending,
                    uint16_t blksize, uint16_t window) {
    std::string data;
    uint32_t in_window = 0;
    for (size_t i = 0; i < pending.size(); ++i) {
      auto d = ParseData(pending[i].payload);
      if (!d) {
        ADD_FAILURE() << "not DATA";
        return data;
      }
      EXPECT_EQ(pending[i].to, client);
      data.append(d->data.begin(), d->data.end());
      bool last = d->data.size() < blksize;
      if (++in_window == window || last) {
        in_window = 0;
        auto more = Send(client, pending[i].from.port, Ack(d->block));
        if (last) {
          EXPECT_TRUE(more.empty());
          break;
        }
        pending.insert(pending.end(), more.begin(), more.end());
      }
    }
    return data;
  }
  std::string Content(const std::string& rel) {
    return String((*store_->Get(rel))->octets());
  }

  TempDir root_;
  ServerConfig cfg_;
  std::shared_ptr<FileStore> store_;
  EventLog log_;
  xdpxe::testing::FakeClock clock_;
  xdpxe::testing::FakeSink sink_;
  std::unique_ptr<Server> server_;
};

}  // namespace xdpxe::tftp::testing

#endif  // XDPXE_TESTS_UNIT_TFTP_SERVER_TEST_FIXTURE_H_
