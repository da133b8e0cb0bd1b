// Prometheus text-format metrics (exposition format 0.0.4): the server's
// counters plus boot-phase latency histograms the app measures from boot
// events, and a minimal HTTP listener for GET /metrics (off by default;
// metrics-listen=PORT listens on loopback only).
//
//   PhaseHistograms phases;                 // fed by BootEventSink
//   std::string text = RenderMetrics(status, phases, uptime);
//   MetricsServer http;  http.Start(addr, [&] { return text; });
#ifndef XDPXE_USERSPACE_APP_METRICS_H_
#define XDPXE_USERSPACE_APP_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "userspace/app/accept_loop.h"
#include "userspace/app/config_values.h"
#include "userspace/io/server.h"

namespace xdpxe::app {

// Fixed buckets (seconds), cumulative on output as Prometheus wants.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {
      0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60};
  void Observe(double seconds);
  // name{labels,le="..."} lines plus _sum and _count.
  void Render(const std::string& name, const std::string& labels,
              std::string* out) const;
  uint64_t count() const;

 private:
  mutable std::mutex mu_;
  std::array<uint64_t, kBounds.size() + 1> buckets_{};  // last: +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Per-phase boot latency, measured per client MAC from the boot events:
//   offer_to_ack     proxy offer on 67 → ACK on 4011 (UEFI firmware)
//   ack_to_tftp      last DHCP reply → its TFTP transfer starting
//   tftp_transfer    a transfer's own duration (start → last ACK)
//   boot_to_script   first proxy offer → the iPXE script served
enum class BootPhase {
  kOfferToAck,
  kAckToTftp,
  kTftpTransfer,
  kBootToScript,
  kCount
};
const char* BootPhaseName(BootPhase p);

struct PhaseHistograms {
  std::array<Histogram, size_t(BootPhase::kCount)> h;
  Histogram& operator[](BootPhase p) { return h[size_t(p)]; }
  const Histogram& operator[](BootPhase p) const { return h[size_t(p)]; }
  // Boot events the event sink saw, by kind (the server's own counters
  // count packets; these count clients' steps).
  std::atomic<uint64_t> offers{0}, acks{0}, scripts{0}, tftp_done{0},
      tftp_failed{0};
};

std::string RenderMetrics(const io::ServerStatus& s,
                          const PhaseHistograms& phases, absl::Duration uptime);

// GET /metrics → 200 text/plain; version=0.0.4; anything else → 404.
class MetricsServer {
 public:
  MetricsServer() = default;
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  absl::Status Start(const ListenAddress& addr,
                     std::function<std::string()> render);
  void Stop();
  uint16_t port() const { return port_; }  // the bound port (0 → ephemeral)

 private:
  void Serve(int fd);

  uint16_t port_ = 0;
  std::function<std::string()> render_;
  AcceptLoop loop_;
};

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_METRICS_H_
