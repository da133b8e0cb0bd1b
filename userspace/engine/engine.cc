#include "userspace/engine/engine.h"

#include <utility>

namespace xdpxe::engine {

namespace {

constexpr uint16_t kDhcpServerPort = 67;
constexpr uint16_t kPxeProxyPort = 4011;

// The responder needs a config even when ProxyDHCP is off (it is then
// never asked to answer).
std::shared_ptr<const dhcp::ResponderConfig> OrDefault(
    std::shared_ptr<const dhcp::ResponderConfig> cfg) {
  if (cfg) return cfg;
  static const auto* const kOff =
      new std::shared_ptr<const dhcp::ResponderConfig>(
          std::make_shared<const dhcp::ResponderConfig>());
  return *kOff;
}

}  // namespace

bool IsNoReplyWorthLogging(dhcp::Verdict v) {
  return v == dhcp::Verdict::kUnknownArch || v == dhcp::Verdict::kNoBootFile ||
         v == dhcp::Verdict::kIgnoredHost;
}

Engine::Engine(EngineConfig cfg, std::shared_ptr<tftp::FileStore> files,
               EventListener* events)
    : events_(events),
      dhcp_enabled_(cfg.dhcp != nullptr),
      dhcp_(OrDefault(cfg.dhcp)),
      tftp_(cfg.tftp, std::move(files), this) {}

void Engine::OnDatagram(const net::Datagram& d, net::Time now,
                        net::TxSink& sink) {
  counters_.Add(Counter::kRxDatagrams);
  const uint16_t port = d.dst.port;
  if (port == kDhcpServerPort || port == kPxeProxyPort) {
    counters_.Add(Counter::kDhcp);
    if (!dhcp_enabled_) {
      counters_.Add(Counter::kDhcpDisabled);
      return;
    }
    dhcp::ReplyInfo info;
    dhcp::Verdict v = dhcp_.Handle(d, sink, &info);
    counters_.AddVerdict(static_cast<uint8_t>(v));
    if (v == dhcp::Verdict::kReplied) {
      counters_.Add(Counter::kDhcpReplies);
      if (events_ != nullptr) events_->OnDhcpReply(d, info);
    } else if (events_ != nullptr && IsNoReplyWorthLogging(v)) {
      events_->OnDhcpNoReply(d, info);
    }
    return;
  }
  if (tftp_.Wants(port)) {
    counters_.Add(Counter::kTftp);
    tftp_.OnDatagram(d, now, sink);
    return;
  }
  counters_.Add(Counter::kDroppedPort);
}

void Engine::OnTick(net::Time now, net::TxSink& sink) {
  counters_.Add(Counter::kTicks);
  tftp_.OnTick(now, sink);
}

absl::Status Engine::Reload(EngineConfig cfg) {
  if (absl::Status s = tftp::ValidateServerConfig(cfg.tftp); !s.ok()) {
    return s;
  }
  if (cfg.dhcp != nullptr) {
    if (absl::Status s = cfg.dhcp->Validate(); !s.ok()) return s;
  }
  if (absl::Status s = tftp_.set_config(cfg.tftp); !s.ok()) return s;
  dhcp_enabled_ = cfg.dhcp != nullptr;
  dhcp_.set_config(OrDefault(std::move(cfg.dhcp)));
  return absl::OkStatus();
}

void Engine::OnTransferEvent(const tftp::TransferEvent& e) {
  if (events_ != nullptr) events_->OnTransferEvent(e);
}

}  // namespace xdpxe::engine
