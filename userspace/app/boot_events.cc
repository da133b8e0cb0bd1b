// Boot events → log lines and phase histograms; see boot_events.h.
#include "userspace/app/boot_events.h"

#include <chrono>

#include "absl/strings/str_format.h"

namespace xdpxe::app {
namespace {

absl::string_view A(std::string_view v) { return {v.data(), v.size()}; }

// Clients remembered for phase latencies; a boot storm beyond this just
// starts over (the histograms lose a few samples, nothing else).
constexpr size_t kMaxClients = 16384;

}  // namespace

BootEventSink::BootEventSink(EventLog* log, PhaseHistograms* phases,
                             std::string script_name)
    : log_(log), phases_(phases), script_name_(std::move(script_name)) {}

void BootEventSink::set_script_name(std::string name) {
  std::lock_guard<std::mutex> lock(mu_);
  script_name_ = std::move(name);
}

BootEventSink::Client& BootEventSink::ClientLocked(const net::MacAddr& mac) {
  if (clients_.size() >= kMaxClients && !clients_.contains(mac)) {
    clients_.clear();
    mac_by_ip_.clear();
  }
  return clients_[mac];
}

void BootEventSink::OnDhcpNoReply(const net::Datagram& request,
                                  const dhcp::ReplyInfo& info) {
  BootEvent e(kEvNoReply, now_());
  e.Add("reason", A(dhcp::VerdictName(info.verdict)));
  e.Mac(info.client_mac);
  e.Ip(info.client_ip.IsAny() ? request.src.addr : info.client_ip);
  if (info.has_arch) e.Arch(info.arch);
  e.Add("stage", A(dhcp::BootStageName(info.stage)));
  if (!info.host_name.empty()) e.Add("host", A(info.host_name));
  e.Add("xid", absl::StrFormat("0x%08x", info.xid));
  log_->Write(e);
}

void BootEventSink::OnDhcpReply(const net::Datagram& request,
                                const dhcp::ReplyInfo& info) {
  absl::Time now = now_();
  bool offer = info.phase == dhcp::Phase::kOffer67;
  bool script = info.stage == dhcp::BootStage::kIpxe;
  BootEvent e(offer ? kEvProxyOffer : kEvAck4011, now);
  e.Mac(info.client_mac);
  e.Ip(info.client_ip.IsAny() ? request.src.addr : info.client_ip);
  if (info.has_arch) e.Arch(info.arch);
  e.Add("stage", A(dhcp::BootStageName(info.stage)));
  if (!info.boot_file.empty()) {
    e.Add(script ? "script" : "file", A(info.boot_file));
    if (!info.file_in_reply) e.Add("file_in_reply", "no");
  }
  if (!info.host_name.empty()) e.Add("host", A(info.host_name));
  e.Add("xid", absl::StrFormat("0x%08x", info.xid));
  {
    std::lock_guard<std::mutex> lock(mu_);
    Client& c = ClientLocked(info.client_mac);
    if (info.has_arch) c.arch = info.arch;
    if (!info.client_ip.IsAny()) mac_by_ip_[info.client_ip] = info.client_mac;
    if (offer) {
      ++phases_->offers;
      if (!script) {
        c.first_offer = now;  // a new boot starts at the firmware stage
      } else if (c.first_offer == absl::InfinitePast()) {
        c.first_offer = now;  // iPXE ROM: the boot starts here
      }
      c.last_offer = now;
    } else {
      ++phases_->acks;
      if (c.last_offer != absl::InfinitePast()) {
        (*phases_)[BootPhase::kOfferToAck].Observe(
            absl::ToDoubleSeconds(now - c.last_offer));
      }
    }
    c.last_reply = now;
  }
  log_->Write(e);
}

void BootEventSink::OnTransferEvent(const tftp::TransferEvent& t) {
  absl::Time now = now_();
  const char* name;
  switch (t.kind) {
    case tftp::TransferEventKind::kStarted:
      name = kEvTftpStart;
      break;
    case tftp::TransferEventKind::kDone:
      name = kEvTftpDone;
      break;
    case tftp::TransferEventKind::kProbe:
      name = "tftp-probe";
      break;
    default:
      name = kEvTftpFailed;
  }
  bool is_script;
  net::MacAddr mac = t.client_mac;
  std::optional<uint16_t> arch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    is_script =
        t.kind == tftp::TransferEventKind::kDone && A(t.file) == script_name_;
    if (mac.IsZero()) {
      auto it = mac_by_ip_.find(t.client.addr);
      if (it != mac_by_ip_.end()) mac = it->second;
    }
    if (auto c = clients_.find(mac); c != clients_.end()) arch = c->second.arch;
  }
  if (is_script) name = kEvScript;
  BootEvent e(name, now);
  if (!mac.IsZero()) e.Mac(mac);  // unknown: socket backend, no 4011 seen
  e.Ip(t.client.addr).Add("port", t.client.port);
  if (arch) e.Arch(*arch);
  e.Add("file", A(t.file));
  if (t.kind != tftp::TransferEventKind::kStarted) {
    e.Add("bytes", t.bytes);
  }
  if (t.file_size) e.Add("size", t.file_size);
  e.Add("blksize", t.blksize).Add("window", t.window);
  double secs = std::chrono::duration<double>(t.duration).count();
  if (t.kind != tftp::TransferEventKind::kStarted) {
    e.Add("duration_ms", static_cast<int64_t>(secs * 1000));
    e.Add("retransmits", t.retransmits);
  }
  if (t.kind == tftp::TransferEventKind::kFailed) {
    e.Add("reason", A(tftp::FailReasonName(t.reason)));
  } else if (t.kind == tftp::TransferEventKind::kRejected) {
    e.Add("reason", A(tftp::ErrorCodeName(t.error)));
    if (!t.message.empty()) e.Add("message", A(t.message));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    Client& c = ClientLocked(mac);
    switch (t.kind) {
      case tftp::TransferEventKind::kStarted:
        if (c.last_reply != absl::InfinitePast()) {
          (*phases_)[BootPhase::kAckToTftp].Observe(
              absl::ToDoubleSeconds(now - c.last_reply));
          c.last_reply = absl::InfinitePast();  // once per DHCP reply
        }
        break;
      case tftp::TransferEventKind::kDone:
        ++phases_->tftp_done;
        (*phases_)[BootPhase::kTftpTransfer].Observe(secs);
        if (is_script) {
          ++phases_->scripts;
          if (c.first_offer != absl::InfinitePast()) {
            (*phases_)[BootPhase::kBootToScript].Observe(
                absl::ToDoubleSeconds(now - c.first_offer));
            c.first_offer = absl::InfinitePast();
          }
        }
        break;
      case tftp::TransferEventKind::kFailed:
      case tftp::TransferEventKind::kRejected:
        ++phases_->tftp_failed;
        break;
      default:
        break;
    }
  }
  log_->Write(e);
}

}  // namespace xdpxe::app
