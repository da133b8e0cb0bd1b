// io::InterfaceLock: one holder per interface and network namespace, the
// holder's pid in the refusal, released on destruction and — by the
// kernel — when the holding process is SIGKILLed.
#include "userspace/io/interface_lock.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace xdpxe::io {
namespace {

class InterfaceLockTest : public ::testing::Test {
 protected:
  static std::string Read(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  xdpxe::testing::ScopedTempDir tmp_;
  std::string base_ = tmp_.path();
  std::string dir_ = base_ + "/run";  // created by Acquire
};

TEST_F(InterfaceLockTest, SecondHolderIsRefusedWithTheFirstsPid) {
  auto first = InterfaceLock::Acquire(dir_, "eth1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->path().rfind(dir_ + "/eth1.net", 0), 0u) << first->path();
  EXPECT_EQ(Read(first->path()), absl::StrCat(getpid(), "\n"));

  auto second = InterfaceLock::Acquire(dir_, "eth1");
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(absl::IsAlreadyExists(second.status())) << second.status();
  EXPECT_NE(second.status().message().find(
                absl::StrCat("eth1: another xdpxe (pid ", getpid(),
                             ") serves this interface (stop it first")),
            std::string::npos)
      << second.status();

  // Another interface is another lock.
  EXPECT_TRUE(InterfaceLock::Acquire(dir_, "eth2").ok());

  // Moving keeps it held; destroying the last owner releases it.
  InterfaceLock moved = std::move(*first);
  first = absl::UnknownError("moved away");
  EXPECT_FALSE(InterfaceLock::Acquire(dir_, "eth1").ok());
  const std::string path = moved.path();
  { InterfaceLock gone = std::move(moved); }
  EXPECT_FALSE(std::filesystem::exists(path));  // released: removed
  EXPECT_TRUE(InterfaceLock::Acquire(dir_, "eth1").ok());
}

TEST_F(InterfaceLockTest, AProcessKilledWhileHoldingItLeavesNoStaleLock) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = InterfaceLock::Acquire(dir_, "eth1");
    char c = lock.ok() ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'y');

  auto refused = InterfaceLock::Acquire(dir_, "eth1");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(absl::StrCat("(pid ", child, ")")),
            std::string::npos)
      << refused.status();

  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  // The file outlives the kill, unlocked; the next holder takes it over.
  auto after = InterfaceLock::Acquire(dir_, "eth1");
  EXPECT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(Read(after->path()), absl::StrCat(getpid(), "\n"));
}

// Holders come and go (each unlinks the file as it lets go) while others
// try: never two at once, and every try ends held or refused.
TEST_F(InterfaceLockTest, NeverTwoHoldersWhileTheFileIsUnlinkedAndRecreated) {
  std::atomic<int> holders{0}, max_holders{0}, held{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        auto lock = InterfaceLock::Acquire(dir_, "eth1");
        if (!lock.ok()) {
          if (!absl::IsAlreadyExists(lock.status())) ++other;
          continue;
        }
        ++held;
        const int now = ++holders;
        int m = max_holders.load();
        while (now > m && !max_holders.compare_exchange_weak(m, now)) {
        }
        usleep(50);  // overlap any second holder
        --holders;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(max_holders.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(held.load(), 0);
}

TEST_F(InterfaceLockTest, OtherNetworkNamespaceIsAnotherLock) {
  if (geteuid() != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "needs root (unshare CLONE_NEWNET) and CI=true";
    }
    GTEST_SKIP() << "needs root (unshare CLONE_NEWNET)";
  }
  auto here = InterfaceLock::Acquire(dir_, "eth0");
  ASSERT_TRUE(here.ok()) << here.status();
  absl::StatusOr<InterfaceLock> there = absl::UnknownError("not run");
  std::thread t([&] {
    // This thread only: a fresh namespace, where "eth0" is another device.
    if (unshare(CLONE_NEWNET) != 0) return;
    there = InterfaceLock::Acquire(dir_, "eth0");
  });
  t.join();
  ASSERT_TRUE(there.ok()) << there.status();
  EXPECT_NE(there->path(), here->path());
}

TEST_F(InterfaceLockTest, UnusableDirectoryIsAnErrorNamingIt) {
  const std::string file = base_ + "/plain";
  std::ofstream(file) << "x";
  auto lock = InterfaceLock::Acquire(file, "eth1");  // a file, not a dir
  ASSERT_FALSE(lock.ok());
  EXPECT_FALSE(absl::IsAlreadyExists(lock.status())) << lock.status();
  EXPECT_NE(lock.status().message().find(file), std::string::npos)
      << lock.status();

  lock = InterfaceLock::Acquire(base_ + "/no/such/dir", "eth1");
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("lock dir " + base_ + "/no/such/dir"),
            std::string::npos)
      << lock.status();
}

}  // namespace
}  // namespace xdpxe::io
