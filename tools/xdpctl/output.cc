// Tables and JSON for xdpctl (see output.h).
#include "tools/xdpctl/output.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace xdpxe::xdpctl {

namespace {

std::string Flags(uint32_t f) {
  return absl::StrCat("pass-dhcp=", (f & XDPXE_F_PASS_DHCP) ? "on" : "off",
                      " pass-all=", (f & XDPXE_F_PASS_ALL) ? "on" : "off");
}

// Interface names and program names are kernel-limited to printable bytes,
// but escape anyway so the output always parses.
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string ConfigText(const io::XdpConfig& cfg) {
  return absl::StrFormat("server-ip=%s tftp-ports=%u-%u %s",
                         cfg.server_ip.ToString(), cfg.tftp_port_lo,
                         cfg.tftp_port_hi, Flags(cfg.flags));
}

std::string ConfigJson(const io::XdpConfig& cfg) {
  return absl::StrFormat(
      "{\"server_ip\":\"%s\",\"tftp_port_lo\":%u,\"tftp_port_hi\":%u,"
      "\"flags\":%u,\"pass_dhcp\":%s,\"pass_all\":%s}",
      cfg.server_ip.ToString(), cfg.tftp_port_lo, cfg.tftp_port_hi, cfg.flags,
      (cfg.flags & XDPXE_F_PASS_DHCP) ? "true" : "false",
      (cfg.flags & XDPXE_F_PASS_ALL) ? "true" : "false");
}

std::string StatusTable(const io::XdpInterfaceStatus& st) {
  std::string prog =
      st.prog_id == 0
          ? "none"
          : absl::StrFormat("%s (id %u)%s", st.prog_name, st.prog_id,
                            st.ours ? "" : "  [not xdpxe's]");
  std::string out = absl::StrFormat(
      "%-10s %s\n  ifindex   %d\n  program   %s\n  mode      %s\n"
      "  pinned    %s\n",
      st.ifname, st.ours ? "xdpxe attached" : "xdpxe not attached", st.ifindex,
      prog, st.mode,
      st.pinned ? absl::StrCat(io::kXdpPinRoot, "/", st.ifname) : "no");
  if (st.config)
    absl::StrAppend(&out, "  config    ", ConfigText(*st.config), "\n");
  return out;
}

std::string StatusJson(const io::XdpInterfaceStatus& st) {
  return absl::StrFormat(
      "{\"interface\":%s,\"ifindex\":%d,\"attached\":%s,\"prog_id\":%u,"
      "\"prog_name\":%s,\"ours\":%s,\"mode\":%s,\"pinned\":%s,\"config\":%s}",
      JsonString(st.ifname), st.ifindex, st.prog_id ? "true" : "false",
      st.prog_id, JsonString(st.prog_name), st.ours ? "true" : "false",
      JsonString(st.mode), st.pinned ? "true" : "false",
      st.config ? ConfigJson(*st.config) : "null");
}

std::string StatsTable(const std::string& ifname, const io::XdpStats& s,
                       const io::XdpStats* prev, double seconds) {
  const bool rate = prev != nullptr && seconds > 0;
  std::string out = absl::StrFormat("%s: %u steered, %u passed\n", ifname,
                                    s.steered(), s.passed());
  absl::StrAppend(&out, absl::StrFormat("  %-24s %14s %16s", "counter",
                                        "packets", "bytes"));
  if (rate) absl::StrAppend(&out, absl::StrFormat(" %12s", "pkt/s"));
  out += "\n";
  for (int i = 0; i < XDPXE_STAT_MAX; ++i) {
    const io::XdpCounter& c = s[i];
    absl::StrAppend(&out,
                    absl::StrFormat("  %-24s %14u %16u", io::XdpStatName(i),
                                    c.packets, c.bytes));
    if (rate) {
      double pps = double(c.packets - (*prev)[i].packets) / seconds;
      absl::StrAppend(&out, absl::StrFormat(" %12.0f", pps));
    }
    out += "\n";
  }
  return out;
}

std::string StatsJson(const std::string& ifname, uint32_t prog_id,
                      const io::XdpStats& s) {
  std::string out = absl::StrFormat(
      "{\"interface\":%s,\"prog_id\":%u,\"steered\":%u,\"passed\":%u,"
      "\"counters\":{",
      JsonString(ifname), prog_id, s.steered(), s.passed());
  for (int i = 0; i < XDPXE_STAT_MAX; ++i) {
    absl::StrAppend(
        &out, i ? "," : "",
        absl::StrFormat("\"%s\":{\"packets\":%u,\"bytes\":%u}",
                        io::XdpStatName(i), s[i].packets, s[i].bytes));
  }
  return out + "}}";
}

}  // namespace xdpxe::xdpctl
