// Helpers for the TFTP tests: see tftp_test_util.h.
#include "tests/unit/tftp/tftp_test_util.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace xdpxe::tftp::testing {

TempDir::TempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string tmpl =
      std::string(base != nullptr ? base : "/tmp") + "/xdpxe-tftp-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::Write(const std::string& rel, const std::string& content) const {
  std::filesystem::path p(Path(rel));
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(content.data(), std::streamsize(content.size()));
  if (!f) throw std::runtime_error("write " + p.string());
}

void TempDir::Replace(const std::string& rel,
                      const std::string& content) const {
  Write(rel + ".new", content);
  std::filesystem::rename(Path(rel + ".new"), Path(rel));
}

void TempDir::Mkdir(const std::string& rel) const {
  std::filesystem::create_directories(Path(rel));
}

void TempDir::Symlink(const std::string& target, const std::string& rel) const {
  if (symlink(target.c_str(), Path(rel).c_str()) != 0) {
    throw std::runtime_error("symlink " + rel);
  }
}

std::string RandomContent(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = char(rng());
  return s;
}

std::vector<uint8_t> Bytes(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::string String(std::span<const uint8_t> b) {
  return std::string(b.begin(), b.end());
}

std::vector<uint8_t> Rrq(std::string_view file, std::vector<OptionPair> options,
                         std::string_view mode) {
  std::vector<uint8_t> buf(1024 + file.size());
  size_t n = BuildRequest(buf, Opcode::kRrq, file, mode, options);
  buf.resize(n);
  return buf;
}

std::vector<uint8_t> Ack(uint16_t block) {
  std::vector<uint8_t> buf(4);
  BuildAck(buf, block);
  return buf;
}

std::vector<uint8_t> Error(ErrorCode code, std::string_view msg) {
  std::vector<uint8_t> buf(5 + msg.size());
  buf.resize(BuildError(buf, code, msg));
  return buf;
}

net::Datagram Dgram(net::Endpoint src, net::Endpoint dst,
                    const std::vector<uint8_t>& payload) {
  net::Datagram d;
  d.src = src;
  d.dst = dst;
  d.src_mac = kClientMac;
  d.payload = payload;
  return d;
}

SimNet::SimNet(Server& server, SimOptions opt)
    : server_(server), opt_(opt), rng_(opt.seed) {}

void SimNet::Send(bool to_server, net::Endpoint from, net::Endpoint to,
                  std::vector<uint8_t> payload) {
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng_) < opt_.loss) return;
  int copies = u(rng_) < opt_.duplicate ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    net::Duration delay =
        opt_.latency +
        std::chrono::duration_cast<net::Duration>(opt_.jitter * u(rng_));
    flight_.push({clock_.now() + delay, seq_++, to_server, from, to, payload});
  }
}

void SimNet::FlushServer() {
  for (xdpxe::testing::SentDatagram& s : sink_.Take()) {
    Send(false, s.from, s.to, std::move(s.payload));
  }
}

SimResult SimNet::Fetch(std::string_view file, std::vector<OptionPair> options,
                        std::string_view mode) {
  SimResult r;
  const net::Time start = clock_.now();
  const net::Endpoint client{kClientIp, opt_.client_port};
  const net::Endpoint listen{kServerIp, server_.config().listen_port};
  std::optional<net::Endpoint> tid;
  uint32_t blksize = kDefaultBlockSize;
  uint32_t window = 1;
  bool expect_oack = !options.empty();
  uint64_t expected = 1;
  uint32_t in_window = 0;
  bool done = false;
  int retries = 0;
  std::vector<uint8_t> last = Rrq(file, options, mode);
  net::Endpoint last_to = listen;
  net::Time client_deadline = clock_.now() + opt_.client_timeout;

  auto send = [&](std::vector<uint8_t> p, net::Endpoint to) {
    last = p;
    last_to = to;
    if (PeekOpcode(p) == Opcode::kAck) ++r.acks_sent;
    Send(true, client, to, std::move(p));
  };
  auto on_packet = [&](const InFlight& f) {
    if (!tid) tid = f.from;
    if (f.from != *tid) return;
    std::optional<Opcode> op = PeekOpcode(f.payload);
    if (op == Opcode::kError) {
      if (done) return;
      r.error = ParseError(f.payload);
      r.error_message = std::string(r.error->message);
      r.error->message = {};
      done = true;
      return;
    }
    if (op == Opcode::kOack) {
      std::optional<OackOptions> o = ParseOack(f.payload);
      if (!o || expected != 1) return;
      if (!r.oack) {
        r.oack = o;
        if (o->blksize) blksize = *o->blksize;
        if (o->windowsize) window = *o->windowsize;
      }
      send(Ack(0), *tid);
      return;
    }
    std::optional<DataPacket> data = ParseData(f.payload);
    if (!data) return;
    ++r.data_packets;
    expect_oack = false;
    uint16_t want = uint16_t(expected);
    if (!done && data->block == want) {
      r.data.append(data->data.begin(), data->data.end());
      ++expected;
      ++in_window;
      retries = 0;
      client_deadline = clock_.now() + opt_.client_timeout;
      if (data->data.size() < blksize) {
        done = r.complete = true;
        send(Ack(data->block), *tid);
      } else if (in_window >= window) {
        in_window = 0;
        send(Ack(data->block), *tid);
      }
      return;
    }
    bool future = !done && uint16_t(data->block - want) < 32768;
    if (future || done || window == 1 || opt_.reack_duplicates) {
      // A gap (RFC 7440: ACK what we have), or a resent block we had.
      in_window = 0;
      send(Ack(uint16_t(expected - 1)), *tid);
    }
  };

  send(last, listen);
  (void)expect_oack;
  const net::Time give_up = start + std::chrono::minutes(30);
  for (int iter = 0; iter < 50'000'000; ++iter) {
    if (done && server_.active_transfers() == 0) break;
    net::Time next = server_.NextDeadline();
    if (!done) next = std::min(next, client_deadline);
    if (!flight_.empty()) next = std::min(next, flight_.top().at);
    if (next == net::Time::max() || next > give_up) break;
    if (next > clock_.now()) clock_.Advance(next - clock_.now());
    const net::Time now = clock_.now();
    if (server_.NextDeadline() <= now) {
      server_.OnTick(now, sink_);
      FlushServer();
    }
    // Deliver everything due, earliest (then oldest) first.
    while (!flight_.empty() && flight_.top().at <= now) {
      InFlight f = flight_.top();
      flight_.pop();
      if (f.to_server) {
        server_.OnDatagram(Dgram(f.from, f.to, f.payload), now, sink_);
        FlushServer();
      } else {
        on_packet(f);
      }
    }
    if (!done && client_deadline <= now) {
      if (++retries > opt_.client_retries) break;
      send(last, last_to);
      client_deadline = now + opt_.client_timeout;
    }
  }
  r.elapsed = clock_.now() - start;
  return r;
}

}  // namespace xdpxe::tftp::testing
