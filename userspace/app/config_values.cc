// Value parsers shared by the config file and the command line.
#include "userspace/app/config_values.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace xdpxe::app {

std::string ParseNumber(absl::string_view v, uint64_t lo, uint64_t hi,
                        uint64_t* out) {
  uint64_t n;
  if (v.empty() || !absl::ascii_isdigit(v[0]) || !absl::SimpleAtoi(v, &n)) {
    return absl::StrCat("not a number: \"", v, "\"");
  }
  if (n < lo || n > hi) {
    return absl::StrCat("out of range: ", n, " (", lo, "..", hi, ")");
  }
  *out = n;
  return "";
}

std::string ParseSize(absl::string_view v, uint64_t lo, uint64_t* out) {
  absl::string_view digits = v;
  uint64_t mult = 1;
  if (!digits.empty()) {
    switch (absl::ascii_toupper(digits.back())) {
      case 'K':
        mult = 1ull << 10;
        break;
      case 'M':
        mult = 1ull << 20;
        break;
      case 'G':
        mult = 1ull << 30;
        break;
    }
    if (mult != 1) digits.remove_suffix(1);
  }
  uint64_t n;
  if (digits.empty() || !absl::ascii_isdigit(digits[0]) ||
      !absl::SimpleAtoi(digits, &n)) {
    return absl::StrCat("not a size (bytes, or with K/M/G): \"", v, "\"");
  }
  if (n > (uint64_t{1} << 40) / mult) return absl::StrCat("too big: ", v);
  if (n * mult < lo) {
    return absl::StrCat("too small: ", v, " (at least ", lo, " bytes)");
  }
  *out = n * mult;
  return "";
}

std::string ParseMillis(absl::string_view v, uint32_t lo_ms, uint32_t hi_ms,
                        uint32_t* out) {
  absl::Duration d;
  uint64_t secs;
  if (!v.empty() && absl::ascii_isdigit(v[0]) && absl::SimpleAtoi(v, &secs)) {
    d = absl::Seconds(secs);
  } else if (v.empty() || !absl::ascii_isdigit(v[0]) ||
             !absl::ParseDuration(std::string(v), &d)) {
    return absl::StrCat("not a duration (e.g. 2s, 500ms): \"", v, "\"");
  }
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms < lo_ms || ms > hi_ms) {
    return absl::StrCat("out of range: ", v, " (", lo_ms, "ms..", hi_ms, "ms)");
  }
  *out = static_cast<uint32_t>(ms);
  return "";
}

std::optional<bool> ParseBool(absl::string_view v) {
  std::string l = absl::AsciiStrToLower(v);
  if (l == "yes" || l == "true" || l == "on" || l == "1") return true;
  if (l == "no" || l == "false" || l == "off" || l == "0") return false;
  return std::nullopt;
}

std::string ParsePortRange(absl::string_view v, uint16_t* lo, uint16_t* hi) {
  std::vector<absl::string_view> parts = absl::StrSplit(v, ',');
  if (parts.size() != 2) {
    return absl::StrCat("expected LOW,HIGH (e.g. 61000,65535): \"", v, "\"");
  }
  uint64_t a, b;
  for (auto [text, out] : {std::pair{parts[0], &a}, std::pair{parts[1], &b}}) {
    std::string err =
        ParseNumber(absl::StripAsciiWhitespace(text), 1024, 65535, out);
    if (!err.empty()) return err;
  }
  if (a > b) return absl::StrCat("low port above high port: \"", v, "\"");
  *lo = static_cast<uint16_t>(a);
  *hi = static_cast<uint16_t>(b);
  return "";
}

std::string ParseListenAddress(absl::string_view v, ListenAddress* out) {
  ListenAddress la{net::Ipv4Addr::FromOctets(127, 0, 0, 1), 0};
  absl::string_view port = v;
  size_t colon = v.rfind(':');
  if (colon != absl::string_view::npos) {
    absl::string_view host = v.substr(0, colon);
    auto a = net::Ipv4Addr::Parse(std::string_view(host.data(), host.size()));
    if (!a) return absl::StrCat("not an IPv4 address: \"", host, "\"");
    la.addr = *a;
    port = v.substr(colon + 1);
  }
  uint64_t p;
  std::string err = ParseNumber(port, 1, 65535, &p);
  if (!err.empty()) return absl::StrCat("bad port: ", err);
  la.port = static_cast<uint16_t>(p);
  if (out) *out = la;
  return "";
}

