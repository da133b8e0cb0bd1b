// `xdpxe replay FILE.pcap`: feeds every client DHCP request of a capture
// (UDP to port 67 or 4011, BOOTREQUEST) to the ProxyDHCP responder with the
// configured boot policy and prints, decoded, the reply it would send, or
// "no reply: <reason>". A diagnostic for "why does this machine not boot"
// and the project's demo on the bundled firmware captures.
#include <cstdio>
#include <iostream>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/config_map.h"
#include "userspace/common/pcap_file.h"
#include "userspace/dhcp/message.h"
#include "userspace/dhcp/protocol.h"
#include "userspace/dhcp/responder.h"
#include "userspace/net/frame.h"

namespace xdpxe::app::cli {
namespace {

// Keeps the one reply the responder writes.
class CaptureSink : public net::TxSink {
 public:
  std::span<uint8_t> Reserve(size_t n) override {
    buf_.assign(n, 0);
    return buf_;
  }
  void Commit(const net::Endpoint& from, const net::Endpoint& to,
              const net::MacAddr& mac, size_t n) override {
    from_ = from;
    to_ = to;
    mac_ = mac;
    buf_.resize(n);
    committed_ = true;
  }
  bool committed() const { return committed_; }
  const std::vector<uint8_t>& data() const { return buf_; }
  const net::Endpoint& from() const { return from_; }
  const net::Endpoint& to() const { return to_; }
  const net::MacAddr& mac() const { return mac_; }

 private:
  std::vector<uint8_t> buf_;
  net::Endpoint from_, to_;
  net::MacAddr mac_;
  bool committed_ = false;
};

struct Request {
  const PcapFrame* frame;
  net::UdpFrame udp;
};

// std::string_view (the dhcp API) to absl::string_view (StrCat); Abseil
// here is built without std::string_view aliasing.
absl::string_view A(std::string_view v) { return {v.data(), v.size()}; }

bool IsClientRequest(const net::UdpFrame& f) {
  return (f.dst_port == 67 || f.dst_port == 4011) && !f.payload.empty() &&
         f.payload[0] == 1;
}

// The address the capture's proxy server used: where the 4011 requests
// went, else the source of port-67 replies that say PXEClient.
std::optional<net::Ipv4Addr> InferServer(const std::vector<PcapFrame>& frames) {
  std::optional<net::Ipv4Addr> from_reply;
  for (const PcapFrame& p : frames) {
    std::optional<net::UdpFrame> f = net::ParseUdpFrame(p.data);
    if (!f) continue;
    if (f->dst_port == 4011 && !f->payload.empty() && f->payload[0] == 1 &&
        !f->dst_ip.IsBroadcast()) {
      return f->dst_ip;
    }
    dhcp::Message m;
    if (!from_reply && f->src_port == 67 && f->dst_port == 68 &&
        dhcp::ParseMessage(f->payload, &m) == dhcp::ParseError::kOk &&
        m.Get(dhcp::opt::kVendorClass).StartsWith("PXEClient")) {
      from_reply = f->src_ip;
    }
  }
  return from_reply;
}

// What the capture's own proxy answered to the request at frames[i] (same
// xid, from the port it was sent to, saying PXEClient), for comparison.
std::string CaptureReply(const std::vector<PcapFrame>& frames, size_t i,
                         uint32_t xid, uint16_t port) {
  for (size_t j = i + 1; j < frames.size(); ++j) {
    std::optional<net::UdpFrame> f = net::ParseUdpFrame(frames[j].data);
    dhcp::Message m;
    if (!f || f->src_port != port ||
        dhcp::ParseMessage(f->payload, &m) != dhcp::ParseError::kOk ||
        m.header().op != 2 || m.header().xid != xid ||
        !m.Get(dhcp::opt::kVendorClass).StartsWith("PXEClient")) {
      continue;
    }
    return absl::StrCat("   capture: ", A(dhcp::MessageTypeName(m.type())),
                        " from ", f->src_ip.ToString(), " (#", frames[j].index,
                        ") siaddr=", m.header().siaddr.ToString(), " file=\"",
                        A(m.file()), "\"", m.Has(43) ? " with option 43" : "",
                        "\n");
  }
  return "   capture: no proxy reply\n";
}

std::string Indent(const std::string& text, const char* prefix) {
  std::string out = absl::StrCat(prefix, text);
  absl::StrReplaceAll({{"\n", absl::StrCat("\n", prefix)}}, &out);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) {
    out.pop_back();
  }
  return out;
}

std::string RequestLine(const Request& r, const dhcp::Message* m) {
  std::string what = m ? std::string(dhcp::MessageTypeName(m->type()))
                       : std::string("malformed");
  std::string client;
  if (m) {
    if (auto arch = m->Get(dhcp::opt::kClientArch).U16()) {
      absl::StrAppend(&client, " arch ", *arch, " (", A(dhcp::ArchName(*arch)),
                      ")");
    }
    dhcp::OptionValue uc = m->Get(dhcp::opt::kUserClass);
    if (uc.Contains("iPXE")) absl::StrAppend(&client, " iPXE");
  }
  return absl::StrFormat(
      "#%-4d t=%8.3f  %s from %s  %s -> %s%s", r.frame->index, r.frame->time,
      what, r.udp.src_mac.ToString(),
      net::Endpoint{r.udp.src_ip, r.udp.src_port}.ToString(),
      net::Endpoint{r.udp.dst_ip, r.udp.dst_port}.ToString(), client);
}

}  // namespace

