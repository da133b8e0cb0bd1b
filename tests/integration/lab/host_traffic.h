// Checks that a host's ordinary traffic works: a TCP echo of `bytes` and
// an ordinary UDP service (echo of `datagrams` datagrams), both served
// from `server` (threads moved into its namespace) to `client`. Used to
// show the XDP program passes what is not ours, also with no xdpxe
// process running (XDP_PASS fallback).
//
//   EXPECT_TRUE(lab::CheckHostTraffic(srv, cli).ok());
#ifndef XDPXE_TESTS_INTEGRATION_LAB_HOST_TRAFFIC_H_
#define XDPXE_TESTS_INTEGRATION_LAB_HOST_TRAFFIC_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "tests/integration/lab/lab.h"

namespace xdpxe::lab {

struct HostTrafficOptions {
  uint16_t tcp_port = 8080;
  uint16_t udp_port = 5353;
  size_t bytes = 256 * 1024;
  int datagrams = 20;
};

absl::Status CheckHostTraffic(const Host& server, const Host& client,
                              HostTrafficOptions opts = {});

}  // namespace xdpxe::lab

#endif  // XDPXE_TESTS_INTEGRATION_LAB_HOST_TRAFFIC_H_
