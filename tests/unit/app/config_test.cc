// Tests the config parser: every key, every error path naming file, line
// and key, and the packaged default config.
#include "userspace/app/config.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "userspace/app/config_values.h"

namespace xdpxe::app {
namespace {

using ::testing::HasSubstr;

constexpr char kFile[] = "/etc/xdpxe/xdpxe.conf";

std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<Settings> s = ParseConfig(text, kFile);
  EXPECT_FALSE(s.ok()) << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(s.status().message());
}

TEST(ConfigTest, EmptyGivesDefaults) {
  absl::StatusOr<Settings> s = ParseConfig("", kFile);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->boot_x64, "snp_x64.efi");
  EXPECT_EQ(s->boot_bios, "undionly.kpxe");
  EXPECT_EQ(s->boot_arm64, "snp_aa64.efi");
  EXPECT_EQ(s->ipxe_script, "autoexec.ipxe");
  EXPECT_EQ(s->tftp_port_lo, 61000);
  EXPECT_EQ(s->tftp_port_hi, 65535);
  EXPECT_EQ(s->backend, BackendKind::kXdp);
  EXPECT_TRUE(s->metrics_listen.empty());
}

TEST(ConfigTest, ParsesEveryKind) {
  absl::StatusOr<Settings> s = ParseConfig(
      "# lab gateway\n"
      "interface = eth1   # trailing comment\n"
      "listen-address=198.18.40.1\n"
      "backend=socket\n"
      "socket-fallback=no\n"
      "xdp-mode=generic\n"
      "boot-efi-x64=\"efi/snp x64.efi\"\n"
      "boot-efi-arm64=\n"
      "http-boot-x64=http://198.18.40.1/boot.efi#frag\n"
      "tftp-server=198.18.40.9\n"
      "server-name=gw\n"
      "uefi-file-in-offer=yes\n"
      "ipxe-script=https://198.18.40.1/menu.ipxe\n"
      "host=52:54:00:18:00:07,name=lab-07,boot=ipxe.efi\n"
      "host=uuid:5eed0000-0000-4000-8000-525400180007,script=lab.ipxe\n"
      "host=52-54-00-18-00-99,ignore\n"
      "tftp-root=/srv/tftp\n"
      "tftp-port-range=62000,62999\n"
      "tftp-blksize-max=8192\n"
      "tftp-window-max=16\n"
      "tftp-max-transfers=200\n"
      "tftp-max-per-client=2\n"
      "tftp-timeout=500ms\n"
      "tftp-retries=7\n"
      "autoexec-url=http://198.18.40.1/autoexec.ipxe\n"
      "autoexec-timeout=2m\n"
      "autoexec-max-size=64K\n"
      "log-file=/var/log/xdpxe-boot.log\n"
      "log-max-size=1M\n"
      "log-keep=3\n"
      "metrics-listen=9169\n"
      "control-socket=/run/xdpxe/control.sock\n",
      kFile);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->interface, "eth1");
  EXPECT_EQ(s->listen_address->ToString(), "198.18.40.1");
  EXPECT_EQ(s->backend, BackendKind::kSocket);
  EXPECT_FALSE(s->socket_fallback);
  EXPECT_EQ(s->xdp_mode, XdpModeKind::kGeneric);
  EXPECT_EQ(s->boot_x64, "efi/snp x64.efi");
  EXPECT_EQ(s->boot_arm64, "");
  EXPECT_EQ(s->http_boot_x64, "http://198.18.40.1/boot.efi#frag");
  EXPECT_EQ(s->tftp_server->ToString(), "198.18.40.9");
  EXPECT_EQ(s->server_name, "gw");
  EXPECT_TRUE(s->uefi_file_in_offer);
  EXPECT_EQ(s->ipxe_script, "https://198.18.40.1/menu.ipxe");
  ASSERT_EQ(s->hosts.size(), 3u);
  EXPECT_EQ(s->hosts[0].mac->ToString(), "52:54:00:18:00:07");
  EXPECT_EQ(s->hosts[0].boot_file, "ipxe.efi");
  EXPECT_EQ(s->hosts[0].name, "lab-07");
  EXPECT_EQ(s->hosts[0].line, 14);
  EXPECT_EQ(UuidToString(*s->hosts[1].uuid),
            "5eed0000-0000-4000-8000-525400180007");
  EXPECT_EQ(s->hosts[1].script, "lab.ipxe");
  EXPECT_TRUE(s->hosts[2].ignore);
  EXPECT_EQ(s->tftp_root, "/srv/tftp");
  EXPECT_EQ(s->tftp_port_lo, 62000);
  EXPECT_EQ(s->tftp_port_hi, 62999);
  EXPECT_EQ(s->tftp_blksize_max, 8192);
  EXPECT_EQ(s->tftp_window_max, 16);
  EXPECT_EQ(s->tftp_max_transfers, 200u);
  EXPECT_EQ(s->tftp_max_per_client, 2u);
  EXPECT_EQ(s->tftp_timeout_ms, 500u);
  EXPECT_EQ(s->tftp_retries, 7u);
  EXPECT_EQ(s->autoexec_timeout_s, 120u);
  EXPECT_EQ(s->autoexec_max_bytes, 64u * 1024);
  EXPECT_EQ(s->log_max_bytes, 1u << 20);
  EXPECT_EQ(s->log_keep, 3u);
  EXPECT_EQ(s->metrics_listen, "9169");
  EXPECT_EQ(s->control_socket, "/run/xdpxe/control.sock");
}

