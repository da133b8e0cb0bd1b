// Boot event log: the logfmt format, quoting round trip, size rotation
// keeping N files, and following across rotation and truncation.
#include "userspace/app/event_log.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/log_follow.h"

namespace xdpxe::app {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

absl::Time T0() { return absl::FromUnixMillis(1796306415123); }

TEST(BootEventTest, Format) {
  BootEvent e(kEvTftpDone, T0());
  e.Mac(*net::MacAddr::Parse("52:54:00:18:00:07"))
      .Ip(net::Ipv4Addr::FromOctets(198, 18, 40, 152))
      .Arch(7)
      .Add("file", "snp_x64.efi")
      .Add("bytes", 173792)
      .Add("blksize", 1468)
      .Add("window", 4)
      .Add("duration_ms", 21)
      .Add("retransmits", 0);
  EXPECT_EQ(e.Format(),
            "time=2026-12-03T14:00:15.123Z event=tftp-done "
            "mac=52:54:00:18:00:07 ip=198.18.40.152 arch=7 arch_name=x64-uefi "
            "file=snp_x64.efi bytes=173792 blksize=1468 window=4 "
            "duration_ms=21 retransmits=0");
}

// The per-second cache of the time prefix, against absl's formatter, across
// second boundaries and back in time (two events of one second may be
// formatted out of order).
TEST(BootEventTest, TimeMatchesAbslAcrossSecondsAndBackwards) {
  const absl::Time t0 = T0();
  for (int64_t ms : {0, 1, 876, 877, 1001, -1, -124, 61000, 5, 86400000, 876}) {
    const absl::Time t = t0 + absl::Milliseconds(ms);
    const std::string want = absl::StrCat(
        "time=",
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()),
        " event=x");
    EXPECT_EQ(BootEvent("x", t).Format(), want) << ms;
  }
}

TEST(BootEventTest, QuotingRoundTrips) {
  BootEvent e("no-reply", T0());
  e.Add("reason", "unknown arch \"42\"").Add("empty", "").Add("eq", "a=b");
  e.Add("nl", "x\ny").Add("bs", "a\\b");
  std::string line = e.Format();
  EXPECT_THAT(line, ::testing::HasSubstr("reason=\"unknown arch \\\"42\\\"\""));
  EXPECT_THAT(line, ::testing::HasSubstr("empty=\"\""));
  auto kv = ParseLogfmt(line);
  EXPECT_THAT(kv, ElementsAre(Pair("time", "2026-12-03T14:00:15.123Z"),
                              Pair("event", "no-reply"),
                              Pair("reason", "unknown arch \"42\""),
                              Pair("empty", ""), Pair("eq", "a=b"),
                              Pair("nl", "x\ny"), Pair("bs", "a\\b")));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(BootEventTest, ArchNames) {
  EXPECT_EQ(ArchName(0), "bios");
  EXPECT_EQ(ArchName(9), "x64-uefi");
  EXPECT_EQ(ArchName(11), "arm64-uefi");
  EXPECT_EQ(ArchName(16), "x64-http");
  EXPECT_EQ(ArchName(42), "arch-42");
}

class LogFileTest : public ::testing::Test {
 protected:
  std::string Read(const std::string& p) {
    auto s = ReadFileToString(p);
    return s.ok() ? *s : "";
  }
  xdpxe::testing::ScopedTempDir tmp_;
  std::string dir_ = tmp_.path();
  std::string path_ = dir_ + "/boot.log";
  std::string line_ = std::string(60, 'y');
};

TEST_F(LogFileTest, RotatesBySizeKeepingN) {
  auto log = EventLog::Open(
      {.path = path_, .max_bytes = 100, .keep = 2, .to_stderr = false});
  ASSERT_TRUE(log.ok()) << log.status();
  std::string line(39, 'x');  // 40 bytes with the newline: 2 per file
  for (int i = 0; i < 9; ++i) (*log)->WriteLine(absl::StrCat(i, line));
  EXPECT_EQ(Read(path_), absl::StrCat("8", line, "\n"));
  EXPECT_EQ(Read(path_ + ".1"), absl::StrCat("6", line, "\n", "7", line, "\n"));
  EXPECT_EQ(Read(path_ + ".2"), absl::StrCat("4", line, "\n", "5", line, "\n"));
  EXPECT_FALSE(FileExists(path_ + ".3"));
  EXPECT_EQ((*log)->write_errors(), 0u);
}

// With a writer thread, Write only collects; Flush (or the thread, or the
// destructor) puts it out, rotating exactly as the synchronous log does.
TEST_F(LogFileTest, WriterThreadBatchesAndRotatesLikeTheSyncLog) {
  auto log = EventLog::Open({.path = path_,
                             .max_bytes = 100,
                             .keep = 2,
                             .to_stderr = false,
                             .flush_interval = absl::Hours(1)});
  ASSERT_TRUE(log.ok()) << log.status();
  std::string line(39, 'x');
  for (int i = 0; i < 9; ++i) (*log)->WriteLine(absl::StrCat(i, line));
  EXPECT_EQ(Read(path_), "") << "written on the caller's thread";
  (*log)->Flush();
  EXPECT_EQ(Read(path_), absl::StrCat("8", line, "\n"));
  EXPECT_EQ(Read(path_ + ".1"), absl::StrCat("6", line, "\n", "7", line, "\n"));
  EXPECT_EQ(Read(path_ + ".2"), absl::StrCat("4", line, "\n", "5", line, "\n"));
  EXPECT_FALSE(FileExists(path_ + ".3"));
  EXPECT_EQ((*log)->write_errors(), 0u);
}

TEST_F(LogFileTest, WriterThreadDeliversOnItsOwnAndOnDestruction) {
  {
    auto log = EventLog::Open({.path = path_,
                               .to_stderr = false,
                               .flush_interval = absl::Milliseconds(5)});
    ASSERT_TRUE(log.ok());
    (*log)->WriteLine("first");
    // Bounded wait for the thread (the assertion is on content).
    for (int i = 0; i < 500 && Read(path_).empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    EXPECT_EQ(Read(path_), "first\n");
    // Four threads at once: every line whole, none lost at destruction.
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 1000; ++i) {
          (*log)->WriteLine(absl::StrCat("t", t, "-", i, "-", line_));
        }
      });
    }
    for (std::thread& w : writers) w.join();
  }
  std::vector<std::string> lines =
      absl::StrSplit(Read(path_), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4001u);
  std::set<std::string> seen(lines.begin() + 1, lines.end());
  EXPECT_EQ(seen.size(), 4000u);
  for (const std::string& l : seen) {
    EXPECT_TRUE(absl::EndsWith(l, line_)) << l;
  }
}

