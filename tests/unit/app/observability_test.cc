// The serve-side pieces without a data plane: Settings → module configs,
// boot events → log lines and phase histograms, Prometheus text, status
// JSON, and the control socket (permissions, requests, stale socket).
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "userspace/app/boot_events.h"
#include "userspace/app/config.h"
#include "userspace/app/config_map.h"
#include "userspace/app/control.h"
#include "userspace/app/metrics.h"
#include "userspace/app/status_report.h"

namespace xdpxe::app {
namespace {

using ::testing::HasSubstr;

TEST(ConfigMapTest, MapsEveryBootKey) {
  absl::StatusOr<Settings> s = ParseConfig(
      "boot-bios=bios.kpxe\nboot-efi-x64=x.efi\nboot-efi-arm64=a.efi\n"
      "boot-efi-ia32=i.efi\nhttp-boot-x64=http://h/x.efi\n"
      "ipxe-script=http://h/s.ipxe\ntftp-server=198.18.40.9\n"
      "host=52:54:00:18:00:07,name=vm7,boot=b.efi,script=s7.ipxe\n"
      "host=uuid:5eed0000-0000-4000-8000-525400180007,ignore\n"
      "tftp-port-range=62000,62100\ntftp-window-max=8\n"
      "tftp-blksize-max=1468\ntftp-timeout=500ms\ntftp-retries=3\n",
      "t.conf");
  ASSERT_TRUE(s.ok()) << s.status();
  auto ip = net::Ipv4Addr::FromOctets(198, 18, 40, 1);
  absl::StatusOr<engine::EngineConfig> cfg = ToEngineConfig(*s, ip);
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  const dhcp::ResponderConfig& d = *cfg->dhcp;
  EXPECT_EQ(d.server_ip, ip);
  EXPECT_EQ(d.tftp_server.ToString(), "198.18.40.9");
  EXPECT_EQ(d.boot.files.bios, "bios.kpxe");
  EXPECT_EQ(d.boot.files.efi_x64, "x.efi");
  EXPECT_EQ(d.boot.files.efi_ia32, "i.efi");
  EXPECT_EQ(d.boot.files.efi_arm64, "a.efi");
  EXPECT_EQ(d.boot.http.efi_x64, "http://h/x.efi");
  EXPECT_EQ(d.boot.ipxe_script, "http://h/s.ipxe");
  ASSERT_EQ(d.boot.hosts.size(), 2u);
  EXPECT_EQ(d.boot.hosts[0].mac->ToString(), "52:54:00:18:00:07");
  EXPECT_EQ(d.boot.hosts[0].name, "vm7");
  EXPECT_EQ(d.boot.hosts[0].boot_file, "b.efi");
  EXPECT_EQ(d.boot.hosts[0].ipxe_script, "s7.ipxe");
  // Text form in the config, EFI byte order on the wire (option 97).
  EXPECT_EQ(d.boot.hosts[1].guid->ToString(),
            "5eed0000-0000-4000-8000-525400180007");
  EXPECT_EQ(d.boot.hosts[1].guid->wire[0], 0x00);
  EXPECT_EQ(d.boot.hosts[1].guid->wire[3], 0x5e);
  EXPECT_TRUE(d.boot.hosts[1].ignore);
  EXPECT_EQ(cfg->tftp.port_lo, 62000);
  EXPECT_EQ(cfg->tftp.port_hi, 62100);
  EXPECT_EQ(cfg->tftp.max_window, 8);
  EXPECT_EQ(cfg->tftp.mtu, 1500);
  EXPECT_EQ(cfg->tftp.retransmit_timeout.count(), 500);
  EXPECT_EQ(cfg->tftp.max_retries, 3);
  EXPECT_TRUE(ValidateSettings(*s).ok());
}

TEST(ConfigMapTest, ModuleChecksReachTheOperator) {
  Settings s;
  s.boot_x64 = std::string(127, 'x');
  s.server_name = std::string(63, 'n');
  EXPECT_TRUE(ValidateSettings(s).ok()) << ValidateSettings(s);
  s.ipxe_script = "";  // the parser refuses this; the module must too
  EXPECT_FALSE(ValidateSettings(s).ok());
}

absl::Time FakeNow() {
  static absl::Time t = absl::FromUnixSeconds(1796306400);
  t += absl::Milliseconds(250);  // each event a quarter second later
  return t;
}

TEST(BootEventSinkTest, LinesAndPhases) {
  std::vector<std::string> lines;
  absl::StatusOr<std::unique_ptr<EventLog>> log =
      EventLog::Open({.path = "", .to_stderr = false});
  ASSERT_TRUE(log.ok());
  PhaseHistograms phases;
  BootEventSink sink(log->get(), &phases, "autoexec.ipxe");
  sink.set_clock_for_testing(FakeNow);
  net::MacAddr mac = *net::MacAddr::Parse("52:54:00:18:00:07");
  net::Datagram req;
  req.src = {net::Ipv4Addr::Any(), 68};
  dhcp::ReplyInfo offer;
  offer.phase = dhcp::Phase::kOffer67;
  offer.client_mac = mac;
  offer.arch = 7;
  offer.has_arch = true;
  offer.boot_file = "snp_x64.efi";
  sink.OnDhcpReply(req, offer);
  dhcp::ReplyInfo ack = offer;
  ack.phase = dhcp::Phase::kAck4011;
  ack.file_in_reply = true;
  ack.client_ip = net::Ipv4Addr::FromOctets(198, 18, 40, 152);
  sink.OnDhcpReply(req, ack);
  tftp::TransferEvent t;
  t.client = {ack.client_ip, 1811};
  t.client_mac = mac;
  t.file = "snp_x64.efi";
  t.blksize = 1468;
  t.window = 4;
  sink.OnTransferEvent(t);
  t.kind = tftp::TransferEventKind::kDone;
  t.bytes = 173792;
  t.duration = std::chrono::milliseconds(21);
  sink.OnTransferEvent(t);
  t.kind = tftp::TransferEventKind::kStarted;
  t.file = "autoexec.ipxe";
  sink.OnTransferEvent(t);
  t.kind = tftp::TransferEventKind::kDone;
  sink.OnTransferEvent(t);

  EXPECT_EQ(phases.offers, 1u);
  EXPECT_EQ(phases.acks, 1u);
  EXPECT_EQ(phases.tftp_done, 2u);
  EXPECT_EQ(phases.scripts, 1u);
  EXPECT_EQ(phases[BootPhase::kOfferToAck].count(), 1u);
  EXPECT_EQ(phases[BootPhase::kAckToTftp].count(), 1u);
  EXPECT_EQ(phases[BootPhase::kTftpTransfer].count(), 2u);
  EXPECT_EQ(phases[BootPhase::kBootToScript].count(), 1u);
  std::string text;
  phases[BootPhase::kOfferToAck].Render("m", "phase=\"offer_to_ack\"", &text);
  // 250 ms between offer and ack: in the 0.5 bucket, not the 0.1 one.
  EXPECT_THAT(text, HasSubstr("m_bucket{phase=\"offer_to_ack\",le=\"0.1\"} 0"));
  EXPECT_THAT(text, HasSubstr("m_bucket{phase=\"offer_to_ack\",le=\"0.5\"} 1"));
  EXPECT_THAT(text, HasSubstr("m_sum{phase=\"offer_to_ack\"} 0.250000"));
}

// A BootEventSink writing to a fresh log file under the test's temp dir;
// Lines() closes the log and returns what it holds.
class LoggedSink {
 public:
  explicit LoggedSink(const std::string& name)
      : path_(absl::StrCat(::testing::TempDir(), "/", name)) {
    std::filesystem::remove(path_);
    log_ = EventLog::Open({.path = path_, .to_stderr = false});
    if (log_.ok()) {
      sink_ = std::make_unique<BootEventSink>(log_->get(), &phases_,
                                              "autoexec.ipxe");
    }
  }
  bool ok() const { return sink_ != nullptr; }
  BootEventSink& sink() { return *sink_; }
  PhaseHistograms& phases() { return phases_; }
  std::vector<std::string> Lines() {
    log_->reset();
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }

