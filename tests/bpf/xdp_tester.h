// Runs the real XDP program (the skeleton of bpf/xdpxe_xdp.bpf.c) on frames
// through bpf_prog_test_run_opts, as katran's BPF tester does, and reports
// the verdict and which per-CPU counter moved. Also the userspace model of
// the steering rules (net::ParseUdpFrame + dhcp::ClassifyBootRequest + the
// port/address rules) that the program must agree with.
//
//   XDPXE_ASSIGN_OR_RETURN(auto t, XdpTester::Load());
//   t->SetConfig(TestConfig());
//   auto r = t->Run(frame);            // r->action == XDP_PASS, r->stat == ...
//   EXPECT_EQ(r->stat, ModelVerdict(frame, TestConfig()));
#ifndef XDPXE_TESTS_BPF_XDP_TESTER_H_
#define XDPXE_TESTS_BPF_XDP_TESTER_H_

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bpf/xdpxe_shared.h"
#include "userspace/net/addr.h"

struct xdpxe_xdp;

// BPF tests need root: skip only when not root and not in CI (CI=true makes
// a missing privilege a failure, so CI cannot silently skip them).
#define XDPXE_NEED_ROOT()                                     \
  do {                                                        \
    if (geteuid() != 0) {                                     \
      const char* ci = getenv("CI");                          \
      if (ci == nullptr || std::string_view(ci) != "true")    \
        GTEST_SKIP() << "needs root (bpf_prog_test_run)";     \
      FAIL() << "needs root (bpf_prog_test_run) and CI=true"; \
    }                                                         \
  } while (0)

namespace xdpxe::testing {

// 198.18.0.1 (the captures' ProxyDHCP/TFTP server); dnsmasq served the
// captured transfers from the host's ephemeral range, so the range covers it.
struct xdpxe_config CaptureConfig();

class XdpTester {
 public:
  struct Result {
    int action = -1;         // XDP_PASS, XDP_REDIRECT, ...
    int stat = -1;           // the verdict counter that moved (enum xdpxe_stat)
    bool no_socket = false;  // STEER_NO_SOCKET moved too
    int moved = 0;           // how many verdict counters moved (must be 1)
    uint64_t bytes = 0;      // bytes added to the verdict counter
  };

  static absl::StatusOr<std::unique_ptr<XdpTester>> Load();
  ~XdpTester();

  absl::Status SetConfig(const struct xdpxe_config& cfg);
  absl::StatusOr<Result> Run(std::span<const uint8_t> frame);
  // Average ns per run over `repeat` runs in the kernel (opts.duration).
  absl::StatusOr<uint32_t> NsPerPacket(std::span<const uint8_t> frame,
                                       int repeat);
  absl::StatusOr<std::array<struct xdpxe_counter, XDPXE_STAT_MAX>> Counters();
  // Largest frame the (non-frags) program sees whole: a page minus XDP
  // headroom and skb_shared_info. Resets the config to CaptureConfig().
  size_t MaxFrameLen();
  int prog_fd() const;
  // Instructions the verifier processed to accept the program.
  uint32_t verified_insns() const;

 private:
  XdpTester() = default;
  struct xdpxe_xdp* skel_ = nullptr;
  int ncpus_ = 0;
};

// What the program must decide for `frame`, from the userspace parsers.
int ModelVerdict(std::span<const uint8_t> frame,
                 const struct xdpxe_config& cfg);

// A BOOTREQUEST (op 1, htype 1, hlen 6, magic cookie) followed by `options`
// verbatim.
std::vector<uint8_t> BootRequest(std::span<const uint8_t> options);
// Option bytes: code, len, data.
std::vector<uint8_t> Opt(uint8_t code, std::string_view data);

// Frame `index` (1-based) of tests/fixtures/<pcap>.
std::vector<uint8_t> CaptureFrame(const std::string& pcap, int index);

// "steer_dhcp_pxe", ... for messages.
std::string StatName(int stat);

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_BPF_XDP_TESTER_H_
