// Atomic writes, the state dir, the script store (validation, backup, a
// failed write leaving everything as it was) and /proc/cmdline parsing.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/cmdline.h"
#include "userspace/app/script_store.h"
#include "userspace/app/sha256.h"
#include "userspace/app/state_dir.h"

namespace xdpxe::app {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

using TempDir = xdpxe::testing::ScopedTempDir;

// Makes write() beyond `bytes` fail with EFBIG, like a full disk would with
// ENOSPC, without root or a tiny file system.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit lim = old_;
    lim.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &lim);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &old_); }

 private:
  rlimit old_;
};

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    names.push_back(e.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFileTest, WritesAndReplaces) {
  TempDir dir;
  std::string f = dir / "a.conf";
  ASSERT_TRUE(WriteFileAtomic(f, "one\n").ok());
  ASSERT_TRUE(WriteFileAtomic(f, "two\n", 0600).ok());
  EXPECT_EQ(*ReadFileToString(f), "two\n");
  struct stat st;
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(Entries(dir.path()), ::testing::ElementsAre("a.conf"));
}

TEST(AtomicFileTest, FailedWriteLeavesOldFileAndNoTemp) {
  TempDir dir;
  std::string f = dir / "a.conf";
  ASSERT_TRUE(WriteFileAtomic(f, "old\n").ok());
  absl::Status st;
  {
    FileSizeLimit limit(100);
    st = WriteFileAtomic(f, std::string(1000, 'x'));
  }
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("write "));
  EXPECT_THAT(std::string(st.message()), HasSubstr("a.conf.tmp."));
  EXPECT_EQ(*ReadFileToString(f), "old\n");
  EXPECT_THAT(Entries(dir.path()), ::testing::ElementsAre("a.conf"));
}

TEST(AtomicFileTest, MissingDirectoryNamesIt) {
  absl::Status st = WriteFileAtomic("/nonexistent-dir/x", "x");
  EXPECT_TRUE(absl::IsNotFound(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("/nonexistent-dir/x"));
}

TEST(AtomicFileTest, ReadLimit) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "f", std::string(100, 'x')).ok());
  EXPECT_TRUE(
      absl::IsResourceExhausted(ReadFileToString(dir / "f", 99).status()));
}

TEST(AtomicFileTest, MakeDirs) {
  TempDir dir;
  ASSERT_TRUE(MakeDirs(dir / "a/b/c").ok());
  EXPECT_TRUE(fs::is_directory(dir / "a/b/c"));
  ASSERT_TRUE(WriteFileAtomic(dir / "file", "x").ok());
  EXPECT_FALSE(MakeDirs(dir / "file").ok());
}

TEST(StateDirTest, ConfigResolutionOrder) {
  TempDir dir;
  StateDir state(dir / "state");
  std::string sys = dir / "etc.conf";
  EXPECT_EQ(ResolveConfigPath("", state, sys), "");
  ASSERT_TRUE(WriteFileAtomic(sys, "").ok());
  EXPECT_EQ(ResolveConfigPath("", state, sys), sys);
  ASSERT_TRUE(state.Create().ok());
  ASSERT_TRUE(WriteFileAtomic(state.ConfigPath(), "").ok());
  EXPECT_EQ(ResolveConfigPath("", state, sys), state.ConfigPath());
  EXPECT_EQ(ResolveConfigPath("/x.conf", state, sys), "/x.conf");
}

