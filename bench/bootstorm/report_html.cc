// The HTML report (report.h): one self-contained page, inline SVG only (no
// scripts, no external files), readable in any browser or rendered to PNG
// with headless chromium.
//
//   - summary table per server and the ratios of xdpxe to each peer
//   - CDF of boot completion, one line per server (first round)
//   - per-machine timeline per server, phases coloured
//   - raw modes: ProxyDHCP rate steps, TFTP goodput per window
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bootstorm/report.h"

namespace xdpxe::bootstorm {

namespace {

constexpr const char* kPhaseColour[kNumPhases] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948"};
constexpr const char* kServerColour[] = {"#d62728", "#ff7f0e", "#1f77b4",
                                         "#2ca02c", "#9467bd", "#8c564b"};

std::string Esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') {
      o += "&lt;";
    } else if (c == '>') {
      o += "&gt;";
    } else if (c == '&') {
      o += "&amp;";
    } else {
      o += c;
    }
  }
  return o;
}

// A "nice" axis maximum and step for [0, v].
void NiceAxis(double v, double* max, double* step) {
  if (v <= 0) v = 1;
  double mag = std::pow(10, std::floor(std::log10(v)));
  double n = v / mag;
  double s = n <= 2 ? 0.5 : n <= 5 ? 1 : 2;
  *step = s * mag;
  *max = std::ceil(v / *step) * *step;
}

std::string XAxis(double x0, double y0, double w, double tmax, double step,
                  const char* unit) {
  std::string o;
  for (double t = 0; t <= tmax + 1e-9; t += step) {
    double x = x0 + w * t / tmax;
    absl::StrAppendFormat(&o,
                          "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' "
                          "stroke='#999'/><text x='%.1f' y='%.1f' "
                          "text-anchor='middle'>%g</text>",
                          x, y0, x, y0 + 4, x, y0 + 16, t);
  }
  absl::StrAppendFormat(&o,
                        "<text x='%.1f' y='%.1f' text-anchor='end'>%s</text>",
                        x0 + w, y0 + 30, unit);
  return o;
}

const StormRound* FirstRound(const RunReport& r, const std::string& server) {
  for (const StormRound& x : r.rounds) {
    if (x.server == server) return &x;
  }
  return nullptr;
}

std::string Cdf(const RunReport& r) {
  const double W = 860, H = 300, L = 60, T = 20;
  double tmax = 0;
  for (const StormRound& x : r.rounds) {
    for (const MachineResult& m : x.result.machines) {
      if (m.ok) tmax = std::max(tmax, m.end_s);
    }
  }
  double axis, step;
  NiceAxis(tmax, &axis, &step);
  std::string o = absl::StrFormat(
      "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
      "font-size='12' font-family='sans-serif'>",
      W + L + 20, H + T + 50);
  absl::StrAppendFormat(&o,
                        "<rect x='%.0f' y='%.0f' width='%.0f' height='%.0f' "
                        "fill='none' stroke='#ccc'/>",
                        L, T, W, H);
  for (int i = 0; i <= 4; ++i) {
    double y = T + H - H * i / 4.0;
    absl::StrAppendFormat(&o,
                          "<line x1='%.0f' y1='%.1f' x2='%.0f' y2='%.1f' "
                          "stroke='#eee'/><text x='%.0f' y='%.1f' "
                          "text-anchor='end'>%d%%</text>",
                          L, y, L + W, y, L - 6, y + 4, i * 25);
  }
  o += XAxis(L, T + H, W, axis, step, "seconds since the storm started");
  int si = 0;
  for (const ServerSummary& s : r.summaries) {
    const StormRound* x = FirstRound(r, s.server);
    if (x == nullptr) continue;
    std::vector<double> ends;
    for (const MachineResult& m : x->result.machines) {
      if (m.ok) ends.push_back(m.end_s);
    }
    std::sort(ends.begin(), ends.end());
    const char* colour = kServerColour[si % 6];
    std::string pts = absl::StrFormat("%.1f,%.1f", L, T + H);
    const double n = std::max<size_t>(1, x->result.machines.size());
    for (size_t i = 0; i < ends.size(); ++i) {
      double px = L + W * ends[i] / axis;
      absl::StrAppendFormat(&pts, " %.1f,%.1f %.1f,%.1f", px, T + H - H * i / n,
                            px, T + H - H * (i + 1) / n);
    }
    absl::StrAppendFormat(&o,
                          "<polyline points='%s' fill='none' stroke='%s' "
                          "stroke-width='2'/>",
                          pts, colour);
    // Legend bottom right, where the curves have already reached 100%.
    const double lx = L + W - 150;
    const double ly = T + H - 20 - 18.0 * (r.summaries.size() - 1);
    absl::StrAppendFormat(&o,
                          "<rect x='%.0f' y='%.0f' width='12' height='12' "
                          "fill='%s'/><text x='%.0f' y='%.0f'>%s</text>",
                          lx, ly + 18 * si, colour, lx + 18, ly + 11 + 18 * si,
                          Esc(s.server));
    ++si;
  }
  return o + "</svg>";
}