// The message format the operator sees: FILE:LINE: KEY: WHAT.
TEST(ConfigTest, ErrorNamesFileLineAndKey) {
  EXPECT_EQ(ErrorOf("\n\n# c\ninterface=eth0\n\n\n\n\n\n\n\n"
                    "tftp-window-max=abc\n"),
            "/etc/xdpxe/xdpxe.conf:12: tftp-window-max: not a number: "
            "\"abc\"");
}

struct BadLine {
  std::string line;
  const char* key;
  const char* what;
};

class ConfigErrorTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(ConfigErrorTest, NamesFileLineKey) {
  const BadLine& p = GetParam();
  std::string msg = ErrorOf(absl::StrCat("# first line\n", p.line, "\n"));
  std::string prefix = absl::StrCat(kFile, ":2: ", p.key);
  EXPECT_TRUE(absl::StartsWith(msg, prefix)) << msg << " vs " << prefix;
  EXPECT_THAT(msg, HasSubstr(p.what));
}

INSTANTIATE_TEST_SUITE_P(
    EveryKey, ConfigErrorTest,
    ::testing::Values(
        BadLine{"tftp-rot=/srv", "tftp-rot",
                "unknown key (did you mean "
                "tftp-root?)"},
        BadLine{"frobnicate=1", "frobnicate", "unknown key"},
        BadLine{"just words", "just words", "unknown key"},
        BadLine{"=value", "", "expected key=value"},
        BadLine{"interface", "interface", "no '='"},
        BadLine{"listen-address=198.18.40", "listen-address",
                "not a unicast IPv4 address"},
        BadLine{"listen-address=0.0.0.0", "listen-address", "unicast"},
        BadLine{"backend=dpdk", "backend", "not xdp or socket"},
        BadLine{"socket-fallback=maybe", "socket-fallback", "not yes/no"},
        BadLine{"xdp-mode=offload", "xdp-mode", "not native or generic"},
        BadLine{"boot-efi-x64=/abs.efi", "boot-efi-x64",
                "relative to tftp-root"},
        BadLine{"boot-bios=../etc/passwd", "boot-bios", "\"..\""},
        BadLine{"boot-efi-arm64=a/../../b", "boot-efi-arm64", "\"..\""},
        BadLine{"http-boot-x64=ftp://x/y", "http-boot-x64",
                "not an http:// or https:// URL"},
        BadLine{"ipxe-script=", "ipxe-script", "must not be empty"},
        BadLine{"ipxe-script=http:///x", "ipxe-script", "no host"},
        BadLine{"host=zz:54:00:18:00:07,boot=a", "host", "not a MAC"},
        BadLine{"host=52:54:00:18:00:07", "host", "nothing to do"},
        BadLine{"host=52:54:00:18:00:07,boot", "host", "unknown host option"},
        BadLine{"host=52:54:00:18:00:07,boot=/x", "host", "boot=: must be"},
        BadLine{"host=uuid:5eed,script=a", "host", "not a MAC or uuid"},
        BadLine{"host=52:54:00:18:00:07,script=http://", "host", "no host"},
        BadLine{"tftp-server=198.18.40.256", "tftp-server", "not a unicast"},
        BadLine{"server-name=" + std::string(64, 'x'), "server-name",
                "longer than 63"},
        BadLine{"uefi-file-in-offer=2", "uefi-file-in-offer", "not yes/no"},
        BadLine{"tftp-root=srv/tftp", "tftp-root", "not an absolute path"},
        BadLine{"tftp-port-range=61000", "tftp-port-range",
                "expected LOW,HIGH"},
        BadLine{"tftp-port-range=62000,61000", "tftp-port-range",
                "low port above high"},
        BadLine{"tftp-port-range=69,2000", "tftp-port-range", "out of range"},
        BadLine{"tftp-port-range=1024,x", "tftp-port-range", "not a number"},
        BadLine{"tftp-blksize-max=7", "tftp-blksize-max",
                "out of range: 7 (544..65464)"},
        BadLine{"tftp-window-max=0", "tftp-window-max", "out of range"},
        BadLine{"tftp-window-max=-1", "tftp-window-max", "not a number"},
        BadLine{"tftp-max-transfers=1e3", "tftp-max-transfers", "not a number"},
        BadLine{"tftp-max-per-client=", "tftp-max-per-client", "not a number"},
        BadLine{"tftp-timeout=fast", "tftp-timeout", "not a duration"},
        BadLine{"tftp-timeout=5ms", "tftp-timeout", "out of range"},
        BadLine{"tftp-retries=1000", "tftp-retries", "out of range"},
        BadLine{"autoexec-url=www.example", "autoexec-url", "not an http"},
        BadLine{"autoexec-timeout=0", "autoexec-timeout", "out of range"},
        BadLine{"autoexec-max-size=2X", "autoexec-max-size", "not a size"},
        BadLine{"autoexec-max-size=8", "autoexec-max-size", "too small"},
        BadLine{"log-max-size=lots", "log-max-size", "not a size"},
        BadLine{"log-keep=0", "log-keep", "out of range"},
        BadLine{"metrics-listen=localhost:9169", "metrics-listen",
                "not an IPv4 address"},
        BadLine{"metrics-listen=127.0.0.1:99999", "metrics-listen", "bad port"},
        BadLine{"control-socket=ctl.sock", "control-socket",
                "not an absolute path"}),
    [](const ::testing::TestParamInfo<BadLine>& info) {
      std::string name = absl::StrCat(info.index, "_", info.param.key);
      for (char& c : name) {
        if (!absl::ascii_isalnum(c)) c = '_';
      }
      return name;
    });