TEST(ValidateIpxeScriptTest, Rules) {
  EXPECT_TRUE(ValidateIpxeScript("#!ipxe\nchain x\n", 100).ok());
  EXPECT_TRUE(ValidateIpxeScript("#!ipxe", 100).ok());
  EXPECT_TRUE(ValidateIpxeScript("#!ipxe\r\n", 100).ok());
  EXPECT_TRUE(ValidateIpxeScript("#!ipxe # comment\n", 100).ok());
  absl::Status html = ValidateIpxeScript("<!DOCTYPE html>\n<html>", 100);
  EXPECT_TRUE(absl::IsInvalidArgument(html));
  EXPECT_EQ(html.message(),
            "not an iPXE script: must start with #!ipxe, starts with "
            "\"<!DOCTYPE html>\"");
  EXPECT_FALSE(ValidateIpxeScript("#!ipxeX\n", 100).ok());
  EXPECT_FALSE(ValidateIpxeScript(" #!ipxe\n", 100).ok());
  EXPECT_FALSE(ValidateIpxeScript("#!/bin/sh\n", 100).ok());
  EXPECT_THAT(std::string(ValidateIpxeScript("", 100).message()),
              HasSubstr("empty"));
  EXPECT_THAT(
      std::string(
          ValidateIpxeScript(std::string("#!ipxe\n\0x", 9), 100).message()),
      HasSubstr("NUL"));
  absl::Status big =
      ValidateIpxeScript("#!ipxe\n" + std::string(200, '#'), 100);
  EXPECT_TRUE(absl::IsResourceExhausted(big));
  EXPECT_THAT(std::string(big.message()), HasSubstr("limit 100"));
}

class ScriptStoreTest : public ::testing::Test {
 protected:
  ScriptStoreTest()
      : state_(dir_ / "state"), store_(state_, dir_ / "tftp-autoexec.ipxe") {}
  std::string Read(const std::string& p) {
    absl::StatusOr<std::string> s = ReadFileToString(p);
    return s.ok() ? *s : "<" + std::string(s.status().message()) + ">";
  }
  TempDir dir_;
  StateDir state_;
  ScriptStore store_;
};

TEST_F(ScriptStoreTest, InstallKeepsBackupAndPublishes) {
  EXPECT_TRUE(absl::IsNotFound(store_.Current().status()));
  absl::StatusOr<ScriptInfo> a = store_.Install("#!ipxe\necho a\n", "edit");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->sha256, Sha256Hex("#!ipxe\necho a\n"));
  EXPECT_EQ(a->size, 14u);
  ASSERT_TRUE(store_.Install("#!ipxe\necho b\n", "url=http://x/b").ok());
  EXPECT_EQ(Read(state_.ScriptPath()), "#!ipxe\necho b\n");
  EXPECT_EQ(Read(state_.ScriptBackupPath()), "#!ipxe\necho a\n");
  EXPECT_EQ(Read(dir_ / "tftp-autoexec.ipxe"), "#!ipxe\necho b\n");
  absl::StatusOr<ScriptInfo> cur = store_.Current();
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->source, "url=http://x/b");
  EXPECT_EQ(cur->sha256, Sha256Hex("#!ipxe\necho b\n"));
  // The same script again keeps the real previous version as the backup.
  ASSERT_TRUE(store_.Install("#!ipxe\necho b\n", "edit").ok());
  EXPECT_EQ(Read(state_.ScriptBackupPath()), "#!ipxe\necho a\n");
}

TEST_F(ScriptStoreTest, InvalidContentChangesNothing) {
  ASSERT_TRUE(store_.Install("#!ipxe\necho a\n", "edit").ok());
  absl::StatusOr<ScriptInfo> bad = store_.Install("<html>", "url=x");
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_EQ(Read(state_.ScriptPath()), "#!ipxe\necho a\n");
  EXPECT_EQ(Read(dir_ / "tftp-autoexec.ipxe"), "#!ipxe\necho a\n");
  EXPECT_FALSE(FileExists(state_.ScriptBackupPath()));
}

TEST_F(ScriptStoreTest, DiskFullChangesNothing) {
  ASSERT_TRUE(store_.Install("#!ipxe\necho a\n", "edit").ok());
  absl::Status st;
  {
    FileSizeLimit limit(100);
    st = store_.Install("#!ipxe\n" + std::string(1000, '#'), "edit").status();
  }
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Read(state_.ScriptPath()), "#!ipxe\necho a\n");
  EXPECT_EQ(Read(dir_ / "tftp-autoexec.ipxe"), "#!ipxe\necho a\n");
  for (const std::string& name : Entries(state_.path())) {
    EXPECT_THAT(name, ::testing::Not(HasSubstr(".tmp."))) << name;
  }
}

