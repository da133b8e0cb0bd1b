// BootPolicy validation and BootSelector (see boot_policy.h).
#include "userspace/dhcp/boot_policy.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "userspace/dhcp/protocol.h"

namespace xdpxe::dhcp {
namespace {

// The file field is 128 bytes; keep a terminating NUL for picky clients.
constexpr size_t kMaxName = kFileLen - 1;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

enum class NameKind { kTftp, kUrl, kTftpOrUrl };

absl::Status CheckName(std::string_view key, const std::string& v,
                       NameKind kind, bool allow_empty) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(key), ": \"", absl::CEscape(v), "\": ", why));
  };
  if (v.empty()) {
    if (allow_empty) return absl::OkStatus();
    return bad("must not be empty");
  }
  if (v.size() > kMaxName) {
    return bad(absl::StrCat("longer than ", kMaxName,
                            " bytes (the BOOTP file field holds 128)"));
  }
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return bad("control character in a boot file name");
    }
  }
  const bool url = IsUrl(v);
  if (kind == NameKind::kUrl && !url) {
    return bad("must be an http:// or https:// URL");
  }
  if (!url && absl::StrContains(v, "://")) {
    return bad("only http:// and https:// URLs are supported");
  }
  return absl::OkStatus();
}

std::string HostKey(const HostRule& h, size_t i) {
  if (h.mac) return absl::StrCat("host[", i, "] (", h.mac->ToString(), ")");
  if (h.guid) return absl::StrCat("host[", i, "] (", h.guid->ToString(), ")");
  return absl::StrCat("host[", i, "]");
}

}  // namespace

bool IsUrl(std::string_view name) {
  return absl::StartsWithIgnoreCase(Sv(name), "http://") ||
         absl::StartsWithIgnoreCase(Sv(name), "https://");
}

std::string_view BootStageName(BootStage s) {
  switch (s) {
    case BootStage::kFirmware:
      return "firmware";
    case BootStage::kIpxe:
      return "ipxe";
    case BootStage::kHttp:
      return "http";
  }
  return "?";
}

absl::Status BootPolicy::Validate() const {
  struct Named {
    const char* key;
    const std::string* value;
    NameKind kind;
  };
  const Named names[] = {
      {"boot-bios", &files.bios, NameKind::kTftp},
      {"boot-efi-ia32", &files.efi_ia32, NameKind::kTftp},
      {"boot-efi-x64", &files.efi_x64, NameKind::kTftp},
      {"boot-efi-arm32", &files.efi_arm32, NameKind::kTftp},
      {"boot-efi-arm64", &files.efi_arm64, NameKind::kTftp},
      {"http-boot-ia32", &http.efi_ia32, NameKind::kUrl},
      {"http-boot-x64", &http.efi_x64, NameKind::kUrl},
      {"http-boot-arm32", &http.efi_arm32, NameKind::kUrl},
      {"http-boot-arm64", &http.efi_arm64, NameKind::kUrl},
  };
  for (const Named& n : names) {
    if (auto s = CheckName(n.key, *n.value, n.kind, true); !s.ok()) return s;
  }
  if (auto s =
          CheckName("ipxe-script", ipxe_script, NameKind::kTftpOrUrl, false);
      !s.ok()) {
    return s;
  }
  absl::flat_hash_map<net::MacAddr, size_t> macs;
  absl::flat_hash_map<ClientGuid, size_t> guids;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const HostRule& h = hosts[i];
    const std::string key = HostKey(h, i);
    if (h.mac.has_value() == h.guid.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": give exactly one of a MAC address or a GUID"));
    }
    if (!h.ignore && h.boot_file.empty() && h.ipxe_script.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          key, ": sets nothing (give a boot file, an iPXE script or ignore)"));
    }
    if (auto s = CheckName(absl::StrCat(key, " boot file"), h.boot_file,
                           NameKind::kTftpOrUrl, true);
        !s.ok()) {
      return s;
    }
    if (auto s = CheckName(absl::StrCat(key, " ipxe script"), h.ipxe_script,
                           NameKind::kTftpOrUrl, true);
        !s.ok()) {
      return s;
    }
    size_t first = i;
    if (h.mac) {
      first = macs.try_emplace(*h.mac, i).first->second;
    } else {
      first = guids.try_emplace(*h.guid, i).first->second;
    }
    if (first != i) {
      return absl::InvalidArgumentError(absl::StrCat(
          key, ": same host as host[", first, "]; remove one of them"));
    }
  }
  return absl::OkStatus();
}

BootSelector::BootSelector(const BootPolicy& policy) : policy_(policy) {
  for (const HostRule& h : policy_.hosts) {
    if (h.mac) by_mac_.try_emplace(*h.mac, &h);
    if (h.guid) by_guid_.try_emplace(*h.guid, &h);
  }
}

const HostRule* BootSelector::FindHost(
    const net::MacAddr& mac, const std::optional<ClientGuid>& guid) const {
  if (!by_mac_.empty()) {
    if (auto it = by_mac_.find(mac); it != by_mac_.end()) return it->second;
  }
  if (guid && !by_guid_.empty()) {
    if (auto it = by_guid_.find(*guid); it != by_guid_.end()) {
      return it->second;
    }
  }
  return nullptr;
}

BootDecision BootSelector::Select(const BootRequest& r) const {
  BootDecision d;
  d.host = FindHost(r.mac, r.guid);
  if (d.host && d.host->ignore) {
    d.outcome = BootOutcome::kIgnoredHost;
    return d;
  }
  auto pick = [&d](std::string_view name) {
    d.file = name;
    d.outcome = name.empty() ? BootOutcome::kNoFile : BootOutcome::kBoot;
    return d;
  };
  if (r.ipxe) {
    d.stage = BootStage::kIpxe;
    return pick(d.host && !d.host->ipxe_script.empty() ? d.host->ipxe_script
                                                       : policy_.ipxe_script);
  }
  const uint16_t a = r.arch;
  const bool http_arch =
      r.has_arch && (a == arch::kHttpIa32 || a == arch::kHttpX64 ||
                     a == arch::kHttpArm32 || a == arch::kHttpArm64);
  if (r.http_client || http_arch) {
    d.stage = BootStage::kHttp;
    if (d.host && IsUrl(d.host->boot_file)) return pick(d.host->boot_file);
    if (!r.has_arch) return d;  // kUnknownArch
    switch (a) {
      case arch::kHttpIa32:
      case arch::kEfiIa32:
        return pick(policy_.http.efi_ia32);
      case arch::kHttpX64:
      case arch::kEfiX64:
      case arch::kEfiBc:
        return pick(policy_.http.efi_x64);
      case arch::kHttpArm32:
      case arch::kEfiArm32:
        return pick(policy_.http.efi_arm32);
      case arch::kHttpArm64:
      case arch::kEfiArm64:
        return pick(policy_.http.efi_arm64);
    }
    return d;  // kUnknownArch
  }
  d.stage = BootStage::kFirmware;
  if (d.host && !d.host->boot_file.empty()) return pick(d.host->boot_file);
  if (!r.has_arch) return d;
  switch (a) {
    case arch::kBios:
      return pick(policy_.files.bios);
    case arch::kEfiIa32:
      return pick(policy_.files.efi_ia32);
    case arch::kEfiX64:
    case arch::kEfiBc:
      return pick(policy_.files.efi_x64);
    case arch::kEfiArm32:
      return pick(policy_.files.efi_arm32);
    case arch::kEfiArm64:
      return pick(policy_.files.efi_arm64);
  }
  return d;  // kUnknownArch
}

}  // namespace xdpxe::dhcp
