// Boot policy: which boot program or iPXE script a PXE / iPXE / UEFI HTTP
// client gets. BootPolicy is the plain configuration (the app parses its
// config file into it; Validate() names the bad key); BootSelector is the
// compiled, lookup-ready form the responder consults per request without
// allocating.
//
//   BootPolicy p;                       // defaults: undionly.kpxe,
//   p.files.efi_x64 = "ipxe.efi";       //   snp_x64.efi, snp_aa64.efi,
//   p.ipxe_script = "http://198.18.0.1/boot.ipxe";   //   autoexec.ipxe
//   HostRule h;
//   h.mac = net::MacAddr::Parse("52:54:00:18:00:07");
//   h.boot_file = "test/snp_x64.efi";
//   p.hosts.push_back(h);
//   XDPXE_RETURN_IF_ERROR(p.Validate());
//   BootSelector sel(p);                // p must outlive sel
//   BootDecision d = sel.Select(request);   // BootRequest from the message
//
// Selection, in order:
//   1. A host rule matching the client's MAC (chaddr), else one matching its
//      GUID (option 97). `ignore` -> kIgnoredHost.
//   2. iPXE (option 77 contains "iPXE" or option 175 present): the host's
//      ipxe_script, else `ipxe_script`; any architecture. Never the boot
//      program again, or iPXE would chain-load itself forever.
//   3. UEFI HTTP boot (vendor class HTTPClient, or arch 15/16/18/19): the
//      host's boot_file if it is an http(s) URL, else the URL for the arch
//      in `http`; none configured -> kNoFile.
//   4. PXE firmware: the host's boot_file, else the file for the arch
//      (0 BIOS, 6 IA32, 7 and 9 x64, 10 ARM32, 11 ARM64); another arch ->
//      kUnknownArch; an empty name -> kNoFile.
#ifndef XDPXE_USERSPACE_DHCP_BOOT_POLICY_H_
#define XDPXE_USERSPACE_DHCP_BOOT_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "userspace/dhcp/guid.h"
#include "userspace/net/addr.h"

namespace xdpxe::dhcp {

// Boot programs for PXE firmware, by option 93. TFTP names relative to the
// TFTP root, at most 127 bytes. Empty: that architecture gets no reply.
// The names in comments are the config keys Validate() reports.
struct ArchBootFiles {
  std::string bios = "undionly.kpxe";      // boot-bios: arch 0, x86 BIOS
  std::string efi_ia32;                    // boot-efi-ia32: arch 6
  std::string efi_x64 = "snp_x64.efi";     // boot-efi-x64: arch 7 and 9
  std::string efi_arm32;                   // boot-efi-arm32: arch 10
  std::string efi_arm64 = "snp_aa64.efi";  // boot-efi-arm64: arch 11
};

// UEFI HTTP boot URLs (http:// or https://), by option 93. Empty: no reply
// to HTTP-boot clients of that architecture.
struct HttpBootUrls {
  std::string efi_ia32;   // http-boot-ia32: arch 15 (and HTTPClient arch 6)
  std::string efi_x64;    // http-boot-x64: arch 16 (and HTTPClient 7, 9)
  std::string efi_arm32;  // http-boot-arm32: arch 18 (and HTTPClient 10)
  std::string efi_arm64;  // http-boot-arm64: arch 19 (and HTTPClient 11)
};

// A per-host override (config key `host`). Exactly one of mac / guid.
struct HostRule {
  std::optional<net::MacAddr> mac;  // matched against chaddr
  std::optional<ClientGuid> guid;   // matched against option 97
  std::string boot_file;            // firmware stage, any arch; empty: keep
  std::string ipxe_script;          // iPXE stage; empty: keep
  bool ignore = false;              // never answer this host
  std::string name;                 // label for the boot log; may be empty
};

struct BootPolicy {
  ArchBootFiles files;
  HttpBootUrls http;
  // ipxe-script: a TFTP name or an http(s):// URL, at most 127 bytes.
  std::string ipxe_script = "autoexec.ipxe";
  std::vector<HostRule> hosts;

  // OK, or InvalidArgument naming the key and value, e.g.
  // "boot-efi-x64: \"a\tb\": control character in a boot file name".
  absl::Status Validate() const;
};

// True for http:// and https:// (any case): iPXE and HTTP boot fetch these
// themselves; anything else is a TFTP name.
bool IsUrl(std::string_view name);

// What the responder knows about the client, from its request.
struct BootRequest {
  uint16_t arch = 0;
  bool has_arch = false;     // option 93 (or the PXEClient:Arch: string)
  bool ipxe = false;         // option 77 contains "iPXE", or 175 present
  bool http_client = false;  // vendor class begins "HTTPClient"
  net::MacAddr mac;
  std::optional<ClientGuid> guid;
};

enum class BootStage : uint8_t { kFirmware, kIpxe, kHttp };
std::string_view BootStageName(BootStage s);  // "firmware" "ipxe" "http"

enum class BootOutcome : uint8_t { kBoot, kUnknownArch, kNoFile, kIgnoredHost };

struct BootDecision {
  BootOutcome outcome = BootOutcome::kUnknownArch;
  BootStage stage = BootStage::kFirmware;
  std::string_view file;           // into the BootPolicy; set on kBoot
  const HostRule* host = nullptr;  // the matching rule, if any
};

class BootSelector {
 public:
  // Indexes `policy` (which must outlive the selector). On duplicate keys
  // the first rule wins; Validate() reports them.
  explicit BootSelector(const BootPolicy& policy);
  BootSelector(const BootSelector&) = delete;
  BootSelector& operator=(const BootSelector&) = delete;

  BootDecision Select(const BootRequest& r) const;
  const HostRule* FindHost(const net::MacAddr& mac,
                           const std::optional<ClientGuid>& guid) const;

 private:
  const BootPolicy& policy_;
  absl::flat_hash_map<net::MacAddr, const HostRule*> by_mac_;
  absl::flat_hash_map<ClientGuid, const HostRule*> by_guid_;
};

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_BOOT_POLICY_H_
