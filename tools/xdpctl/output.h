// Rendering for xdpctl: tables for people, JSON for programs. Pure functions
// of the loader's structs, so tests can check them without a kernel.
//
//   std::cout << xdpctl::StatsTable(ifname, stats, /*prev=*/nullptr, 0);
//   std::cout << xdpctl::StatsJson(ifname, prog_id, stats) << "\n";
#ifndef XDPXE_TOOLS_XDPCTL_OUTPUT_H_
#define XDPXE_TOOLS_XDPCTL_OUTPUT_H_

#include <string>

#include "userspace/io/xdp_loader.h"

namespace xdpxe::xdpctl {

std::string ConfigText(const io::XdpConfig& cfg);  // "server-ip=... ..."
std::string ConfigJson(const io::XdpConfig& cfg);

std::string StatusTable(const io::XdpInterfaceStatus& st);
std::string StatusJson(const io::XdpInterfaceStatus& st);

// One table of every counter; with `prev` and `seconds` > 0 a rate column.
std::string StatsTable(const std::string& ifname, const io::XdpStats& s,
                       const io::XdpStats* prev, double seconds);
std::string StatsJson(const std::string& ifname, uint32_t prog_id,
                      const io::XdpStats& s);

}  // namespace xdpxe::xdpctl

#endif  // XDPXE_TOOLS_XDPCTL_OUTPUT_H_
