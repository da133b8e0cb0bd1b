// The HTML report (report.h): stub until the SVG charts land.
#include "bench/bootstorm/report.h"

namespace xdpxe::bootstorm {

std::string HtmlReport(const RunReport& r) {
  return "<!doctype html><pre>" + TextReport(r) + "</pre>";
}

}  // namespace xdpxe::bootstorm