TEST_F(ScriptStoreTest, PublishRestoresTftpCopy) {
  ASSERT_TRUE(store_.Install("#!ipxe\necho a\n", "edit").ok());
  fs::remove(dir_ / "tftp-autoexec.ipxe");
  ASSERT_TRUE(store_.Publish().ok());
  EXPECT_EQ(Read(dir_ / "tftp-autoexec.ipxe"), "#!ipxe\necho a\n");
}

TEST_F(ScriptStoreTest, ServedIsTheManagedScriptElseAHandPlacedOne) {
  EXPECT_TRUE(absl::IsNotFound(store_.Served().status()));
  // Put in the TFTP root by hand: served, reported as unmanaged.
  ASSERT_TRUE(
      WriteFileAtomic(dir_ / "tftp-autoexec.ipxe", "#!ipxe\necho hand\n").ok());
  absl::StatusOr<ScriptInfo> hand = store_.Served();
  ASSERT_TRUE(hand.ok()) << hand.status();
  EXPECT_EQ(hand->source, "unmanaged");
  EXPECT_EQ(hand->path, std::string(dir_ / "tftp-autoexec.ipxe"));
  EXPECT_EQ(hand->sha256, Sha256Hex("#!ipxe\necho hand\n"));
  EXPECT_TRUE(absl::IsNotFound(store_.Current().status()));
  // Once installed, the managed script is what is served.
  ASSERT_TRUE(store_.Install("#!ipxe\necho a\n", "edit").ok());
  absl::StatusOr<ScriptInfo> live = store_.Served();
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->source, "edit");
  EXPECT_EQ(live->sha256, Sha256Hex("#!ipxe\necho a\n"));
}

TEST(CmdlineTest, Split) {
  EXPECT_THAT(SplitKernelCmdline("BOOT_IMAGE=/vmlinuz  ro quiet\n"),
              ::testing::ElementsAre("BOOT_IMAGE=/vmlinuz", "ro", "quiet"));
  EXPECT_THAT(SplitKernelCmdline("a=\"x y\" \"b c\" d"),
              ::testing::ElementsAre("a=x y", "b c", "d"));
  EXPECT_THAT(SplitKernelCmdline(""), ::testing::IsEmpty());
}

TEST(CmdlineTest, Autoexec) {
  EXPECT_EQ(AutoexecFromCmdline("ro autoexec=http://h/a.ipxe quiet"),
            "http://h/a.ipxe");
  EXPECT_EQ(
      AutoexecFromCmdline("xdpxe.autoexec=http://h/x autoexec=http://h/a"),
      "http://h/x");
  EXPECT_EQ(AutoexecFromCmdline("autoexec=http://h/1 autoexec=http://h/2"),
            "http://h/2");
  EXPECT_EQ(AutoexecFromCmdline("myautoexec=http://h/1 noautoexec"),
            std::nullopt);
  EXPECT_EQ(AutoexecFromCmdline("autoexec="), std::nullopt);
  EXPECT_EQ(AutoexecFromCmdline("autoexec=\"http://h/a b\""), "http://h/a b");
}

TEST(CmdlineTest, FromFile) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir / "cmdline",
                              "BOOT_IMAGE=/live/vmlinuz boot=live "
                              "xdpxe.autoexec=https://198.18.40.2/a.ipxe\n")
                  .ok());
  EXPECT_EQ(AutoexecFromCmdlineFile(dir / "cmdline"),
            "https://198.18.40.2/a.ipxe");
  EXPECT_EQ(AutoexecFromCmdlineFile(dir / "missing"), std::nullopt);
}

}  // namespace
}  // namespace xdpxe::app
