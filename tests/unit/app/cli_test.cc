// The `xdpxe` binary end to end, without root: replay over the bundled
// captures, config check messages, --help for every command, autoexec
// commands against a local HTTP server, usage errors.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/app/http_fixture.h"

namespace xdpxe::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int status;
  std::string out;  // stdout + stderr
};

Result Xdpxe(const std::string& args) {
  std::string cmd = absl::StrCat(XDPXE_BINARY_DIR, "/userspace/app/xdpxe ",
                                 args, " 2>&1 </dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string Fixture(const char* name) {
  return absl::StrCat(XDPXE_SOURCE_DIR, "/tests/fixtures/", name);
}

class CliTest : public ::testing::Test {
 protected:
  std::string State() const { return absl::StrCat(" --state-dir ", dir_); }
  xdpxe::testing::ScopedTempDir tmp_;
  std::string dir_ = tmp_.path();
};

TEST_F(CliTest, ReplayUefiCapture) {
  Result r = Xdpxe(
      absl::StrCat("replay ", Fixture("ovmf-x64-pxe-boot.pcap"), State()));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("server 198.18.0.1 (the proxy's address"));
  // The firmware DISCOVER: an offer with no file (the client asks on 4011).
  EXPECT_THAT(r.out, HasSubstr("#1    t=   0.000  DHCPDISCOVER from "
                               "52:54:00:18:00:07"));
  EXPECT_THAT(r.out, HasSubstr("-> DHCPOFFER 198.18.0.1:67 -> "
                               "255.255.255.255:68"));
  EXPECT_THAT(r.out, HasSubstr("not in this reply: the client asks on 4011"));
  // The 4011 request: the ACK with the boot file, unicast back.
  EXPECT_THAT(r.out, HasSubstr("-> DHCPACK 198.18.0.1:4011 -> "
                               "198.18.0.152:4011"));
  EXPECT_THAT(r.out, HasSubstr("file=\"snp_x64.efi\""));
  // iPXE gets the script, never the boot program again.
  EXPECT_THAT(r.out, HasSubstr("ipxe stage, boot file \"autoexec.ipxe\""));
  EXPECT_THAT(r.out, HasSubstr("no reply: ignored-type (DHCPREQUEST on 67 is "
                               "for the primary DHCP server)"));
  // Decision for decision what dnsmasq did in the capture.
  EXPECT_THAT(r.out, HasSubstr("   capture: DHCPOFFER from 198.18.0.1 (#2) "
                               "siaddr=198.18.0.1 file=\"\""));
  EXPECT_THAT(r.out, HasSubstr("   capture: DHCPACK from 198.18.0.1 (#12) "
                               "siaddr=198.18.0.1 file=\"snp_x64.efi\""));
  EXPECT_THAT(r.out, HasSubstr("   capture: no proxy reply"));
  EXPECT_THAT(r.out, HasSubstr("Summary: 5 client requests, 3 replies "
                               "(1 ack4011, 2 offer67)"));
}

TEST_F(CliTest, ReplayUsesConfig) {
  std::string conf = absl::StrCat(dir_, "/x.conf");
  std::ofstream(conf) << "listen-address=198.18.40.1\n"
                         "boot-efi-arm64=arm/ipxe.efi\n"
                         "host=52:54:00:18:00:00,name=seabios-vm,"
                         "script=http://198.18.40.1/seabios.ipxe\n";
  Result r =
      Xdpxe(absl::StrCat("replay --brief --config ", conf, " ",
                         Fixture("aavmf-arm64-pxe-boot-head.pcap"), State()));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("server 198.18.40.1 (listen-address=)"));
  EXPECT_THAT(r.out, HasSubstr("boot file \"arm/ipxe.efi\""));
  EXPECT_THAT(r.out, Not(HasSubstr("op=BOOTREPLY")));  // --brief
  r = Xdpxe(absl::StrCat("replay -b --config ", conf, " ",
                         Fixture("seabios-ipxe-boot.pcap"), State()));
  EXPECT_THAT(r.out, HasSubstr("boot file \"http://198.18.40.1/seabios.ipxe\""
                               ", host rule seabios-vm"));
}

TEST_F(CliTest, ReplayErrors) {
  Result r = Xdpxe(absl::StrCat("replay /nonexistent.pcap", State()));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("/nonexistent.pcap"));
  r = Xdpxe("replay");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, HasSubstr("missing FILE.pcap"));
}

TEST_F(CliTest, ConfigCheck) {
  std::string conf = absl::StrCat(dir_, "/bad.conf");
  std::ofstream(conf) << "interface=eth1\n\ntftp-window-max=abc\nbackend=x\n";
  Result r = Xdpxe(absl::StrCat("config check --config ", conf, State()));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, absl::StrCat(conf,
                                ":3: tftp-window-max: not a number: "
                                "\"abc\"\n",
                                conf,
                                ":4: backend: not xdp or socket: "
                                "\"x\"\n"));
  std::ofstream(conf) << "interface=eth1\nlisten-address=198.18.40.1\n";
  r = Xdpxe(absl::StrCat("config check --config ", conf, State()));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(conf, ": ok")));
  EXPECT_THAT(r.out, HasSubstr("interface      eth1"));
  // The state dir's copy applies when there is no --config.
  std::ofstream(absl::StrCat(dir_, "/xdpxe.conf")) << "log-keep=0\n";
  r = Xdpxe(absl::StrCat("config check", State()));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(dir_,
                                            "/xdpxe.conf:1: log-keep: "
                                            "out of range")));
}

TEST_F(CliTest, HelpForEveryCommand) {
  for (const char* cmd :
       {"serve", "status", "menu", "log", "config", "autoexec", "replay"}) {
    Result r = Xdpxe(absl::StrCat(cmd, " --help"));
    EXPECT_EQ(r.status, 0) << cmd << ": " << r.out;
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("Usage: xdpxe ", cmd))) << cmd;
  }
  Result r = Xdpxe("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("Commands:"));
  r = Xdpxe("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, HasSubstr("unknown command \"frobnicate\""));
  r = Xdpxe("log --bogus");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.out, HasSubstr("xdpxe log: unknown option --bogus"));
}

TEST_F(CliTest, AutoexecFetchShowAndFailures) {
  testing::HttpFixture http;
  ASSERT_TRUE(http.ok());
  Result r = Xdpxe(absl::StrCat("autoexec fetch ", http.Url("/good.ipxe"),
                                State(), " --tftp-root ", dir_));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("autoexec.ipxe is live: sha256="));
  r = Xdpxe(absl::StrCat("autoexec fetch ", http.Url("/missing"), State()));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("HTTP 404"));
  EXPECT_THAT(r.out, HasSubstr("The live autoexec.ipxe is unchanged."));
  r = Xdpxe(absl::StrCat("autoexec fetch ", http.Url("/html"), State()));
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("not an iPXE script"));
  r = Xdpxe(absl::StrCat("autoexec show", State()));
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("echo XDPXE-AUTOEXEC-OK"));
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat("source=url=", http.Url("/good.ipxe"))));
}

}  // namespace
}  // namespace xdpxe::app
