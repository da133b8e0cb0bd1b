// autoexec.ipxe fetch against a local HTTP server on 127.0.0.1 (an
// ephemeral port): good, 404, not a script, too big, 500, timeout, bad URL,
// DNS, redirects; and the start-up retry + fall-back to the persisted copy.
#include "userspace/app/autoexec.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/app/http_fixture.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/sha256.h"

namespace xdpxe::app {
namespace {

using ::testing::HasSubstr;
using testing::HttpFixture;
using ::testing::StartsWith;

constexpr char kGood[] = "#!ipxe\necho XDPXE-AUTOEXEC-OK\nshell\n";

class AutoexecTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(http_.ok()) << "http_fixture.py"; }
  static void SetUpTestSuite() {}
  std::string Msg(const absl::Status& s) { return std::string(s.message()); }
  HttpFixture http_;
};

TEST_F(AutoexecTest, Good) {
  absl::StatusOr<std::string> s = FetchScript(http_.Url("/good.ipxe"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s, kGood);
}

TEST_F(AutoexecTest, FollowsRedirect) {
  absl::StatusOr<std::string> s = FetchScript(http_.Url("/redirect"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s, kGood);
}

TEST_F(AutoexecTest, Http404) {
  std::string url = http_.Url("/missing.ipxe");
  absl::Status st = FetchScript(url, {}).status();
  EXPECT_TRUE(absl::IsNotFound(st)) << st;
  EXPECT_EQ(Msg(st), absl::StrCat(url, ": HTTP 404 (no such file)"));
  EXPECT_FALSE(IsRetryable(st));
}

TEST_F(AutoexecTest, Http500IsRetryable) {
  absl::Status st = FetchScript(http_.Url("/500"), {}).status();
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  EXPECT_THAT(Msg(st), HasSubstr("HTTP 500"));
  EXPECT_TRUE(IsRetryable(st));
}

TEST_F(AutoexecTest, NotAScript) {
  absl::Status st = FetchScript(http_.Url("/html"), {}).status();
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(Msg(st), HasSubstr("not an iPXE script"));
  EXPECT_THAT(Msg(st), HasSubstr("<!DOCTYPE html>"));
}

TEST_F(AutoexecTest, TooBig) {
  FetchOptions opts;
  opts.max_bytes = 64 << 10;
  absl::Status st = FetchScript(http_.Url("/big"), opts).status();
  EXPECT_TRUE(absl::IsResourceExhausted(st)) << st;
  EXPECT_THAT(Msg(st), HasSubstr("too big"));
  EXPECT_THAT(Msg(st), HasSubstr("65536 bytes"));
}

TEST_F(AutoexecTest, Timeout) {
  FetchOptions opts;
  opts.timeout = absl::Milliseconds(300);
  absl::Status st = FetchScript(http_.Url("/slow"), opts).status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(st)) << st;
  EXPECT_THAT(Msg(st), HasSubstr("timed out"));
  EXPECT_TRUE(IsRetryable(st));
}

TEST(AutoexecUrlTest, BadUrls) {
  for (const char* url : {"ftp://h/x", "file:///etc/passwd", "http://", "x"}) {
    absl::Status st = FetchScript(url, {}).status();
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << url << ": " << st;
    EXPECT_THAT(std::string(st.message()), StartsWith(url));
    EXPECT_THAT(std::string(st.message()), HasSubstr("bad URL"));
  }
}

TEST(AutoexecUrlTest, ConnectionRefused) {
  // Port 9 on loopback: nothing listens there on a test machine.
  absl::Status st = FetchScript("http://127.0.0.1:9/a.ipxe", {}).status();
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("cannot connect"));
}

TEST(AutoexecUrlTest, DnsFailure) {
  FetchOptions opts;
  opts.timeout = absl::Seconds(5);
  absl::Status st =
      FetchScript("http://no-such-host.invalid/a.ipxe", opts).status();
  // Resolver reachable: NXDOMAIN (Unavailable); no resolver at all: the
  // timeout. Either way a clear, retryable error.
  EXPECT_TRUE(IsRetryable(st)) << st;
  EXPECT_THAT(
      std::string(st.message()),
      ::testing::AnyOf(HasSubstr("cannot resolve"), HasSubstr("timed out")));
}

class AutoexecInstallTest : public AutoexecTest {
 protected:
  xdpxe::testing::ScopedTempDir tmp_;
  std::string dir_ = tmp_.path();
  StateDir state_{dir_ + "/state"};
  ScriptStore store_{state_, ""};
  std::vector<absl::Duration> sleeps_;
  RetryPolicy Policy(int attempts) {
    RetryPolicy p;
    p.max_attempts = attempts;
    p.sleep = [this](absl::Duration d) { sleeps_.push_back(d); };
    return p;
  }
};

TEST_F(AutoexecInstallTest, FailureLeavesLiveScriptAndSaysSo) {
  ASSERT_TRUE(store_.Install("#!ipxe\necho old\n", "edit").ok());
  for (const char* path : {"/missing", "/html", "/big"}) {
    FetchOptions opts;
    opts.max_bytes = 4096;
    absl::Status st = FetchAndInstall(http_.Url(path), opts, store_).status();
    EXPECT_FALSE(st.ok());
    EXPECT_THAT(Msg(st), HasSubstr("; the live script is unchanged")) << path;
    EXPECT_EQ(*ReadFileToString(state_.ScriptPath()), "#!ipxe\necho old\n");
  }
}

TEST_F(AutoexecInstallTest, StartupFetchInstalls) {
  absl::StatusOr<ScriptInfo> live =
      FetchAtStartup(http_.Url("/good.ipxe"), {}, Policy(3), store_);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(live->sha256, Sha256Hex(kGood));
  EXPECT_EQ(live->source, absl::StrCat("url=", http_.Url("/good.ipxe")));
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(AutoexecInstallTest, StartupRetriesThenFallsBack) {
  ASSERT_TRUE(store_.Install("#!ipxe\necho persisted\n", "edit").ok());
  absl::StatusOr<ScriptInfo> live =
      FetchAtStartup("http://127.0.0.1:9/a.ipxe", {}, Policy(4), store_);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(live->sha256, Sha256Hex("#!ipxe\necho persisted\n"));
  // Bounded: attempts-1 sleeps, doubling.
  EXPECT_THAT(sleeps_,
              ::testing::ElementsAre(absl::Seconds(1), absl::Seconds(2),
                                     absl::Seconds(4)));
}

TEST_F(AutoexecInstallTest, StartupDoesNotRetryPermanentErrors) {
  absl::Status st =
      FetchAtStartup(http_.Url("/missing"), {}, Policy(4), store_).status();
  EXPECT_TRUE(absl::IsNotFound(st));
  EXPECT_THAT(Msg(st), HasSubstr("no persisted autoexec.ipxe"));
  EXPECT_TRUE(sleeps_.empty());
}

}  // namespace
}  // namespace xdpxe::app