std::string Timeline(const StormRound& x, double axis, double step) {
  const auto& ms = x.result.machines;
  const double W = 860, L = 60, T = 10;
  const double row =
      std::clamp(600.0 / std::max<size_t>(1, ms.size()), 1.0, 8.0);
  const double H = row * ms.size();
  std::vector<const MachineResult*> order;
  for (const MachineResult& m : ms) order.push_back(&m);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return a->start_s != b->start_s ? a->start_s < b->start_s : a->id < b->id;
  });
  std::string o = absl::StrFormat(
      "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
      "font-size='12' font-family='sans-serif' shape-rendering='crispEdges'>",
      W + L + 20, H + T + 50);
  for (size_t i = 0; i < order.size(); ++i) {
    const MachineResult& m = *order[i];
    double y = T + row * i;
    for (int p = 0; p < kNumPhases; ++p) {
      double a = m.phase_start_s[p];
      double b = p + 1 < kNumPhases ? m.phase_start_s[p + 1] : m.end_s;
      if (b <= a) continue;
      absl::StrAppendFormat(
          &o,
          "<rect x='%.2f' y='%.2f' width='%.2f' "
          "height='%.2f' fill='%s'/>",
          L + W * a / axis, y, std::max(0.5, W * (b - a) / axis),
          std::max(1.0, row - (row > 3 ? 1 : 0)), kPhaseColour[p]);
    }
    if (!m.ok) {
      absl::StrAppendFormat(&o,
                            "<rect x='%.2f' y='%.2f' width='4' height='%.2f' "
                            "fill='#d00'/>",
                            L + W * m.end_s / axis, y, std::max(1.0, row));
    }
  }
  absl::StrAppendFormat(&o,
                        "<text x='%.0f' y='%.0f' text-anchor='end' "
                        "transform='rotate(-90 %.0f %.0f)'>machines</text>",
                        L - 10, T + H / 2, L - 10, T + H / 2);
  o += XAxis(L, T + H, W, axis, step, "seconds");
  return o + "</svg>";
}

std::string Legend() {
  std::string o = "<p class='legend'>";
  for (int p = 0; p < kNumPhases; ++p) {
    absl::StrAppendFormat(&o, "<span style='background:%s'></span>%s ",
                          kPhaseColour[p],
                          std::string(PhaseName(static_cast<Phase>(p))));
  }
  return o + "<span style='background:#d00'></span>failed</p>";
}

std::string Bars(const std::vector<std::pair<std::string, double>>& bars,
                 const char* unit, double line, const char* line_label) {
  const double W = 700, L = 170, bh = 18;
  double vmax = line;
  for (auto& b : bars) vmax = std::max(vmax, b.second);
  double axis, step;
  NiceAxis(vmax, &axis, &step);
  const double H = bars.size() * (bh + 6);
  std::string o = absl::StrFormat(
      "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
      "font-size='12' font-family='sans-serif'>",
      W + L + 40, H + 50);
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = 5 + i * (bh + 6);
    absl::StrAppendFormat(
        &o,
        "<text x='%.0f' y='%.1f' text-anchor='end'>%s</text><rect x='%.0f' "
        "y='%.1f' width='%.1f' height='%.0f' fill='%s'/><text x='%.1f' "
        "y='%.1f'>%.0f</text>",
        L - 6, y + 13, Esc(bars[i].first), L, y, W * bars[i].second / axis, bh,
        bars[i].first.rfind("xdpxe", 0) == 0 ? "#d62728" : "#1f77b4",
        L + W * bars[i].second / axis + 4, y + 13, bars[i].second);
  }
  if (line > 0) {
    double x = L + W * line / axis;
    absl::StrAppendFormat(&o,
                          "<line x1='%.1f' y1='0' x2='%.1f' y2='%.0f' "
                          "stroke='#333' stroke-dasharray='4 3'/><text "
                          "x='%.1f' y='%.0f' text-anchor='middle'>%s</text>",
                          x, x, H, x, H + 40, line_label);
  }
  o += XAxis(L, H + 2, W, axis, step, unit);
  return o + "</svg>";
}

}  // namespace

