// Proves the per-request path allocates nothing: ParseMessage +
// ProxyResponder::Handle + MessageBuilder for the three hot requests (OVMF
// DISCOVER, OVMF 4011 REQUEST, iPXE DISCOVER), counted by replacing the
// global operator new in this test binary only. set_config may allocate
// (it builds the host index), Handle may not.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/alloc_counter.h"
#include "tests/unit/dhcp/test_util.h"
#include "userspace/dhcp/responder.h"

namespace xdpxe::dhcp {
namespace {

// A TX sink over a fixed buffer, like a UMEM frame: no allocation.
class ArraySink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    return n <= sizeof(buf_) ? std::span<uint8_t>(buf_, n)
                             : std::span<uint8_t>();
  }
  void Commit(const net::Endpoint&, const net::Endpoint& to,
              const net::MacAddr&, size_t n) override {
    last_to_ = to;
    last_len_ = n;
    ++commits_;
  }
  int commits_ = 0;
  size_t last_len_ = 0;
  net::Endpoint last_to_;

 private:
  uint8_t buf_[1500];
};

TEST(ResponderAllocTest, HandleAllocatesNothing) {
  auto cfg = std::make_shared<ResponderConfig>();
  cfg->server_ip = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
  HostRule h;  // a populated host index must not allocate on lookup either
  h.mac = *net::MacAddr::Parse("02:00:00:00:00:01");
  h.boot_file = "x.efi";
  cfg->boot.hosts.push_back(h);
  h.mac.reset();
  h.guid = ClientGuid::Parse("00000000-0000-4000-8000-000000000001");
  cfg->boot.hosts.push_back(h);
  ProxyResponder r(cfg);

  const auto ovmf = testing::LoadDhcp("ovmf-x64-pxe-boot.pcap");
  std::vector<net::Datagram> hot;
  for (const auto& c : ovmf) {
    if (c.index == 1 || c.index == 11 || c.index == 257)
      hot.push_back(c.dgram());
  }
  ASSERT_EQ(hot.size(), 3u);
  ArraySink sink;
  ReplyInfo info;
  const long before = ::xdpxe::testing::AllocationCount();
  for (int round = 0; round < 100; ++round) {
    for (const auto& d : hot) {
      EXPECT_EQ(r.Handle(d, sink, &info), Verdict::kReplied);
    }
  }
  const long after = ::xdpxe::testing::AllocationCount();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(sink.commits_, 300);
  // The counter works (a test that cannot fail is a defect).
  auto* probe = new std::string(100, 'x');
  EXPECT_GT(::xdpxe::testing::AllocationCount(), after);
  delete probe;
}

}  // namespace
}  // namespace xdpxe::dhcp
