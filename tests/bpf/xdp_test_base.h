// The gtest fixture of the BPF suites: the real XDP program, freshly loaded
// for each test (so counters start at zero), configured with cfg_.
//
//   class MyTest : public XdpTest {};
//   TEST_F(MyTest, X) { auto r = t_->Run(frame); ... }
#ifndef XDPXE_TESTS_BPF_XDP_TEST_BASE_H_
#define XDPXE_TESTS_BPF_XDP_TEST_BASE_H_

#include <memory>

#include "gtest/gtest.h"
#include "tests/bpf/xdp_tester.h"

namespace xdpxe::testing {

class XdpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XDPXE_NEED_ROOT();
    auto t = XdpTester::Load();
    ASSERT_TRUE(t.ok()) << t.status();
    t_ = std::move(*t);
    ASSERT_TRUE(t_->SetConfig(cfg_).ok());
  }

  struct xdpxe_config cfg_ = CaptureConfig();
  std::unique_ptr<XdpTester> t_;
};

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_BPF_XDP_TEST_BASE_H_