std::string CheckHttpUrl(absl::string_view v) {
  absl::string_view rest = v;
  if (!absl::ConsumePrefix(&rest, "http://") &&
      !absl::ConsumePrefix(&rest, "https://")) {
    return absl::StrCat("not an http:// or https:// URL: \"", v, "\"");
  }
  absl::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty()) return absl::StrCat("URL has no host: \"", v, "\"");
  for (char c : v) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return absl::StrCat("URL has spaces or control characters: \"", v, "\"");
    }
  }
  return "";
}

std::string CheckBootFileName(absl::string_view v) {
  if (absl::StartsWith(v, "/")) {
    return absl::StrCat("must be relative to tftp-root: \"", v, "\"");
  }
  for (absl::string_view part : absl::StrSplit(v, '/')) {
    if (part == "..")
      return absl::StrCat("must not contain \"..\": \"", v, "\"");
  }
  for (char c : v) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) {
      return "contains control characters";
    }
  }
  if (v.size() > 127) return "longer than the 128-byte BOOTP file field";
  return "";
}

std::optional<std::array<uint8_t, 16>> ParseUuid(absl::string_view v) {
  absl::ConsumePrefix(&v, "uuid:");
  if (v.size() != 36) return std::nullopt;
  std::array<uint8_t, 16> u{};
  size_t n = 0;
  for (size_t i = 0; i < v.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (v[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = absl::ascii_isxdigit(v[i]) ? 0 : -1;
    int lo = absl::ascii_isxdigit(v[i + 1]) ? 0 : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    auto val = [](char c) {
      return absl::ascii_isdigit(c) ? c - '0'
                                    : absl::ascii_tolower(c) - 'a' + 10;
    };
    u[n++] = static_cast<uint8_t>(val(v[i]) << 4 | val(v[i + 1]));
    i += 2;
  }
  return u;
}

std::string UuidToString(const std::array<uint8_t, 16>& u) {
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
      u[12], u[13], u[14], u[15]);
}

std::string ParseHostRule(absl::string_view v, HostRule* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(v, ',');
  absl::string_view who = absl::StripAsciiWhitespace(parts[0]);
  HostRule rule;
  if (auto mac = net::MacAddr::Parse(std::string_view(who.data(), who.size()));
      mac && !absl::StartsWith(who, "uuid:")) {
    rule.mac = *mac;
  } else if (auto uuid = ParseUuid(who)) {
    rule.uuid = *uuid;
  } else {
    return absl::StrCat("not a MAC or uuid:UUID: \"", who,
                        "\" (host=52:54:00:12:34:56,boot=FILE or "
                        "host=uuid:UUID,script=URL)");
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view part = absl::StripAsciiWhitespace(parts[i]);
    absl::string_view val = part;
    if (part == "ignore") {
      rule.ignore = true;
    } else if (absl::ConsumePrefix(&val, "name=")) {
      rule.name = std::string(val);
    } else if (absl::ConsumePrefix(&val, "boot=")) {
      std::string err = absl::StartsWith(val, "http") ? CheckHttpUrl(val)
                                                      : CheckBootFileName(val);
      if (!err.empty()) return absl::StrCat("boot=: ", err);
      if (val.empty()) return "boot= is empty";
      rule.boot_file = std::string(val);
    } else if (absl::ConsumePrefix(&val, "script=")) {
      std::string err = absl::StartsWith(val, "http") ? CheckHttpUrl(val)
                                                      : CheckBootFileName(val);
      if (!err.empty()) return absl::StrCat("script=: ", err);
      if (val.empty()) return "script= is empty";
      rule.script = std::string(val);
    } else {
      return absl::StrCat("unknown host option \"", part,
                          "\" (boot=, script=, name= or ignore)");
    }
  }
  if (!rule.ignore && rule.boot_file.empty() && rule.script.empty()) {
    return "says nothing to do: add boot=FILE, script=NAME|URL or ignore";
  }
  *out = std::move(rule);
  return "";
}

}  // namespace xdpxe::app
