// Config file parser: a table of keys, each with a setter that parses its
// value into Settings, then cross-key checks. See config.h.
#include "userspace/app/config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "userspace/app/config_values.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::app {

const char* BackendName(BackendKind b) {
  return b == BackendKind::kXdp ? "xdp" : "socket";
}
const char* XdpModeName(XdpModeKind m) {
  return m == XdpModeKind::kNative ? "native" : "generic";
}

namespace {

// A setter returns "" on success or what is wrong with the value.
using Setter = std::function<std::string(absl::string_view, Settings&)>;

struct Key {
  const char* name;
  Setter set;
};

Setter String(std::string Settings::*field) {
  return [field](absl::string_view v, Settings& s) {
    s.*field = std::string(v);
    return std::string();
  };
}

Setter FileName(std::string Settings::*field) {
  return [field](absl::string_view v, Settings& s) {
    std::string err = CheckBootFileName(v);
    if (err.empty()) s.*field = std::string(v);
    return err;
  };
}

template <typename T>
Setter Number(T Settings::*field, uint64_t lo, uint64_t hi) {
  return [field, lo, hi](absl::string_view v, Settings& s) {
    uint64_t n;
    std::string err = ParseNumber(v, lo, hi, &n);
    if (err.empty()) s.*field = static_cast<T>(n);
    return err;
  };
}

Setter Size(uint64_t Settings::*field, uint64_t lo) {
  return [field, lo](absl::string_view v, Settings& s) {
    uint64_t n;
    std::string err = ParseSize(v, lo, &n);
    if (err.empty()) s.*field = n;
    return err;
  };
}

Setter Millis(uint32_t Settings::*field, uint32_t lo_ms, uint32_t hi_ms) {
  return [field, lo_ms, hi_ms](absl::string_view v, Settings& s) {
    uint32_t ms;
    std::string err = ParseMillis(v, lo_ms, hi_ms, &ms);
    if (err.empty()) s.*field = ms;
    return err;
  };
}

Setter Seconds(uint32_t Settings::*field, uint32_t lo_s, uint32_t hi_s) {
  return [field, lo_s, hi_s](absl::string_view v, Settings& s) {
    uint32_t ms;
    std::string err = ParseMillis(v, lo_s * 1000, hi_s * 1000, &ms);
    if (err.empty()) s.*field = (ms + 999) / 1000;
    return err;
  };
}

Setter Bool(bool Settings::*field) {
  return [field](absl::string_view v, Settings& s) {
    std::optional<bool> b = ParseBool(v);
    if (!b) return absl::StrCat("not yes/no: \"", v, "\"");
    s.*field = *b;
    return std::string();
  };
}

// One of a few words, e.g. backend=xdp|socket.
template <typename T>
Setter Enum(T Settings::*field, std::vector<std::pair<const char*, T>> words) {
  return [field, words](absl::string_view v, Settings& s) {
    std::string names;
    for (const auto& [word, value] : words) {
      if (v == word) {
        s.*field = value;
        return std::string();
      }
      absl::StrAppend(&names, names.empty() ? "" : " or ", word);
    }
    return absl::StrCat("not ", names, ": \"", v, "\"");
  };
}

Setter Unicast(std::optional<net::Ipv4Addr> Settings::*field) {
  return [field](absl::string_view v, Settings& s) {
    std::optional<net::Ipv4Addr> a =
        net::Ipv4Addr::Parse(std::string_view(v.data(), v.size()));
    if (!a || a->IsAny() || a->IsBroadcast()) {
      return absl::StrCat("not a unicast IPv4 address: \"", v, "\"");
    }
    s.*field = *a;
    return std::string();
  };
}

Setter Url(std::string Settings::*field, bool allow_empty) {
  return [field, allow_empty](absl::string_view v, Settings& s) {
    if (v.empty() && allow_empty) {
      s.*field = "";
      return std::string();
    }
    std::string err = CheckHttpUrl(v);
    if (err.empty()) s.*field = std::string(v);
    return err;
  };
}

const std::vector<Key>& Keys() {
  static const auto* keys = new std::vector<Key>{
      {"interface", String(&Settings::interface)},
      {"listen-address", Unicast(&Settings::listen_address)},
      {"backend", Enum(&Settings::backend, {{"xdp", BackendKind::kXdp},
                                            {"socket", BackendKind::kSocket}})},
      {"socket-fallback", Bool(&Settings::socket_fallback)},
      {"xdp-mode",
       Enum(&Settings::xdp_mode, {{"native", XdpModeKind::kNative},
                                  {"generic", XdpModeKind::kGeneric}})},
      {"boot-bios", FileName(&Settings::boot_bios)},
      {"boot-efi-ia32", FileName(&Settings::boot_ia32)},
      {"boot-efi-x64", FileName(&Settings::boot_x64)},
      {"boot-efi-arm32", FileName(&Settings::boot_arm32)},
      {"boot-efi-arm64", FileName(&Settings::boot_arm64)},
      {"http-boot-ia32", Url(&Settings::http_boot_ia32, true)},
      {"http-boot-x64", Url(&Settings::http_boot_x64, true)},
      {"http-boot-arm32", Url(&Settings::http_boot_arm32, true)},
      {"http-boot-arm64", Url(&Settings::http_boot_arm64, true)},
      {"ipxe-script",
       [](absl::string_view v, Settings& s) {
         std::string err =
             absl::StartsWith(v, "http://") || absl::StartsWith(v, "https://")
                 ? CheckHttpUrl(v)
                 : CheckBootFileName(v);
         if (err.empty() && v.empty()) err = "must not be empty";
         if (err.empty()) s.ipxe_script = std::string(v);
         return err;
       }},
      {"host",
       [](absl::string_view v, Settings& s) {
         HostRule rule;
         std::string err = ParseHostRule(v, &rule);
         if (err.empty()) s.hosts.push_back(std::move(rule));
         return err;
       }},
      {"tftp-server", Unicast(&Settings::tftp_server)},
      {"server-name",
       [](absl::string_view v, Settings& s) {
         if (v.size() > 63) return std::string("longer than 63 bytes");
         s.server_name = std::string(v);
         return std::string();
       }},
      {"uefi-file-in-offer", Bool(&Settings::uefi_file_in_offer)},
      {"tftp-root",
       [](absl::string_view v, Settings& s) {
         if (!absl::StartsWith(v, "/")) {
           return absl::StrCat("not an absolute path: \"", v, "\"");
         }
         s.tftp_root = std::string(v);
         return std::string();
       }},
      {"tftp-port-range",
       [](absl::string_view v, Settings& s) {
         return ParsePortRange(v, &s.tftp_port_lo, &s.tftp_port_hi);
       }},
      // RFC 2348 allows 8..65464, but the cap is at least 576 (the IPv4
      // minimum MTU) - 32; RFC 7440: 1..65535.
      {"tftp-blksize-max", Number(&Settings::tftp_blksize_max, 544, 65464)},
      {"tftp-window-max", Number(&Settings::tftp_window_max, 1, 65535)},
      {"tftp-max-transfers", Number(&Settings::tftp_max_transfers, 1, 1000000)},
      {"tftp-max-per-client", Number(&Settings::tftp_max_per_client, 1, 1024)},
      {"tftp-timeout", Millis(&Settings::tftp_timeout_ms, 10, 255000)},
      {"tftp-retries", Number(&Settings::tftp_retries, 0, 100)},
      {"autoexec-url", Url(&Settings::autoexec_url, /*allow_empty=*/true)},
      {"autoexec-timeout", Seconds(&Settings::autoexec_timeout_s, 1, 3600)},
      {"autoexec-max-size", Size(&Settings::autoexec_max_bytes, 16)},
      {"log-file", String(&Settings::log_file)},
      {"log-max-size", Size(&Settings::log_max_bytes, 4096)},
      {"log-keep", Number(&Settings::log_keep, 1, 100)},
      {"metrics-listen",
       [](absl::string_view v, Settings& s) {
         if (v.empty() || v == "off") {
           s.metrics_listen.clear();
           return std::string();
         }
         std::string err = ParseListenAddress(v, nullptr);
         if (err.empty()) s.metrics_listen = std::string(v);
         return err;
       }},
      {"control-socket",
       [](absl::string_view v, Settings& s) {
         if (!absl::StartsWith(v, "/")) {
           return absl::StrCat("not an absolute path: \"", v, "\"");
         }
         s.control_socket = std::string(v);
         return std::string();
       }},
  };
  return *keys;
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string Suggest(absl::string_view key) {
  const char* best = nullptr;
  size_t best_d = 3;  // only close misspellings
  for (const Key& k : Keys()) {
    size_t d = EditDistance(key, k.name);
    if (d < best_d) {
      best_d = d;
      best = k.name;
    }
  }
  return best ? absl::StrCat(" (did you mean ", best, "?)") : "";
}

// Strips a trailing " # comment" that is outside double quotes; a '#' glued
// to the value (a URL fragment) stays.
absl::string_view StripComment(absl::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted &&
        (i == 0 || absl::ascii_isspace(line[i - 1]))) {
      return line.substr(0, i);
    }
  }
  return line;
}

