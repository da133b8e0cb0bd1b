// Tests BootPolicy::Validate and BootSelector's selection order
// (boot_policy.h).
#include "userspace/dhcp/boot_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "userspace/dhcp/protocol.h"

namespace xdpxe::dhcp {
namespace {

using ::testing::HasSubstr;

const net::MacAddr kMac = *net::MacAddr::Parse("52:54:00:18:00:07");
const net::MacAddr kOther = *net::MacAddr::Parse("52:54:00:18:00:99");
const ClientGuid kGuid =
    *ClientGuid::Parse("5eed0000-0000-4000-8000-525400180007");

// Designated initialisers with omitted members trip GCC's
// -Wmissing-field-initializers, so rules are made field by field.
HostRule Rule(std::optional<net::MacAddr> mac, std::optional<ClientGuid> guid,
              std::string file, std::string script = "", bool ignore = false,
              std::string name = "") {
  HostRule h;
  h.mac = mac;
  h.guid = guid;
  h.boot_file = std::move(file);
  h.ipxe_script = std::move(script);
  h.ignore = ignore;
  h.name = std::move(name);
  return h;
}

BootRequest Firmware(uint16_t a) {
  BootRequest r;
  r.arch = a;
  r.has_arch = true;
  r.mac = kMac;
  return r;
}

TEST(BootPolicyTest, DefaultsPerArch) {
  BootPolicy p;
  ASSERT_TRUE(p.Validate().ok());
  BootSelector s(p);
  struct Case {
    uint16_t arch;
    BootOutcome outcome;
    std::string_view file;
  } cases[] = {
      {0, BootOutcome::kBoot, "undionly.kpxe"},
      {6, BootOutcome::kNoFile, ""},
      {7, BootOutcome::kBoot, "snp_x64.efi"},
      {9, BootOutcome::kBoot, "snp_x64.efi"},
      {10, BootOutcome::kNoFile, ""},
      {11, BootOutcome::kBoot, "snp_aa64.efi"},
      {1, BootOutcome::kUnknownArch, ""},
      {2, BootOutcome::kUnknownArch, ""},
      {25, BootOutcome::kUnknownArch, ""},
      {0xffff, BootOutcome::kUnknownArch, ""},
  };
  for (const Case& c : cases) {
    const BootDecision d = s.Select(Firmware(c.arch));
    EXPECT_EQ(d.outcome, c.outcome) << c.arch;
    EXPECT_EQ(d.file, c.file) << c.arch;
    EXPECT_EQ(d.stage, BootStage::kFirmware);
  }
  BootRequest none = Firmware(0);
  none.has_arch = false;
  EXPECT_EQ(s.Select(none).outcome, BootOutcome::kUnknownArch);
}

TEST(BootPolicyTest, EveryNameConfigurable) {
  BootPolicy p;
  p.files = {"a.kpxe", "b.efi", "c.efi", "d.efi", "e.efi"};
  ASSERT_TRUE(p.Validate().ok());
  BootSelector s(p);
  EXPECT_EQ(s.Select(Firmware(0)).file, "a.kpxe");
  EXPECT_EQ(s.Select(Firmware(6)).file, "b.efi");
  EXPECT_EQ(s.Select(Firmware(7)).file, "c.efi");
  EXPECT_EQ(s.Select(Firmware(9)).file, "c.efi");
  EXPECT_EQ(s.Select(Firmware(10)).file, "d.efi");
  EXPECT_EQ(s.Select(Firmware(11)).file, "e.efi");
}

TEST(BootPolicyTest, IpxeGetsTheScriptWhateverTheArch) {
  BootPolicy p;
  BootSelector s(p);
  for (uint16_t a : {0, 7, 11, 25}) {
    BootRequest r = Firmware(a);
    r.ipxe = true;
    const BootDecision d = s.Select(r);
    EXPECT_EQ(d.outcome, BootOutcome::kBoot);
    EXPECT_EQ(d.stage, BootStage::kIpxe);
    EXPECT_EQ(d.file, "autoexec.ipxe");
  }
  p.ipxe_script = "https://boot.example/menu.ipxe";
  ASSERT_TRUE(p.Validate().ok());
  BootRequest r = Firmware(7);
  r.ipxe = true;
  EXPECT_EQ(s.Select(r).file, "https://boot.example/menu.ipxe");
}

TEST(BootPolicyTest, HttpBootOnlyWhenConfigured) {
  BootPolicy p;
  BootSelector s(p);
  BootRequest r = Firmware(16);
  r.http_client = true;
  EXPECT_EQ(s.Select(r).outcome, BootOutcome::kNoFile);
  EXPECT_EQ(s.Select(r).stage, BootStage::kHttp);
  p.http.efi_x64 = "http://198.18.0.1/snp_x64.efi";
  p.http.efi_arm64 = "http://198.18.0.1/snp_aa64.efi";
  ASSERT_TRUE(p.Validate().ok());
  EXPECT_EQ(s.Select(r).file, "http://198.18.0.1/snp_x64.efi");
  EXPECT_EQ(s.Select(Firmware(19)).file, "http://198.18.0.1/snp_aa64.efi");
  BootRequest legacy = Firmware(7);  // HTTPClient with a PXE arch number
  legacy.http_client = true;
  EXPECT_EQ(s.Select(legacy).file, "http://198.18.0.1/snp_x64.efi");
  BootRequest odd = Firmware(0);
  odd.http_client = true;
  EXPECT_EQ(s.Select(odd).outcome, BootOutcome::kUnknownArch);
}

TEST(BootPolicyTest, HostOverridesByMacThenGuid) {
  BootPolicy p;
  p.hosts.push_back(Rule({}, kGuid, "guid.efi"));
  p.hosts.push_back(Rule(kMac, {}, "mac.efi", "mac.ipxe", false, "lab-07"));
  p.hosts.push_back(Rule(kOther, {}, "", "", true));
  ASSERT_TRUE(p.Validate().ok()) << p.Validate();
  BootSelector s(p);
  BootRequest r = Firmware(7);
  r.guid = kGuid;
  BootDecision d = s.Select(r);
  EXPECT_EQ(d.file, "mac.efi");  // MAC before GUID
  ASSERT_NE(d.host, nullptr);
  EXPECT_EQ(d.host->name, "lab-07");
  r.ipxe = true;
  EXPECT_EQ(s.Select(r).file, "mac.ipxe");
  r.ipxe = false;
  r.mac = *net::MacAddr::Parse("52:54:00:00:00:01");
  EXPECT_EQ(s.Select(r).file, "guid.efi");
  r.ipxe = true;  // the GUID rule keeps the default script
  EXPECT_EQ(s.Select(r).file, "autoexec.ipxe");
  // An override serves even an architecture with no default.
  BootRequest riscv = Firmware(25);
  EXPECT_EQ(s.Select(riscv).file, "mac.efi");
  BootRequest ignored = Firmware(7);
  ignored.mac = kOther;
  EXPECT_EQ(s.Select(ignored).outcome, BootOutcome::kIgnoredHost);
}

TEST(BootPolicyTest, ValidateNamesTheKey) {
  auto err = [](BootPolicy p) { return std::string(p.Validate().message()); };
  BootPolicy p;
  p.files.efi_x64 = "a\tb";
  EXPECT_THAT(err(p), HasSubstr("boot-efi-x64: \"a\\tb\": control character"));
  p = {};
  p.files.bios = std::string(128, 'x');
  EXPECT_THAT(err(p), HasSubstr("boot-bios: "));
  EXPECT_THAT(err(p), HasSubstr("longer than 127 bytes"));
  p.files.bios = std::string(127, 'x');
  EXPECT_TRUE(p.Validate().ok());
  p = {};
  p.http.efi_x64 = "snp.efi";
  EXPECT_THAT(err(p), HasSubstr("http-boot-x64: \"snp.efi\": must be an http"));
  p = {};
  p.ipxe_script = "";
  EXPECT_THAT(err(p), HasSubstr("ipxe-script: \"\": must not be empty"));
  p.ipxe_script = "ftp://x/y";
  EXPECT_THAT(err(p), HasSubstr("only http:// and https://"));
  p.ipxe_script = "HTTPS://x/y";
  EXPECT_TRUE(p.Validate().ok());
  p = {};
  p.hosts.push_back(Rule({}, {}, "x"));
  EXPECT_THAT(err(p), HasSubstr("host[0]: give exactly one of"));
  p = {};
  p.hosts.push_back(Rule(kMac, {}, ""));
  EXPECT_THAT(err(p), HasSubstr("host[0] (52:54:00:18:00:07): sets nothing"));
  p = {};
  p.hosts.push_back(Rule(kMac, {}, "", "", true));
  p.hosts.push_back(Rule(kMac, {}, "x"));
  EXPECT_THAT(err(p), HasSubstr("host[1] (52:54:00:18:00:07): same host as "
                                "host[0]"));
  p = {};
  p.hosts.push_back(Rule({}, kGuid, "", "bad\x01"));
  EXPECT_THAT(
      err(p),
      HasSubstr("host[0] (5eed0000-0000-4000-8000-525400180007) ipxe script"));
  EXPECT_EQ(p.Validate().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BootPolicyTest, Names) {
  EXPECT_TRUE(IsUrl("http://x"));
  EXPECT_TRUE(IsUrl("Https://x"));
  EXPECT_FALSE(IsUrl("httpx://x"));
  EXPECT_FALSE(IsUrl("autoexec.ipxe"));
  EXPECT_EQ(BootStageName(BootStage::kIpxe), "ipxe");
}

}  // namespace
}  // namespace xdpxe::dhcp