TEST_F(LogFileTest, ReopensAppending) {
  {
    auto log = EventLog::Open({.path = path_, .to_stderr = false});
    (*log)->WriteLine("a");
  }
  auto log = EventLog::Open({.path = path_, .to_stderr = false});
  (*log)->WriteLine("b");
  EXPECT_EQ(Read(path_), "a\nb\n");
}

TEST_F(LogFileTest, UnwritablePathIsAnError) {
  auto log = EventLog::Open({.path = dir_ + "/no/such/dir/boot.log"});
  EXPECT_FALSE(log.ok());
  EXPECT_THAT(std::string(log.status().message()),
              ::testing::HasSubstr("log-file " + dir_ + "/no/such/dir"));
}

// Collects what the follower writes to a pipe until `want` lines arrived
// (bounded wait; the assertion is on content, never on time).
std::vector<std::string> ReadLines(int fd, size_t want, std::string* buf) {
  for (int i = 0; i < 100; ++i) {
    std::vector<std::string> lines =
        absl::StrSplit(*buf, '\n', absl::SkipEmpty());
    if (lines.size() >= want) return lines;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char tmp[4096];
      ssize_t n = read(fd, tmp, sizeof(tmp));
      if (n > 0) buf->append(tmp, static_cast<size_t>(n));
    }
  }
  return absl::StrSplit(*buf, '\n', absl::SkipEmpty());
}

TEST_F(LogFileTest, FollowsAcrossRotationAndTruncation) {
  auto log = EventLog::Open(
      {.path = path_, .max_bytes = 30, .keep = 3, .to_stderr = false});
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 3; ++i) (*log)->WriteLine(absl::StrCat("old", i));
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<bool> stop{false};
  std::thread follower([&] {
    FollowLog(path_, {.tail_lines = 2, .poll = absl::Milliseconds(10)}, &stop,
              fds[1])
        .IgnoreError();
  });
  std::string buf;
  EXPECT_THAT(ReadLines(fds[0], 2, &buf), ElementsAre("old1", "old2"));
  // Each 11-byte line pushes past 30 bytes every third write: rotations.
  for (int i = 0; i < 7; ++i) {
    (*log)->WriteLine(absl::StrCat("new-line-", i));
    absl::SleepFor(absl::Milliseconds(30));  // let the follower see each file
  }
  std::vector<std::string> lines = ReadLines(fds[0], 9, &buf);
  EXPECT_THAT(lines, ElementsAre("old1", "old2", "new-line-0", "new-line-1",
                                 "new-line-2", "new-line-3", "new-line-4",
                                 "new-line-5", "new-line-6"));
  // Truncated in place (an operator's `: > boot.log`).
  ASSERT_TRUE(truncate(path_.c_str(), 0) == 0);
  absl::SleepFor(absl::Milliseconds(30));
  (*log)->WriteLine("after-trunc");
  lines = ReadLines(fds[0], 10, &buf);
  EXPECT_EQ(lines.back(), "after-trunc");
  stop = true;
  follower.join();
  close(fds[0]);
  close(fds[1]);
}

TEST_F(LogFileTest, TailWithoutFollow) {
  ASSERT_TRUE(WriteFileAtomic(path_, "a\nb\nc\n").ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(
      FollowLog(path_, {.tail_lines = 2, .follow = false}, &stop, fds[1]).ok());
  close(fds[1]);
  char buf[64];
  ssize_t n = read(fds[0], buf, sizeof(buf));
  EXPECT_EQ(std::string(buf, n > 0 ? n : 0), "b\nc\n");
  close(fds[0]);
  EXPECT_TRUE(
      absl::IsNotFound(FollowLog(dir_ + "/none", {.follow = false}, &stop, 1)));
}

}  // namespace
}  // namespace xdpxe::app