 private:
  std::string path_;
  PhaseHistograms phases_;
  absl::StatusOr<std::unique_ptr<EventLog>> log_;
  std::unique_ptr<BootEventSink> sink_;
};

TEST(BootEventSinkTest, FormatOfEachEvent) {
  LoggedSink logged("events.log");
  ASSERT_TRUE(logged.ok());
  BootEventSink& sink = logged.sink();
  dhcp::ReplyInfo offer;
  offer.client_mac = *net::MacAddr::Parse("52:54:00:18:00:00");
  offer.stage = dhcp::BootStage::kIpxe;
  offer.boot_file = "autoexec.ipxe";
  offer.file_in_reply = true;
  offer.host_name = "lab 1";
  net::Datagram req;
  sink.OnDhcpReply(req, offer);
  tftp::TransferEvent t;
  t.kind = tftp::TransferEventKind::kFailed;
  t.client = {net::Ipv4Addr::FromOctets(198, 18, 40, 9), 2000};
  t.file = "undionly.kpxe";
  t.retransmits = 5;
  t.reason = tftp::FailReason::kTimeout;
  sink.OnTransferEvent(t);
  std::vector<std::string> lines = logged.Lines();
  ASSERT_GE(lines.size(), 2u);
  const std::string &l1 = lines[0], &l2 = lines[1];
  EXPECT_THAT(l1, HasSubstr(" event=proxy-offer mac=52:54:00:18:00:00 "
                            "ip=0.0.0.0 stage=ipxe script=autoexec.ipxe "
                            "host=\"lab 1\" xid=0x00000000"));
  EXPECT_THAT(l2, HasSubstr(" event=tftp-failed ip=198.18.40.9 port=2000 "
                            "file=undionly.kpxe bytes=0 blksize=0 window=0 "
                            "duration_ms=0 retransmits=5 reason=timeout"));
}

TEST(BootEventSinkTest, NoReplyLineNamesReasonClientAndArch) {
  LoggedSink logged("events3.log");
  ASSERT_TRUE(logged.ok());
  BootEventSink& sink = logged.sink();
  PhaseHistograms& phases = logged.phases();
  dhcp::ReplyInfo info;
  info.verdict = dhcp::Verdict::kUnknownArch;
  info.client_mac = *net::MacAddr::Parse("52:54:00:18:00:21");
  info.arch = 2;
  info.has_arch = true;
  info.xid = 0x1234;
  sink.OnDhcpNoReply(net::Datagram{}, info);
  std::vector<std::string> lines = logged.Lines();
  ASSERT_GE(lines.size(), 1u);
  const std::string& l1 = lines[0];
  EXPECT_THAT(l1, HasSubstr(std::string(" event=no-reply reason=") +
                            std::string(dhcp::VerdictName(info.verdict)) +
                            " mac=52:54:00:18:00:21 ip=0.0.0.0 arch=2 "));
  EXPECT_THAT(l1, HasSubstr("xid=0x00001234"));
  EXPECT_EQ(phases.offers, 0u);  // not a reply: no phase counted
}

// The socket backend reports no MAC for TFTP packets: the address the
// client gave on 4011 names it, with its architecture.
TEST(BootEventSinkTest, SocketTransfersGetTheClientFromIts4011Request) {
  LoggedSink logged("events2.log");
  ASSERT_TRUE(logged.ok());
  BootEventSink& sink = logged.sink();
  PhaseHistograms& phases = logged.phases();
  dhcp::ReplyInfo ack;
  ack.phase = dhcp::Phase::kAck4011;
  ack.client_mac = *net::MacAddr::Parse("52:54:00:18:00:0b");
  ack.client_ip = net::Ipv4Addr::FromOctets(198, 18, 40, 156);
  ack.arch = 11;
  ack.has_arch = true;
  sink.OnDhcpReply(net::Datagram{}, ack);
  tftp::TransferEvent t;
  t.client = {ack.client_ip, 1811};
  t.file = "snp_aa64.efi";
  sink.OnTransferEvent(t);
  std::vector<std::string> lines = logged.Lines();
  ASSERT_GE(lines.size(), 2u);
  const std::string& l2 = lines[1];
  EXPECT_THAT(l2, HasSubstr(" event=tftp-start mac=52:54:00:18:00:0b "
                            "ip=198.18.40.156 port=1811 arch=11 "
                            "arch_name=arm64-uefi file=snp_aa64.efi"));
  EXPECT_EQ(phases[BootPhase::kAckToTftp].count(), 1u);
}

TEST(MetricsTest, RendersCountersAndHistograms) {
  io::ServerStatus s;
  s.backend = io::Backend::kSocket;
  s.interface = "xa-test0";
  s.running = true;
  s.queues = 1;
  s.engine.values[size_t(engine::Counter::kDhcp)] = 7;
  s.engine.values[size_t(engine::Counter::kDhcpReplies)] = 3;
  s.engine.dhcp_verdicts[size_t(dhcp::Verdict::kReplied)] = 3;
  s.engine.dhcp_verdicts[size_t(dhcp::Verdict::kNotPxe)] = 4;
  s.tftp.values[size_t(tftp::Counter::kTransfersDone)] = 2;
  s.tftp.values[size_t(tftp::Counter::kDataBytes)] = 1234;
  s.tftp.values[size_t(tftp::Counter::kRetransmits)] = 1;
  PhaseHistograms phases;
  phases[BootPhase::kTftpTransfer].Observe(0.02);
  std::string m = RenderMetrics(s, phases, absl::Seconds(5));
  for (const char* line :
       {"xdpxe_up{backend=\"socket\",interface=\"xa-test0\"} 1\n",
        "xdpxe_dhcp_requests_total 7\n", "xdpxe_dhcp_replies_total 3\n",
        "xdpxe_dhcp_verdicts_total{verdict=\"replied\"} 3\n",
        "xdpxe_dhcp_verdicts_total{verdict=\"not-pxe\"} 4\n",
        "xdpxe_tftp_transfers_total{outcome=\"done\"} 2\n",
        "xdpxe_tftp_bytes_total 1234\n", "xdpxe_tftp_retransmits_total 1\n",
        "# TYPE xdpxe_boot_phase_seconds histogram\n",
        "xdpxe_boot_phase_seconds_bucket{phase=\"tftp_transfer\",le="
        "\"0.05\"} 1\n",
        "xdpxe_boot_phase_seconds_count{phase=\"tftp_transfer\"} 1\n",
        "xdpxe_boot_phase_seconds_count{phase=\"offer_to_ack\"} 0\n"}) {
    EXPECT_THAT(m, HasSubstr(line));
  }
  // Every sample line is NAME[{labels}] VALUE.
  for (absl::string_view l : absl::StrSplit(m, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(l, "#")) continue;
    EXPECT_EQ(std::count(l.begin(), l.end(), ' '), 1) << l;
  }
}

TEST(StatusReportTest, JsonHasTheFields) {
  io::ServerStatus s;
  s.interface = "eth\"1";
  s.transfers.push_back(tftp::TransferInfo{});
  s.transfers[0].file = "snp_x64.efi";
  s.transfers[0].file_size = 200;
  s.transfers[0].bytes_acked = 50;
  s.transfers[0].started = net::Clock::now();
  ServeInfo info;
  info.started = absl::Now() - absl::Seconds(90);
  std::string j = StatusJson(s, info, absl::Now());
  EXPECT_THAT(j, HasSubstr("\"interface\":\"eth\\\"1\""));
  EXPECT_THAT(j, HasSubstr("\"percent\":25"));
  EXPECT_THAT(j, HasSubstr("\"transfers_done\":0"));
  EXPECT_THAT(j, HasSubstr("\"script\":null"));
  std::string t = StatusText(s, info, absl::Now());
  EXPECT_THAT(t, HasSubstr("up 1m30s"));
  EXPECT_THAT(t, HasSubstr("snp_x64.efi"));
  EXPECT_THAT(t, HasSubstr("  25%"));
  EXPECT_THAT(t, HasSubstr("script      none"));
  // A script placed in the TFTP root by hand is shown, as unmanaged.
  info.script = ScriptInfo{"/srv/tftp/autoexec.ipxe", "ab12", 14, "unmanaged"};
  EXPECT_THAT(StatusText(s, info, absl::Now()),
              HasSubstr("script      sha256=ab12 (14 bytes) unmanaged: "
                        "/srv/tftp/autoexec.ipxe (not in the state dir)"));
  EXPECT_THAT(StatusJson(s, info, absl::Now()),
              HasSubstr("\"source\":\"unmanaged\""));
}

TEST(ControlTest, RequestsPermissionsAndStaleSocket) {
  std::string path = absl::StrCat(::testing::TempDir(), "/ctl-", getpid());
  EXPECT_TRUE(absl::IsUnavailable(ControlCall(path, "status").status()));
  {
    ControlServer srv;
    ASSERT_TRUE(
        srv.Start(path,
                  [](std::string_view r) -> absl::StatusOr<std::string> {
                    if (r == "status") return std::string("all good\n");
                    return absl::InvalidArgumentError("unknown request");
                  })
            .ok());
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(*ControlCall(path, "status"), "all good\n");
    absl::StatusOr<std::string> bad = ControlCall(path, "bogus");
    EXPECT_TRUE(absl::IsFailedPrecondition(bad.status()));
    EXPECT_EQ(bad.status().message(), "unknown request");
    // A second server on the same socket is refused, by name.
    ControlServer second;
    absl::Status st2 = second.Start(path, nullptr);
    EXPECT_TRUE(absl::IsAlreadyExists(st2));
    EXPECT_THAT(std::string(st2.message()), HasSubstr(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));  // removed on stop
  // A stale socket file (crashed server) is replaced.
  {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    close(fd);  // never listened: connect gets ECONNREFUSED
  }
  ControlServer again;
  EXPECT_TRUE(again
                  .Start(path,
                         [](std::string_view) {
                           return absl::StatusOr<std::string>("x");
                         })
                  .ok());
}

}  // namespace
}  // namespace xdpxe::app