// Problems beyond this are summarised; one edit usually fixes a handful.
constexpr size_t kMaxErrors = 20;

}  // namespace

std::vector<std::string> ConfigKeyNames() {
  std::vector<std::string> names;
  for (const Key& k : Keys()) names.push_back(k.name);
  return names;
}

absl::StatusOr<Settings> ParseConfig(absl::string_view text,
                                     absl::string_view filename) {
  Settings s;
  std::vector<std::string> errors;
  absl::flat_hash_map<std::string, int> seen;  // key → first line
  absl::flat_hash_map<std::string, const Key*> by_name;
  for (const Key& k : Keys()) by_name[k.name] = &k;
  auto error = [&](int line, absl::string_view key, absl::string_view what) {
    errors.push_back(
        key.empty() ? absl::StrCat(filename, ":", line, ": ", what)
                    : absl::StrCat(filename, ":", line, ": ", key, ": ", what));
  };

  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(StripComment(raw));
    if (line.empty()) continue;
    size_t eq = line.find('=');
    absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    absl::string_view value =
        eq == absl::string_view::npos
            ? absl::string_view()
            : absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    auto it = by_name.find(key);
    if (it == by_name.end()) {
      if (key.empty()) {
        error(line_no, "",
              absl::StrCat("expected key=value, got \"", line, "\""));
      } else {
        error(line_no, key, absl::StrCat("unknown key", Suggest(key)));
      }
      continue;
    }
    if (eq == absl::string_view::npos) {
      error(line_no, key, "expected key=value (no '=')");
      continue;
    }
    if (key != "host") {
      auto [first, inserted] = seen.try_emplace(std::string(key), line_no);
      if (!inserted) {
        error(line_no, key,
              absl::StrCat("already set on line ", first->second,
                           " (only host= may repeat)"));
        continue;
      }
    }
    std::string err = it->second->set(value, s);
    if (!err.empty()) {
      error(line_no, key, err);
    } else if (key == "host") {
      s.hosts.back().line = line_no;
    }
  }

  // Cross-key checks, reported at the line of the later key.
  for (size_t i = 0; i < s.hosts.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const HostRule& a = s.hosts[j];
      const HostRule& b = s.hosts[i];
      if ((a.mac && a.mac == b.mac) || (a.uuid && a.uuid == b.uuid)) {
        error(b.line, "host",
              absl::StrCat("same client as line ", a.line,
                           " (one host= line per client)"));
      }
    }
  }
  if (s.tftp_port_lo <= 69 && s.tftp_port_hi >= 69) {
    error(seen.contains("tftp-port-range") ? seen["tftp-port-range"] : 0,
          "tftp-port-range", "must not include port 69");
  }

  if (errors.empty()) return s;
  if (errors.size() > kMaxErrors) {
    size_t more = errors.size() - kMaxErrors;
    errors.resize(kMaxErrors);
    errors.push_back(absl::StrCat("(", more, " more problems not shown)"));
  }
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
}

absl::StatusOr<Settings> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoToStatus(errno, absl::StrCat("config ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return ErrnoToStatus(errno, absl::StrCat("read ", path));
  return ParseConfig(text.str(), path);
}

}  // namespace xdpxe::app
