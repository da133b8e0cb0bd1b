// The boot storm's event loop (storm.h).
#include "bench/bootstorm/storm.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "bench/bootstorm/l2.h"
#include "bench/bootstorm/lab.h"
#include "userspace/dhcp/protocol.h"

namespace xdpxe::bootstorm {

namespace {

double Seconds(net::Duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

Arch ArchFor(int i, int bios, int x64, int arm64) {
  // Bresenham-style: after i machines, each arch has its share rounded.
  int total = std::max(1, bios + x64 + arm64);
  auto count = [&](int share, int k) { return (k * share) / total; };
  if (count(bios, i + 1) > count(bios, i)) return Arch::kBios;
  if (count(arm64, i + 1) > count(arm64, i)) return Arch::kArm64;
  (void)x64;
  return Arch::kX64;
}

Storm::Storm(const StormConfig& cfg, RawPort* port) : cfg_(cfg), port_(port) {
  if (const char* t = getenv("BOOTSTORM_TRACE")) Machine::SetTrace(atoll(t));
  machines_.reserve(cfg.clients);
  for (int i = 0; i < cfg.clients; ++i) {
    machines_.emplace_back(static_cast<uint32_t>(i),
                           ArchFor(i, cfg.mix_bios, cfg.mix_x64, cfg.mix_arm64),
                           &cfg_.machine);
  }
  pushed_gen_.assign(cfg.clients, 0);
  ip_of_.assign(cfg.clients, 0);
  counted_.assign(cfg.clients, 0);
}

void Storm::AfterCall(Machine& m) {
  uint32_t id = m.id();
  if (!counted_[id] && m.finished()) {
    counted_[id] = 1;
    if (m.state() == Machine::State::kDone) {
      ++booted_;
    } else {
      ++failed_;
    }
  }
  if (m.timer_gen() != pushed_gen_[id]) {
    pushed_gen_[id] = m.timer_gen();
    if (m.deadline() != net::Time::max()) {
      heap_.push_back({m.deadline(), id, m.timer_gen()});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<Due>());
    }
  }
}

StormResult Storm::Run() {
  LossModel loss(cfg_.loss, cfg_.seed);
  PortTx tx(port_, &loss);
  absl::flat_hash_map<uint32_t, uint32_t> by_ip;  // leased address -> id
  by_ip.reserve(cfg_.clients * 2);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = port_->fd();
  epoll_ctl(ep, EPOLL_CTL_ADD, port_->fd(), &ev);

  // Start times: uniform over the spread, the same for every server (seed).
  std::mt19937 rng(cfg_.seed);
  std::vector<std::pair<double, uint32_t>> starts;
  std::uniform_real_distribution<double> u(0, cfg_.spread_s);
  for (int i = 0; i < cfg_.clients; ++i) {
    starts.push_back({cfg_.spread_s > 0 ? u(rng) : 0.0, uint32_t(i)});
  }
  std::sort(starts.begin(), starts.end());
  size_t next_start = 0;

  const net::Time t0 = net::Clock::now();
  const net::Time end = t0 + std::chrono::duration_cast<net::Duration>(
                                 std::chrono::duration<double>(cfg_.timeout_s));
  net::Time next_tick = t0 + std::chrono::seconds(1);
  double cpu0 = SelfCpuSeconds(), cpu_tick = cpu0;
  net::Time wall_tick = t0;
  StormResult res;
  res.label = cfg_.label;
  res.clients = cfg_.clients;
  int finished = 0, booted = 0, failed = 0;
  const bool tty = isatty(2);

  auto progress = [&](net::Time now, bool last) {
    if (!cfg_.progress) return;
    int started = static_cast<int>(next_start);
    std::fprintf(stderr,
                 "%s  %-14s %6.1f s  booted %5d/%d  in flight %5d  failed "
                 "%4d%s",
                 tty ? "\r" : "", cfg_.label.c_str(), Seconds(now - t0), booted,
                 cfg_.clients, started - finished, failed,
                 tty && !last ? "" : "\n");
    std::fflush(stderr);
  };

  auto handle = [&](std::span<const uint8_t> frame, net::Time now) {
    if (loss.Drop()) {
      ++loss.dropped;
      return;
    }
    if (auto arp = ParseArpRequest(frame)) {
      auto it = by_ip.find(arp->target_ip.value);
      if (it != by_ip.end()) {
        if (SendArpReply(*port_, *arp, machines_[it->second].mac())) {
          ++arp_replies_;
        }
      } else if (arp->target_ip == kProbeIp) {
        SendArpReply(*port_, *arp, kProbeMac);
      }
      return;
    }
    std::optional<net::UdpFrame> f = net::ParseUdpFrame(frame);
    if (!f) return;
    Machine* m = nullptr;
    if (f->dst_port == dhcp::kClientPort ||
        (f->dst_port == dhcp::kPxeBootServerPort &&
         f->src_port == dhcp::kPxeBootServerPort)) {
      std::optional<ReplyView> r = ParseReply(f->payload);
      if (!r) return;
      int64_t id = Machine::IdFromMac(r->chaddr);
      if (id < 0 || id >= cfg_.clients) return;
      m = &machines_[id];
      if (m->state() == Machine::State::kIdle || m->finished()) return;
      m->OnDhcp(*r, f->src_mac, now, tx);
      if (m->ip().value != 0 && ip_of_[id] != m->ip().value) {
        ip_of_[id] = m->ip().value;
        by_ip[m->ip().value] = static_cast<uint32_t>(id);
      }
    } else {
      int64_t id = Machine::IdFromMac(f->dst_mac);
      if (id < 0 || id >= cfg_.clients) return;
      m = &machines_[id];
      if (f->dst_ip != m->ip() || f->dst_port != m->tftp_port()) return;
      m->OnTftp({f->src_ip, f->src_port}, f->payload, now, tx);
    }
    AfterCall(*m);
  };

  while (finished < cfg_.clients && !g_stop.load(std::memory_order_relaxed)) {
    net::Time now = net::Clock::now();
    if (now >= end) break;
    // Frames first: replies that are already here beat our timers.
    port_->PollRx([&](std::span<const uint8_t> fr) { handle(fr, now); });
    now = net::Clock::now();
    while (next_start < starts.size() &&
           t0 + std::chrono::duration_cast<net::Duration>(
                    std::chrono::duration<double>(starts[next_start].first)) <=
               now) {
      Machine& m = machines_[starts[next_start].second];
      m.Start(now, tx);
      if (m.ip().value != 0) by_ip[m.ip().value] = m.id();  // raw mode
      AfterCall(m);
      ++next_start;
    }
    while (!heap_.empty() && heap_.front().at <= now) {
      Due d = heap_.front();
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<Due>());
      heap_.pop_back();
      Machine& m = machines_[d.id];
      if (d.gen != m.timer_gen() || m.finished()) continue;
      m.OnTimer(now, tx);
      AfterCall(m);
    }
    port_->TxFlush();
    booted = booted_;
    failed = failed_;
    finished = booted + failed;
    if (now >= next_tick) {
      double cpu = SelfCpuSeconds();
      double busy = (cpu - cpu_tick) / std::max(1e-6, Seconds(now - wall_tick));
      res.gen_peak_busy = std::max(res.gen_peak_busy, busy);
      if (busy >= 0.95) ++res.gen_saturated_s;
      cpu_tick = cpu;
      wall_tick = now;
      next_tick = now + std::chrono::seconds(1);
      progress(now, false);
    }
    if (finished >= cfg_.clients) break;
    // Sleep until a frame, the next timer, the next start or the tick.
    net::Time wake = std::min(end, next_tick);
    if (!heap_.empty()) wake = std::min(wake, heap_.front().at);
    if (next_start < starts.size()) {
      wake = std::min(
          wake,
          t0 + std::chrono::duration_cast<net::Duration>(
                   std::chrono::duration<double>(starts[next_start].first)));
    }
    now = net::Clock::now();
    if (wake > now) {
      auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now);
      timespec ts{static_cast<time_t>(ns.count() / 1000000000),
                  static_cast<long>(ns.count() % 1000000000)};
      epoll_event out;
      epoll_pwait2(ep, &out, 1, &ts, nullptr);
    }
  }
  const net::Time t_end = net::Clock::now();
  close(ep);
  res.wall_s = Seconds(t_end - t0);
  res.gen_cpu_s = SelfCpuSeconds() - cpu0;
  // Storms shorter than a tick still get a busy figure: the whole run's.
  res.gen_peak_busy =
      std::max(res.gen_peak_busy, res.gen_cpu_s / std::max(1e-6, res.wall_s));
  RawPortStats ps = port_->stats();
  res.rx_kernel_drops = ps.rx_kernel_drops;
  res.tx_ring_full = ps.tx_ring_full;
  res.rx_frames = ps.rx_frames;
  res.tx_frames = ps.tx_frames;
  res.rx_bytes = ps.rx_bytes;
  res.tx_bytes = ps.tx_bytes;
  res.arp_replies = arp_replies_;
  res.loss_dropped = loss.dropped;
  double last_end = 0;
  for (const Machine& m : machines_) {
    MachineResult mr;
    mr.id = m.id();
    mr.arch = m.arch();
    mr.ok = m.state() == Machine::State::kDone;
    bool started = m.state() != Machine::State::kIdle;
    if (!mr.ok) {
      mr.failure =
          m.finished() ? m.failure()
          : started    ? absl::StrCat("storm timeout in ",
                                   m.ipxe_stage() ? "ipxe " : "firmware ",
                                      std::string(Machine::StateName(m.state())))
                       : "never started";
    }
    mr.start_s = started ? Seconds(m.start_time() - t0) : 0;
    net::Time e = m.finished() ? m.end_time() : t_end;
    mr.end_s = started ? Seconds(e - t0) : 0;
    for (int p = 0; p < kNumPhases; ++p) {
      net::Time ps_t = m.phase_start(p);
      mr.phase_start_s[p] = ps_t == net::Time{} ? mr.end_s : Seconds(ps_t - t0);
    }
    mr.retransmits = m.retransmits();
    mr.dup_data = m.dup_data();
    mr.tftp_bytes = m.tftp_bytes();
    mr.nbp_window = m.negotiated_window();
    if (mr.ok) {
      ++res.booted;
      last_end = std::max(last_end, mr.end_s);
    } else {
      ++res.failed;
    }
    res.machines.push_back(std::move(mr));
  }
  if (res.booted == res.clients) res.all_booted_s = last_end;
  booted = res.booted;
  failed = res.failed;
  finished = res.clients;
  progress(t_end, true);
  return res;
}

}  // namespace xdpxe::bootstorm
