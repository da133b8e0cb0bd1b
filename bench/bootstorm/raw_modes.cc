// Raw modes (raw_modes.h): baselines, ProxyDHCP rate steps, TFTP goodput.
#include "bench/bootstorm/raw_modes.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/bootstorm/dhcp_wire.h"
#include "bench/bootstorm/l2.h"
#include "bench/bootstorm/storm.h"
#include "userspace/common/errno_status.h"
#include "userspace/net/frame.h"

namespace xdpxe::bootstorm {

namespace {

using Clock = net::Clock;

double Since(net::Time a, net::Time b) {
  return std::chrono::duration<double>(b - a).count();
}

// Sleeps on the port's fd until a frame arrives or `until`.
void WaitFrames(int ep, net::Time until) {
  net::Time now = Clock::now();
  if (until <= now) return;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until - now);
  timespec ts{static_cast<time_t>(ns.count() / 1000000000),
              static_cast<long>(ns.count() % 1000000000)};
  epoll_event ev;
  epoll_pwait2(ep, &ev, 1, &ts, nullptr);
}

int PortEpoll(RawPort* port) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = port->fd();
  epoll_ctl(ep, EPOLL_CTL_ADD, port->fd(), &ev);
  return ep;
}

// Answers ARP for the probe address (the server resolves it before it
// replies to pings or sends the UDP ceiling's datagrams).
bool AnswerProbeArp(RawPort& port, std::span<const uint8_t> frame) {
  if (auto arp = ParseArpRequest(frame)) {
    if (arp->target_ip == kProbeIp) SendArpReply(port, *arp, kProbeMac);
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Baseline> MeasureBaseline(const RawContext& ctx) {
  Baseline b;
  RawPort& port = *ctx.port;
  const net::MacAddr srv_mac = ctx.lab->server_mac();
  int ep = PortEpoll(&port);
  // 1. Ping: 2,000 echoes at 1,000/s, the generator's own raw path.
  {
    constexpr int kCount = 2000;
    std::vector<net::Time> sent(kCount);
    std::vector<double> rtt;
    const uint16_t id = static_cast<uint16_t>(getpid());
    net::Time t0 = Clock::now();
    int next = 0;
    net::Time end = t0 + std::chrono::milliseconds(kCount + 1000);
    while (Clock::now() < end && !g_stop) {
      net::Time now = Clock::now();
      port.PollRx([&](std::span<const uint8_t> f) {
        if (AnswerProbeArp(port, f)) return;
        if (auto seq = ParseEchoReply(f, id)) {
          if (*seq < next) rtt.push_back(Since(sent[*seq], now) * 1e6);
        }
      });
      now = Clock::now();
      if (next < kCount && now >= t0 + std::chrono::milliseconds(next)) {
        sent[next] = now;
        SendEchoRequest(port, srv_mac, kServerIp, id, next);
        ++next;
      }
      port.TxFlush();
      if (next >= kCount && static_cast<int>(rtt.size()) >= kCount - 1) break;
      WaitFrames(ep, std::min(end, t0 + std::chrono::milliseconds(next)));
    }
    // The first echo also waited for the server's ARP: leave it out.
    if (rtt.size() > 1) rtt.erase(rtt.begin());
    b.ping_p50_us = Percentile(rtt, 50);
    b.ping_p99_us = Percentile(rtt, 99);
  }
  // 2. UDP ceiling: a kernel UDP socket in the server namespace sends
  // 1472-byte datagrams to the probe address as fast as it can for 2 s;
  // we count what arrives.
  {
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> sent_bytes{0};
    absl::Status thread_status;
    Lab* lab = ctx.lab;
    std::thread sender([&] {
      absl::StatusOr<int> old = lab->EnterNs(Lab::kServer);
      if (!old.ok()) {
        thread_status = old.status();
        return;
      }
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      Lab::LeaveNs(*old);
      if (fd < 0) {
        thread_status = ErrnoToStatus(errno, "UDP socket in server netns");
        return;
      }
      sockaddr_in dst{};
      dst.sin_family = AF_INET;
      dst.sin_port = htons(9);
      dst.sin_addr.s_addr = kProbeIp.ToNetworkOrder();
      connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst));
      static uint8_t buf[1472];
      constexpr int kBatch = 32;
      iovec iov[kBatch];
      mmsghdr msgs[kBatch]{};
      for (int i = 0; i < kBatch; ++i) {
        iov[i] = {buf, sizeof(buf)};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      net::Time end = Clock::now() + std::chrono::seconds(2);
      while (!stop && Clock::now() < end) {
        int n = sendmmsg(fd, msgs, kBatch, 0);
        if (n > 0) sent_bytes += uint64_t(n) * sizeof(buf);
      }
      close(fd);
    });
    uint64_t got = 0;
    net::Time first{}, last{};
    net::Time end = Clock::now() + std::chrono::milliseconds(2500);
    while (Clock::now() < end && !g_stop) {
      port.PollRx([&](std::span<const uint8_t> f) {
        if (AnswerProbeArp(port, f)) return;
        std::optional<net::UdpFrame> u = net::ParseUdpFrame(f);
        if (!u || u->dst_ip != kProbeIp || u->dst_port != 9) return;
        net::Time now = Clock::now();
        if (got == 0) first = now;
        last = now;
        got += u->payload.size();
      });
      port.TxFlush();
      WaitFrames(ep,
                 std::min(end, Clock::now() + std::chrono::milliseconds(5)));
    }
    stop = true;
    sender.join();
    if (!thread_status.ok()) {
      close(ep);
      return thread_status;
    }
    double secs = Since(first, last);
    b.udp_ceiling_mb_s = secs > 0 ? got / secs / 1e6 : 0;
    b.udp_sent_mb_s = sent_bytes / 2.0 / 1e6;
  }
  close(ep);
  return b;
}

absl::StatusOr<DhcpRaw> RunDhcpRaw(const RawContext& ctx, RunningServer& srv,
                                   const RawOptions& opts) {
  DhcpRaw out;
  RawPort& port = *ctx.port;
  PortTx tx(&port);
  int ep = PortEpoll(&port);
  constexpr uint32_t kPool = 4096;  // distinct machines (MACs)
  uint32_t step_no = 0;
  double best_prev = 0;
  int no_gain = 0;
  // Step 0 is a warm-up (200/s for 0.5 s, not reported): the first
  // DISCOVERs after a server says it is ready can meet caches, ARP, or an
  // AF_XDP socket still being wired up.
  std::vector<double> rates = {200};
  rates.insert(rates.end(), opts.dhcp_rates.begin(), opts.dhcp_rates.end());
  for (double rate : rates) {
    if (g_stop) break;
    const bool warmup = step_no == 0;
    ++step_no;
    const double step_s = warmup ? 0.5 : opts.dhcp_step_s;
    const size_t total = static_cast<size_t>(rate * step_s);
    std::vector<net::Time> sent(total);
    std::vector<uint8_t> answered(total, 0);
    std::vector<double> lat;
    lat.reserve(total);
    size_t n_sent = 0, replies = 0;
    const double cpu0 = srv.CpuSeconds();
    const double gen0 = SelfCpuSeconds();
    const HostCpu host0 = ReadHostCpu();
    const net::Time t0 = Clock::now();
    const net::Time send_end = t0 + std::chrono::duration_cast<net::Duration>(
                                        std::chrono::duration<double>(step_s));
    const net::Time end = send_end + std::chrono::milliseconds(300);
    net::Time last_reply = t0;
    while (!g_stop) {
      net::Time now = Clock::now();
      if (now >= end) break;
      port.PollRx([&](std::span<const uint8_t> f) {
        std::optional<net::UdpFrame> u = net::ParseUdpFrame(f);
        if (!u || u->dst_port != dhcp::kClientPort || u->src_ip != kServerIp) {
          return;
        }
        std::optional<ReplyView> r = ParseReply(u->payload);
        if (!r || r->type != dhcp::MessageType::kOffer || !r->pxe_client ||
            !r->yiaddr.IsAny() || (r->xid >> 24) != step_no) {
          return;
        }
        size_t seq = r->xid & 0xffffff;
        if (seq >= n_sent || answered[seq]) return;
        answered[seq] = 1;
        ++replies;
        last_reply = now;
        lat.push_back(Since(sent[seq], now) * 1e6);
      });
      now = Clock::now();
      // Send what the schedule owes by now (bounded per loop).
      size_t due = now >= send_end
                       ? total
                       : static_cast<size_t>(Since(t0, now) * rate) + 1;
      due = std::min({due, total, n_sent + 512});
      while (n_sent < due) {
        net::UdpFrameSpec spec;
        uint32_t mid = 0x100000 + static_cast<uint32_t>(n_sent % kPool);
        spec.src_mac = Machine::MacFor(mid);
        spec.dst_mac = net::MacAddr::Broadcast();
        spec.src = {net::Ipv4Addr::Any(), dhcp::kClientPort};
        spec.dst = {net::Ipv4Addr::Broadcast(), dhcp::kServerPort};
        std::span<uint8_t> room = tx.Begin(spec);
        if (room.empty()) break;
        ClientMessage m;
        m.kind = ClientKind::kEdk2;
        m.type = dhcp::MessageType::kDiscover;
        m.xid = (step_no << 24) | static_cast<uint32_t>(n_sent);
        m.mac = spec.src_mac;
        m.arch = dhcp::arch::kEfiX64;
        sent[n_sent] = Clock::now();
        tx.End(BuildClientMessage(room, m));
        ++n_sent;
      }
      port.TxFlush();
      net::Time wake =
          n_sent < total
              ? t0 + std::chrono::duration_cast<net::Duration>(
                         std::chrono::duration<double>((n_sent + 1) / rate))
              : end;
      WaitFrames(ep, std::min(wake, end));
    }
    if (warmup) continue;
    DhcpRatePoint p;
    p.host_busy = HostBusy(host0, ReadHostCpu());
    p.offered_per_s = n_sent / std::max(1e-6, step_s);
    double span = std::max(step_s, Since(t0, last_reply));
    p.replies_per_s = replies / span;
    p.valid_fraction = n_sent ? double(replies) / n_sent : 0;
    p.p50_us = Percentile(lat, 50);
    p.p99_us = Percentile(lat, 99);
    p.server_cpu_s = srv.CpuSeconds() - cpu0;
    p.gen_busy = (SelfCpuSeconds() - gen0) / std::max(1e-6, Since(t0, end));
    p.replies_per_cpu_s = p.server_cpu_s > 0 ? replies / p.server_cpu_s : 0;
    out.points.push_back(p);
    std::fprintf(stderr,
                 "  proxydhcp raw: offered %.0f/s -> %.0f replies/s, p50 %.0f "
                 "us p99 %.0f us, generator %.0f%% of a core\n",
                 p.offered_per_s, p.replies_per_s, p.p50_us, p.p99_us,
                 100 * p.gen_busy);
    if (p.replies_per_s > out.max_replies_per_s) {
      out.max_replies_per_s = p.replies_per_s;
      out.replies_per_cpu_s = p.replies_per_cpu_s;
    }
    if (out.points.size() == 1) {
      out.p50_us_at_1k = p.p50_us;
      out.p99_us_at_1k = p.p99_us;
    }
    // Past saturation: two steps without 5% more replies end the climb.
    if (p.replies_per_s < best_prev * 1.05) {
      if (++no_gain >= 2) break;
    } else {
      no_gain = 0;
    }
    best_prev = std::max(best_prev, p.replies_per_s);
    if (n_sent < total / 2) break;  // the generator cannot offer more
  }
  close(ep);
  return out;
}

absl::StatusOr<TftpRaw> RunTftpRaw(const RawContext& ctx, RunningServer& srv,
                                   const RawOptions& opts) {
  TftpRaw out;
  size_t file_size = 0;
  for (const BootFile& f : *ctx.files) {
    if (f.name == kRawTftpFile) file_size = f.data.size();
  }
  // A first, unreported step (W=1, same clients) warms the server's ARP cache
  // for the static addresses, so W=1 (measured first) does not pay for it.
  std::vector<int> windows = {0};
  int step = 0;
  windows.insert(windows.end(), opts.tftp_windows.begin(),
                 opts.tftp_windows.end());
  for (int w : windows) {
    if (g_stop) break;
    const bool warmup = w == 0;
    if (warmup) w = 1;
    StormConfig cfg;
    cfg.clients = opts.tftp_clients;
    cfg.progress = !warmup;
    cfg.timeout_s = opts.tftp_step_timeout_s;
    cfg.label = absl::StrCat("tftp W=", w);
    cfg.machine.files = ctx.files;
    cfg.machine.raw = true;
    cfg.machine.raw_file = kRawTftpFile;
    cfg.machine.raw_ip_base = kStaticBase;
    cfg.machine.raw_server = kServerIp;
    cfg.machine.raw_server_mac = ctx.lab->server_mac();
    cfg.machine.raw_window = static_cast<uint16_t>(w);
    cfg.machine.port_base = static_cast<uint16_t>(2000 + 1000 * step++);
    const double cpu0 = srv.CpuSeconds();
    const HostCpu host0 = ReadHostCpu();
    Storm storm(cfg, ctx.port);
    StormResult r = storm.Run();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (warmup) continue;
    TftpPoint p;
    p.window = w;
    p.clients = cfg.clients;
    p.ok = r.booted;
    p.server_cpu_s = srv.CpuSeconds() - cpu0;
    p.host_busy = HostBusy(host0, ReadHostCpu());
    double first = 1e18, last = 0;
    std::vector<double> each;
    for (const MachineResult& m : r.machines) {
      p.retransmits += m.retransmits;
      p.negotiated_window = std::max<int>(p.negotiated_window, m.nbp_window);
      if (!m.ok) continue;
      first = std::min(first, m.start_s);
      last = std::max(last, m.end_s);
      each.push_back(m.end_s - m.start_s);
    }
    p.seconds = last > first ? last - first : 0;
    double mb = double(p.ok) * file_size / 1e6;
    p.goodput_mb_s = p.seconds > 0 ? mb / p.seconds : 0;
    p.per_client_s_p50 = Percentile(each, 50);
    p.gen_peak_busy = r.gen_peak_busy;
    p.gen_rx_drops = r.rx_kernel_drops;
    p.cpu_s_per_mb = mb > 0 ? p.server_cpu_s / mb : 0;
    out.points.push_back(p);
    // Let the server expire whatever the last step left behind.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return out;
}

}  // namespace xdpxe::bootstorm