std::string HtmlReport(const RunReport& r) {
  std::string o =
      "<!doctype html><html><head><meta charset='utf-8'><title>bootstorm "
      "report</title><style>body{font-family:sans-serif;margin:24px;"
      "max-width:1000px;color:#222}table{border-collapse:collapse;font-size:"
      "13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}"
      "th{background:#f4f4f4}td:first-child{text-align:left}"
      ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px "
      "0 12px;vertical-align:middle}pre{background:#f7f7f7;padding:8px;"
      "font-size:12px;overflow-x:auto}</style></head><body>";
  absl::StrAppend(&o, "<h1>bootstorm</h1><p>", Esc(r.started_utc), " &middot; ",
                  Esc(r.host), " &middot; ", r.cpus,
                  " CPUs shared by the generator and the server</p><pre>",
                  Esc(r.command), "</pre>");
  if (!r.summaries.empty()) {
    o += "<h2>Boot storm</h2><table><tr><th>server</th><th>booted</th><th>all "
         "booted</th><th>p50</th><th>p95</th><th>p99</th>";
    for (int p = 0; p < kNumPhases; ++p) {
      absl::StrAppend(&o, "<th>", std::string(PhaseName(static_cast<Phase>(p))),
                      " p50</th>");
    }
    o += "<th>client retx</th><th>server CPU</th><th>CPU / boot</th><th>"
         "generator CPU</th></tr>";
    for (const ServerSummary& s : r.summaries) {
      absl::StrAppendFormat(&o, "<tr><td>%s</td><td>%d/%d</td><td>%s</td>",
                            Esc(s.server), s.booted, s.clients * s.rounds,
                            s.all_booted_s >= 0
                                ? absl::StrFormat("%.2f s", s.all_booted_s)
                                : "not all");
      for (double v : {s.boot_p50, s.boot_p95, s.boot_p99}) {
        absl::StrAppendFormat(&o, "<td>%.0f ms</td>", v * 1000);
      }
      for (int p = 0; p < kNumPhases; ++p) {
        absl::StrAppendFormat(&o, "<td>%.1f ms</td>", s.phase_p50[p] * 1000);
      }
      absl::StrAppendFormat(
          &o,
          "<td>%u</td><td>%.2f s</td><td>%.2f ms</td><td>%.1f s%s</td></tr>",
          s.retransmits, s.server_cpu_s, s.cpu_ms_per_boot, s.gen_cpu_s,
          s.gen_saturated_s ? " (saturated)" : "");
    }
    o += "</table>";
    o += "<h3>Boot completion (CDF)</h3>" + Cdf(r);
    // Each timeline on its own time scale (read the axis): on a shared one
    // the fastest server's phases would be a sliver.
    for (const ServerSummary& s : r.summaries) {
      const StormRound* x = FirstRound(r, s.server);
      if (x == nullptr) continue;
      double tmax = 0;
      for (const MachineResult& m : x->result.machines) {
        tmax = std::max(tmax, m.end_s);
      }
      double axis, step;
      NiceAxis(tmax, &axis, &step);
      absl::StrAppend(&o, "<h3>Per-machine timeline: ", Esc(s.server),
                      " (round 1, its own time scale)</h3>", Legend(),
                      Timeline(*x, axis, step));
    }
  }
  if (!r.dhcp_raw.empty()) {
    std::vector<std::pair<std::string, double>> bars;
    for (const DhcpRaw& d : r.dhcp_raw) {
      bars.push_back({d.server, d.max_replies_per_s});
    }
    o += "<h2>ProxyDHCP at saturation</h2>" +
         Bars(bars, "valid replies / s", 0, "");
  }
  if (!r.tftp_raw.empty()) {
    std::vector<std::pair<std::string, double>> bars;
    for (const TftpRaw& t : r.tftp_raw) {
      for (const TftpPoint& p : t.points) {
        bars.push_back(
            {absl::StrFormat("%s W=%d", t.server, p.window), p.goodput_mb_s});
      }
    }
    o += "<h2>TFTP aggregate goodput</h2>" +
         Bars(bars, "MB/s", r.baseline.udp_ceiling_mb_s, "kernel UDP ceiling");
  }
  absl::StrAppend(&o, "<h2>All figures</h2><pre>", Esc(TextReport(r)),
                  "</pre></body></html>\n");
  return o;
}

}  // namespace xdpxe::bootstorm
