// Prometheus rendering and the /metrics HTTP listener; see metrics.h.
#include "userspace/app/metrics.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "userspace/app/accept_loop.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::app {
namespace {

absl::string_view A(std::string_view v) { return {v.data(), v.size()}; }

void Metric(std::string* out, const char* name, const char* type,
            const char* help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type,
                  "\n");
}

void Value(std::string* out, absl::string_view name, absl::string_view labels,
           uint64_t v) {
  absl::StrAppend(out, name, labels.empty() ? "" : "{", labels,
                  labels.empty() ? "" : "}", " ", v, "\n");
}

// One sample per label value of a tftp counter family.
void TftpByLabel(
    std::string* out, const char* name, const char* key,
    std::initializer_list<std::pair<const char*, tftp::Counter>> items,
    const tftp::Counters& c) {
  for (const auto& [label, counter] : items) {
    Value(out, name, absl::StrCat(key, "=\"", label, "\""), c[counter]);
  }
}

}  // namespace

void Histogram::Observe(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  ++buckets_[i];
  sum_ += seconds;
  ++count_;
}

uint64_t Histogram::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

void Histogram::Render(const std::string& name, const std::string& labels,
                       std::string* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sep = labels.empty() ? "" : ",";
  uint64_t cum = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cum += buckets_[i];
    std::string le =
        i < kBounds.size() ? absl::StrFormat("%g", kBounds[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket{", labels, sep, "le=\"", le, "\"} ",
                    cum, "\n");
  }
  std::string l = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(out, name, "_sum", l, " ", absl::StrFormat("%.6f", sum_),
                  "\n", name, "_count", l, " ", count_, "\n");
}

const char* BootPhaseName(BootPhase p) {
  switch (p) {
    case BootPhase::kOfferToAck:
      return "offer_to_ack";
    case BootPhase::kAckToTftp:
      return "ack_to_tftp";
    case BootPhase::kTftpTransfer:
      return "tftp_transfer";
    case BootPhase::kBootToScript:
      return "boot_to_script";
    case BootPhase::kCount:
      break;
  }
  return "?";
}

std::string RenderMetrics(const io::ServerStatus& s,
                          const PhaseHistograms& phases,
                          absl::Duration uptime) {
  std::string out;
  Metric(&out, "xdpxe_up", "gauge", "1 while the server runs.");
  absl::StrAppend(&out, "xdpxe_up{backend=\"", A(io::BackendName(s.backend)),
                  "\",interface=\"", s.interface, "\"} ", s.running ? 1 : 0,
                  "\n");
  Metric(&out, "xdpxe_uptime_seconds", "gauge", "Seconds since start.");
  absl::StrAppend(&out, "xdpxe_uptime_seconds ",
                  absl::StrFormat("%.3f", absl::ToDoubleSeconds(uptime)), "\n");
  Metric(&out, "xdpxe_queues", "gauge", "Worker queues serving.");
  Value(&out, "xdpxe_queues", "", s.queues);

  Metric(&out, "xdpxe_dhcp_requests_total", "counter",
         "DHCP datagrams to port 67 or 4011.");
  Value(&out, "xdpxe_dhcp_requests_total", "",
        s.engine[engine::Counter::kDhcp]);
  Metric(&out, "xdpxe_dhcp_replies_total", "counter",
         "ProxyDHCP replies sent.");
  Value(&out, "xdpxe_dhcp_replies_total", "",
        s.engine[engine::Counter::kDhcpReplies]);
  Metric(&out, "xdpxe_dhcp_verdicts_total", "counter",
         "ProxyDHCP decisions by verdict (replied, not-pxe, ...).");
  for (size_t v = 0; v < engine::kMaxVerdicts; ++v) {
    std::string_view name = dhcp::VerdictName(dhcp::Verdict(v));
    if (name.empty() || name == "?" || s.engine.dhcp_verdicts[v] == 0) continue;
    Value(&out, "xdpxe_dhcp_verdicts_total",
          absl::StrCat("verdict=\"", A(name), "\""), s.engine.dhcp_verdicts[v]);
  }
  Metric(&out, "xdpxe_boot_events_total", "counter",
         "Client boot steps seen (from the boot event log).");
  const std::pair<const char*, uint64_t> events[] = {
      {"proxy_offer", phases.offers.load()},
      {"ack_4011", phases.acks.load()},
      {"tftp_done", phases.tftp_done.load()},
      {"tftp_failed", phases.tftp_failed.load()},
      {"ipxe_script", phases.scripts.load()}};
  for (const auto& [name, v] : events) {
    Value(&out, "xdpxe_boot_events_total", absl::StrCat("event=\"", name, "\""),
          v);
  }

  Metric(&out, "xdpxe_tftp_requests_total", "counter", "TFTP read requests.");
  Value(&out, "xdpxe_tftp_requests_total", "",
        s.tftp[tftp::Counter::kRequests]);
  Metric(&out, "xdpxe_tftp_transfers_total", "counter",
         "TFTP transfers by outcome.");
  TftpByLabel(&out, "xdpxe_tftp_transfers_total", "outcome",
              {{"started", tftp::Counter::kTransfersStarted},
               {"done", tftp::Counter::kTransfersDone},
               {"failed", tftp::Counter::kTransfersFailed},
               {"probe", tftp::Counter::kProbes}},
              s.tftp);
  Metric(&out, "xdpxe_tftp_active_transfers", "gauge",
         "TFTP transfers in progress.");
  Value(&out, "xdpxe_tftp_active_transfers", "", s.active_transfers);
  Metric(&out, "xdpxe_tftp_bytes_total", "counter",
         "TFTP DATA payload bytes sent.");
  Value(&out, "xdpxe_tftp_bytes_total", "", s.tftp[tftp::Counter::kDataBytes]);
  Metric(&out, "xdpxe_tftp_retransmits_total", "counter",
         "TFTP DATA/OACK packets sent again.");
  Value(&out, "xdpxe_tftp_retransmits_total", "",
        s.tftp[tftp::Counter::kRetransmits]);
  Metric(&out, "xdpxe_tftp_errors_total", "counter",
         "TFTP requests refused or failed, by reason.");
  TftpByLabel(&out, "xdpxe_tftp_errors_total", "reason",
              {{"not_found", tftp::Counter::kNotFound},
               {"bad_path", tftp::Counter::kRejectedPath},
               {"limit_total", tftp::Counter::kRejectedTotalLimit},
               {"limit_client", tftp::Counter::kRejectedClientLimit},
               {"no_port", tftp::Counter::kRejectedNoPort},
               {"malformed", tftp::Counter::kRxMalformed},
               {"write_refused", tftp::Counter::kWriteRefused},
               {"timeout", tftp::Counter::kTimeouts}},
              s.tftp);

  Metric(&out, "xdpxe_rx_packets_total", "counter", "Packets received.");
  Value(&out, "xdpxe_rx_packets_total", "", s.port.rx_packets);
  Metric(&out, "xdpxe_tx_packets_total", "counter", "Packets sent.");
  Value(&out, "xdpxe_tx_packets_total", "", s.port.tx_packets);
  Metric(&out, "xdpxe_io_errors_total", "counter",
         "Data-path drops and send failures.");
  Value(&out, "xdpxe_io_errors_total", "kind=\"rx_dropped\"",
        s.port.rx_dropped);
  Value(&out, "xdpxe_io_errors_total", "kind=\"rx_no_buffers\"",
        s.port.rx_no_buffers);
  Value(&out, "xdpxe_io_errors_total", "kind=\"tx_no_room\"",
        s.port.tx_no_room);
  Value(&out, "xdpxe_io_errors_total", "kind=\"tx_errors\"", s.port.tx_errors);

  Metric(&out, "xdpxe_boot_phase_seconds", "histogram",
         "Per-client boot phase latency.");
  for (size_t p = 0; p < size_t(BootPhase::kCount); ++p) {
    phases.h[p].Render(
        "xdpxe_boot_phase_seconds",
        absl::StrCat("phase=\"", BootPhaseName(BootPhase(p)), "\""), &out);
  }
  return out;
}

MetricsServer::~MetricsServer() { Stop(); }

absl::Status MetricsServer::Start(const ListenAddress& addr,
                                  std::function<std::string()> render) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoToStatus(errno, "metrics socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(addr.port);
  sa.sin_addr.s_addr = addr.addr.ToNetworkOrder();
  std::string where = absl::StrCat(addr.addr.ToString(), ":", addr.port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      listen(fd, 16) != 0) {
    absl::Status st = ErrnoToStatus(
        errno, absl::StrCat("metrics-listen ", where,
                            " (another program on that port? pick another)"));
    close(fd);
    return st;
  }
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  render_ = std::move(render);
  return loop_.Start(fd, [this](int c) { Serve(c); });
}

void MetricsServer::Stop() { loop_.Stop(); }

void MetricsServer::Serve(int c) {
  std::string req;
  char buf[1024];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192) {
    ssize_t n = recv(c, buf, sizeof(buf), 0);
    if (n <= 0) break;
    req.append(buf, static_cast<size_t>(n));
  }
  std::string line = req.substr(0, req.find("\r\n"));
  bool ok = line.rfind("GET /metrics ", 0) == 0 || line == "GET /metrics";
  std::string body = ok ? render_() : "not found: try /metrics\n";
  SendAll(c, absl::StrCat("HTTP/1.0 ", ok ? "200 OK" : "404 Not Found",
                          "\r\nContent-Type: text/plain; version=0.0.4; "
                          "charset=utf-8\r\nContent-Length: ",
                          body.size(), "\r\nConnection: close\r\n\r\n", body));
}

}  // namespace xdpxe::app