int ReplayMain(int argc, char** argv) {
  CommonOptions opts;
  std::vector<std::string> pos;
  bool brief = false, show_requests = false;
  Flags flags(argv[0],
              "FILE.pcap [--config FILE] [--listen-address ADDR] "
              "[--brief] [--requests]",
              "Feeds every client DHCP request in a capture (UDP to port 67 or "
              "4011) to\n"
              "the ProxyDHCP responder with the configured boot policy and "
              "prints,\n"
              "decoded, the reply xdpxe would send, or \"no reply: "
              "<reason>\",\n"
              "then what the capture's own proxy answered, for comparison.\n"
              "The server address is --listen-address, else listen-address=, "
              "else the\n"
              "proxy's address in the capture.");
  flags.String("config", 'c', &opts.config, "config file", "FILE");
  flags.String("state-dir", 0, &opts.state_dir,
               "state dir whose xdpxe.conf applies (default /var/lib/xdpxe)",
               "DIR");
  flags.String("listen-address", 0, &opts.listen_address,
               "our address (option 54, siaddr)", "ADDR");
  flags.Bool("brief", 'b', &brief, "one line per request, no decoding");
  flags.Bool("requests", 'r', &show_requests, "decode the requests too");
  flags.Positionals(&pos, 1, 1, "FILE.pcap");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;

  absl::StatusOr<Context> ctx = LoadContext(opts);
  if (!ctx.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::vector<PcapFrame>> frames = ReadPcap(pos[0]);
  if (!frames.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0],
                 std::string(frames.status().message()).c_str());
    return 1;
  }
  std::string server_why;
  net::Ipv4Addr server;
  if (ctx->settings.listen_address) {
    server = *ctx->settings.listen_address;
    server_why =
        opts.listen_address.empty() ? "listen-address=" : "--listen-address";
  } else if (std::optional<net::Ipv4Addr> inferred = InferServer(*frames)) {
    server = *inferred;
    server_why = "the proxy's address in the capture";
  } else {
    server = net::Ipv4Addr::FromOctets(192, 0, 2, 1);
    server_why =
        "a placeholder: nothing in the capture names the proxy; "
        "set --listen-address";
  }
  absl::StatusOr<std::shared_ptr<const dhcp::ResponderConfig>> cfg =
      ToResponderConfig(ctx->settings, server);
  if (!cfg.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0],
                 std::string(cfg.status().message()).c_str());
    return 1;
  }
  dhcp::ProxyResponder responder(*cfg);

  std::cout << "Replaying " << pos[0] << " (" << frames->size() << " frames)\n"
            << "  server " << server.ToString() << " (" << server_why
            << "); settings: "
            << (ctx->config_path.empty() ? "built-in defaults"
                                         : ctx->config_path)
            << "\n  boot files: bios=" << ctx->settings.boot_bios
            << " efi-x64=" << ctx->settings.boot_x64
            << " efi-arm64=" << ctx->settings.boot_arm64
            << "  ipxe-script=" << ctx->settings.ipxe_script << "\n";

  int requests = 0, replies = 0;
  std::map<std::string, int> by_phase, no_reply;
  for (size_t i = 0; i < frames->size(); ++i) {
    const PcapFrame& p = (*frames)[i];
    std::optional<net::UdpFrame> f = net::ParseUdpFrame(p.data);
    if (!f || !IsClientRequest(*f)) continue;
    ++requests;
    Request r{&p, *f};
    dhcp::Message m;
    bool parsed = dhcp::ParseMessage(f->payload, &m) == dhcp::ParseError::kOk;
    std::cout << "\n" << RequestLine(r, parsed ? &m : nullptr) << "\n";
    if (show_requests && parsed && !brief) {
      std::cout << Indent(dhcp::Describe(m), "      | ") << "\n";
    }
    net::Datagram d = net::ToDatagram(*f);
    CaptureSink sink;
    dhcp::ReplyInfo info;
    dhcp::Verdict v = responder.Handle(d, sink, &info);
    if (v != dhcp::Verdict::kReplied || !sink.committed()) {
      std::string why(dhcp::VerdictName(v));
      ++no_reply[why];
      std::cout << "   no reply: " << why;
      if (v == dhcp::Verdict::kIgnoredType) {
        std::cout << " (" << dhcp::MessageTypeName(info.request_type)
                  << (f->dst_port == 67
                          ? " on 67 is for the primary DHCP server)"
                          : ")");
      } else if (v == dhcp::Verdict::kNotPxe) {
        std::cout << " (no PXEClient/HTTPClient vendor class, no iPXE user "
                     "class: the primary server's client)";
      } else if (v == dhcp::Verdict::kUnknownArch) {
        std::cout << " (arch " << info.arch << " has no boot file)";
      } else if (v == dhcp::Verdict::kMalformed) {
        std::cout << " (" << dhcp::ParseErrorName(info.parse_error) << ")";
      }
      std::cout << "\n";
      if (parsed)
        std::cout << CaptureReply(*frames, i, m.header().xid, f->dst_port);
      continue;
    }
    ++replies;
    ++by_phase[std::string(dhcp::PhaseName(info.phase))];
    dhcp::Message reply;
    bool reply_ok =
        dhcp::ParseMessage(sink.data(), &reply) == dhcp::ParseError::kOk;
    std::cout << "   -> "
              << (reply_ok ? dhcp::MessageTypeName(reply.type())
                           : std::string_view("reply"))
              << " " << sink.from().ToString() << " -> " << sink.to().ToString()
              << " (" << sink.mac().ToString() << "), "
              << dhcp::BootStageName(info.stage) << " stage, "
              << (info.boot_file.empty()
                      ? std::string("no boot file")
                      : absl::StrCat("boot file \"", A(info.boot_file), "\"",
                                     info.file_in_reply
                                         ? ""
                                         : " (not in this reply: the client "
                                           "asks on 4011)"))
              << (info.host_name.empty()
                      ? ""
                      : absl::StrCat(", host rule ", A(info.host_name)))
              << "\n";
    if (parsed)
      std::cout << CaptureReply(*frames, i, m.header().xid, f->dst_port);
    if (!brief && reply_ok) {
      std::cout << Indent(dhcp::Describe(reply), "      ") << "\n";
    }
  }
  std::cout << "\nSummary: " << requests << " client requests, " << replies
            << " replies";
  if (!by_phase.empty()) {
    std::cout << " (";
    bool first = true;
    for (const auto& [phase, n] : by_phase) {
      std::cout << (first ? "" : ", ") << n << " " << phase;
      first = false;
    }
    std::cout << ")";
  }
  if (!no_reply.empty()) {
    std::cout << "; no reply to " << requests - replies << " (";
    bool first = true;
    for (const auto& [why, n] : no_reply) {
      std::cout << (first ? "" : ", ") << why << " " << n;
      first = false;
    }
    std::cout << ")";
  }
  std::cout << "\n";
  return 0;
}

}  // namespace xdpxe::app::cli
