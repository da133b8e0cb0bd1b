// Helpers for the TFTP tests: a temporary TFTP root, datagram and request
// builders, and SimNet, a deterministic simulation of one client fetching
// a file from a tftp::Server over a network that loses, duplicates and
// reorders packets (seeded), driven by a FakeClock.
//
//   TempDir root;
//   root.Write("boot.efi", content);
//   SimNet net(server, {.loss = 0.1, .seed = 7});
//   SimResult r = net.Fetch("boot.efi", {{"blksize", "1468"}, {"windowsize",
//   "16"}}); EXPECT_EQ(r.data, content);
#ifndef XDPXE_TESTS_UNIT_TFTP_TFTP_TEST_UTIL_H_
#define XDPXE_TESTS_UNIT_TFTP_TFTP_TEST_UTIL_H_

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <tuple>
#include <utility>  // fake_sink.h uses std::exchange without it
#include <vector>

#include "tests/testing/fake_sink.h"
#include "userspace/net/datagram.h"
#include "userspace/tftp/packet.h"
#include "userspace/tftp/server.h"

namespace xdpxe::tftp::testing {

inline const net::Ipv4Addr kServerIp = net::Ipv4Addr::FromOctets(198, 18, 0, 1);
inline const net::Ipv4Addr kClientIp =
    net::Ipv4Addr::FromOctets(198, 18, 0, 152);
inline const net::MacAddr kClientMac{{0x52, 0x54, 0x00, 0x18, 0x00, 0x07}};

// A directory under $TEST_TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Path(const std::string& rel) const { return path_ + "/" + rel; }
  // Creates parent directories as needed.
  void Write(const std::string& rel, const std::string& content) const;
  // Writes to a temporary name and renames it over `rel`.
  void Replace(const std::string& rel, const std::string& content) const;
  void Mkdir(const std::string& rel) const;
  void Symlink(const std::string& target, const std::string& rel) const;

 private:
  std::string path_;
};

// Deterministic pseudo-random bytes.
std::string RandomContent(size_t size, uint32_t seed);

std::vector<uint8_t> Bytes(std::string_view s);
std::string String(std::span<const uint8_t> b);

std::vector<uint8_t> Rrq(std::string_view file,
                         std::vector<OptionPair> options = {},
                         std::string_view mode = "octet");
std::vector<uint8_t> Ack(uint16_t block);
std::vector<uint8_t> Error(ErrorCode code, std::string_view msg);

net::Datagram Dgram(net::Endpoint src, net::Endpoint dst,
                    const std::vector<uint8_t>& payload);

// Records TransferEvents (file names copied).
struct RecordedEvent {
  TransferEventKind kind;
  std::string file;
  TransferEvent e;
};
class EventLog : public EventObserver {
 public:
  void OnTransferEvent(const TransferEvent& e) override {
    events.push_back({e.kind, std::string(e.file), e});
    events.back().e.file = {};
    events.back().e.message = {};
  }
  std::vector<RecordedEvent> events;
};

struct SimOptions {
  double loss = 0;       // per packet, each direction
  double duplicate = 0;  // per packet, each direction
  net::Duration latency = std::chrono::microseconds(200);
  net::Duration jitter{};  // uniform extra delay: reorders packets
  uint32_t seed = 1;
  net::Duration client_timeout = std::chrono::milliseconds(1500);
  int client_retries = 30;
  uint16_t client_port = 2000;
  // A stale (already received) block is re-ACKed in lock-step, as RFC
  // 1350 clients do (the Sorcerer's Apprentice trigger); with a window,
  // only when this is set (RFC 7440 receivers ACK at the window's end or
  // on a gap, so they wait for their own timeout instead).
  bool reack_duplicates = false;
};

struct SimResult {
  bool complete = false;  // got the final short block
  std::string data;
  std::optional<OackOptions> oack;
  std::optional<ErrorPacket> error;
  std::string error_message;
  uint64_t data_packets = 0;  // DATA datagrams that reached the client
  uint64_t acks_sent = 0;
  net::Duration elapsed{};
};

class SimNet {
 public:
  SimNet(Server& server, SimOptions opt);
  SimResult Fetch(std::string_view file, std::vector<OptionPair> options = {},
                  std::string_view mode = "octet");
  xdpxe::testing::FakeClock& clock() { return clock_; }

 private:
  struct InFlight {
    net::Time at;
    uint64_t seq;
    bool to_server;
    net::Endpoint from, to;
    std::vector<uint8_t> payload;
    bool operator>(const InFlight& o) const {
      return std::tie(at, seq) > std::tie(o.at, o.seq);
    }
  };
  void Send(bool to_server, net::Endpoint from, net::Endpoint to,
            std::vector<uint8_t> payload);
  void FlushServer();

  Server& server_;
  SimOptions opt_;
  std::mt19937 rng_;
  xdpxe::testing::FakeClock clock_;
  xdpxe::testing::FakeSink sink_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>>
      flight_;  // earliest (then oldest) first
  uint64_t seq_ = 0;
};

}  // namespace xdpxe::tftp::testing

#endif  // XDPXE_TESTS_UNIT_TFTP_TFTP_TEST_UTIL_H_