TEST(ConfigTest, RepeatedKeyNamesFirstLine) {
  EXPECT_EQ(ErrorOf("interface=eth0\n#\ninterface=eth1\n"),
            absl::StrCat(kFile,
                         ":3: interface: already set on line 1 "
                         "(only host= may repeat)"));
}

TEST(ConfigTest, SameHostTwiceNamesBothLines) {
  std::string msg = ErrorOf(
      "host=52:54:00:18:00:07,boot=a.efi\n"
      "host=52:54:00:18:00:07,ignore\n");
  EXPECT_EQ(msg, absl::StrCat(kFile,
                              ":2: host: same client as line 1 (one "
                              "host= line per client)"));
}

TEST(ConfigTest, ReportsEveryBadLine) {
  std::string msg = ErrorOf("backend=x\nlog-keep=0\nok=1\n");
  EXPECT_THAT(msg, HasSubstr(":1: backend:"));
  EXPECT_THAT(msg, HasSubstr(":2: log-keep:"));
  EXPECT_THAT(msg, HasSubstr(":3: ok: unknown key"));
}

TEST(ConfigTest, CapsTheNumberOfMessages) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "nope=1\n";
  EXPECT_THAT(ErrorOf(text), HasSubstr("(10 more problems not shown)"));
}

TEST(ConfigTest, LoadFileMissingIsNotFound) {
  absl::StatusOr<Settings> s = LoadConfigFile("/nonexistent/xdpxe.conf");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.status().message()),
              HasSubstr("/nonexistent/xdpxe.conf"));
}

TEST(ConfigTest, LoadFileLabelsWithPath) {
  std::string path = absl::StrCat(::testing::TempDir(), "/bad.conf");
  std::ofstream(path) << "tftp-retries=x\n";
  absl::StatusOr<Settings> s = LoadConfigFile(path);
  EXPECT_EQ(std::string(s.status().message()),
            absl::StrCat(path, ":1: tftp-retries: not a number: \"x\""));
}

// The packaged default config parses, and documents every key.
TEST(ConfigTest, DefaultConfigDocumentsEveryKey) {
  absl::StatusOr<Settings> s = ParseConfig(DefaultConfigText(), "default");
  ASSERT_TRUE(s.ok()) << s.status();
  for (const std::string& key : ConfigKeyNames()) {
    EXPECT_THAT(std::string(DefaultConfigText()),
                HasSubstr(absl::StrCat("#", key, "=")));
  }
  // Uncommenting every example line still gives a valid config, so the
  // examples themselves are right (duplicate host= lines aside).
  std::string uncommented;
  for (absl::string_view line : absl::StrSplit(DefaultConfigText(), '\n')) {
    if (absl::ConsumePrefix(&line, "#") && !line.empty() && line[0] != ' ' &&
        line[0] != '#' && line.find('=') != absl::string_view::npos) {
      absl::StrAppend(&uncommented, line, "\n");
    }
  }
  absl::StatusOr<Settings> all = ParseConfig(uncommented, "uncommented");
  EXPECT_TRUE(all.ok()) << all.status();
}

TEST(ConfigValuesTest, ListenAddressBarePortIsLoopback) {
  ListenAddress la;
  ASSERT_EQ(ParseListenAddress("9169", &la), "");
  EXPECT_EQ(la.addr.ToString(), "127.0.0.1");
  EXPECT_EQ(la.port, 9169);
  ASSERT_EQ(ParseListenAddress("198.18.40.1:80", &la), "");
  EXPECT_EQ(la.addr.ToString(), "198.18.40.1");
}

TEST(ConfigValuesTest, UuidRoundTrip) {
  auto u = ParseUuid("5EED0000-0000-4000-8000-525400180007");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(UuidToString(*u), "5eed0000-0000-4000-8000-525400180007");
  EXPECT_FALSE(ParseUuid("5eed0000-0000-4000-8000-52540018000g"));
  EXPECT_FALSE(ParseUuid("5eed0000000040008000525400180007"));
}

}  // namespace
}  // namespace xdpxe::app
