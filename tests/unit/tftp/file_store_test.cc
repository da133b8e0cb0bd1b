// Tests for the TFTP file store (userspace/tftp/file_store.h): the
// path-escape corpus against a real directory tree with symlinks, name
// mapping, shared snapshots and replaced files.
#include "userspace/tftp/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/tftp/tftp_test_util.h"

namespace xdpxe::tftp {
namespace {

using testing::TempDir;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::make_unique<TempDir>();
    outside_.Write("secret", "outside the root");
    root_->Write("snp_x64.efi", "NBP");
    root_->Write("EFI/BOOT/bootx64.efi", "shim");
    root_->Mkdir("dir");
    root_->Symlink("snp_x64.efi", "inside-link");
    root_->Symlink("../EFI/BOOT/bootx64.efi", "dir/relative-inside-link");
    root_->Symlink(outside_.Path("secret"), "abs-outside-link");
    root_->Symlink("../" + std::string(Basename(outside_.path())) + "/secret",
                   "rel-outside-link");
    root_->Symlink("/proc/self/root/etc/passwd", "magic-link");
    root_->Symlink("loop-b", "loop-a");
    root_->Symlink("loop-a", "loop-b");
    auto store = FileStore::Open(root_->path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
  }
  static std::string_view Basename(std::string_view p) {
    return p.substr(p.rfind('/') + 1);
  }
  absl::StatusCode Code(std::string_view name) {
    return store_->Get(name).status().code();
  }

  TempDir outside_;
  std::unique_ptr<TempDir> root_;
  std::shared_ptr<FileStore> store_;
};

TEST_F(FileStoreTest, ServesFilesAndMapsNamesLikeTftpHpa) {
  for (std::string_view name :
       {"snp_x64.efi", "/snp_x64.efi", "//snp_x64.efi", "\\snp_x64.efi",
        "./snp_x64.efi", "inside-link"}) {
    auto f = store_->Get(name);
    ASSERT_TRUE(f.ok()) << name << ": " << f.status();
    EXPECT_EQ(testing::String((*f)->octets()), "NBP") << name;
  }
  for (std::string_view name :
       {"EFI/BOOT/bootx64.efi", "\\EFI\\BOOT\\bootx64.efi",
        "/EFI\\BOOT/bootx64.efi", "dir/relative-inside-link"}) {
    auto f = store_->Get(name);
    ASSERT_TRUE(f.ok()) << name << ": " << f.status();
    EXPECT_EQ(testing::String((*f)->octets()), "shim") << name;
  }
}

TEST_F(FileStoreTest, PathEscapeCorpusIsRefused) {
  std::string outside_name(Basename(outside_.path()));
  const std::string corpus[] = {
      "../" + outside_name + "/secret",
      "..\\" + outside_name + "\\secret",
      "/../" + outside_name + "/secret",
      "dir/../../" + outside_name + "/secret",
      "dir/..",
      "..",
      "\\..\\..\\etc\\passwd",
      "abs-outside-link",
      "rel-outside-link",
      "magic-link",
      "loop-a",
      std::string("snp_x64.efi\0../../etc/passwd", 28),
      "snp_x64.efi\nlevel=error msg=forged",
      "snp_x64.efi\x7f",
      std::string(300, 'a'),
      "",
      "/",
      "\\\\",
  };
  for (const std::string& name : corpus) {
    auto f = store_->Get(name);
    EXPECT_EQ(f.status().code(), absl::StatusCode::kPermissionDenied)
        << "name: " << name << " status: " << f.status();
    EXPECT_EQ(FileErrorToTftp(f.status()), ErrorCode::kAccessViolation);
  }
}

TEST_F(FileStoreTest, AbsolutePathsStayBeneathTheRoot) {
  // "/etc/passwd" means <root>/etc/passwd, as with tftp-hpa -s.
  EXPECT_EQ(Code(outside_.Path("secret")), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code("/etc/passwd"), absl::StatusCode::kNotFound);
}

TEST_F(FileStoreTest, NotFoundAndNotRegular) {
  EXPECT_EQ(Code("missing.efi"), absl::StatusCode::kNotFound);
  EXPECT_EQ(FileErrorToTftp(store_->Get("missing.efi").status()),
            ErrorCode::kFileNotFound);
  EXPECT_EQ(Code("snp_x64.efi/x"), absl::StatusCode::kNotFound);
  EXPECT_EQ(Code("dir"), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(mkfifo(root_->Path("fifo").c_str(), 0644), 0);
  EXPECT_EQ(Code("fifo"), absl::StatusCode::kPermissionDenied);
}

TEST_F(FileStoreTest, OneSharedCopyPerVersion) {
  auto a = store_->Get("snp_x64.efi");
  auto b = store_->Get("/snp_x64.efi");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(store_->cached_files(), 1u);
}

TEST_F(FileStoreTest, RenamedOverFileIsNewForNewGetsOldSnapshotSurvives) {
  auto old_ref = store_->Get("snp_x64.efi");
  ASSERT_TRUE(old_ref.ok());
  root_->Replace("snp_x64.efi", "NEW NBP");
  auto new_ref = store_->Get("snp_x64.efi");
  ASSERT_TRUE(new_ref.ok());
  EXPECT_EQ(testing::String((*new_ref)->octets()), "NEW NBP");
  EXPECT_EQ(testing::String((*old_ref)->octets()), "NBP");
}

TEST_F(FileStoreTest, RewrittenInPlaceIsDetected) {
  root_->Write("f", "aaaa");
  auto old_ref = store_->Get("f");
  ASSERT_TRUE(old_ref.ok());
  // Same size, same mtime: only ctime (and the bytes) change.
  struct stat st;
  ASSERT_EQ(stat(root_->Path("f").c_str(), &st), 0);
  int fd = open(root_->Path("f").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, "bbbb", 4, 0), 4);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(futimens(fd, times), 0);
  close(fd);
  auto new_ref = store_->Get("f");
  ASSERT_TRUE(new_ref.ok());
  EXPECT_EQ(testing::String((*new_ref)->octets()), "bbbb");
  EXPECT_EQ(testing::String((*old_ref)->octets()), "aaaa");
  // Truncated in place: the old snapshot is private memory, no SIGBUS.
  ASSERT_EQ(truncate(root_->Path("f").c_str(), 0), 0);
  EXPECT_EQ(testing::String((*old_ref)->octets()), "aaaa");
  EXPECT_EQ((*store_->Get("f"))->size(), 0u);
}

TEST_F(FileStoreTest, FilesAddedAtRuntimeAndReload) {
  EXPECT_EQ(Code("later.ipxe"), absl::StatusCode::kNotFound);
  root_->Write("later.ipxe", "#!ipxe\n");
  EXPECT_TRUE(store_->Get("later.ipxe").ok());
  EXPECT_EQ(store_->cached_files(), 1u);
  store_->Reload();
  EXPECT_EQ(store_->cached_files(), 0u);
}

TEST_F(FileStoreTest, NetasciiConversion) {
  root_->Write("menu.txt", std::string("a\nb\rc\r\nd\0e", 11));
  auto f = store_->Get("menu.txt");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(testing::String((*f)->netascii()),
            std::string("a\r\nb\r\0c\r\0\r\nd\0e", 15));
  EXPECT_EQ((*f)->octets().size(), 11u);
}

TEST_F(FileStoreTest, TooLargeIsRefused) {
  auto store = FileStore::Open(root_->path(), {.max_file_size = 2});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Get("snp_x64.efi").status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(FileStoreTest, ConcurrentGetsWhileTheFileIsReplacedNeverMixVersions) {
  // Four workers Get while the file is renamed over and rewritten in place:
  // every snapshot holds exactly one version, whole.
  const std::string a(64 * 1024, 'a'), b(64 * 1024, 'b');
  root_->Write("nbp.efi", a);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, got{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (!stop) {
        auto f = store_->Get("nbp.efi");
        if (!f.ok()) continue;  // between truncate and write: NotFound/short
        std::span<const uint8_t> d = (*f)->octets();
        if (d.empty()) continue;
        uint8_t first = d[0];
        for (uint8_t c : d) bad += c != first;
        ++got;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    root_->Replace("nbp.efi", i % 2 ? a : b);
    if (i % 10 == 0) root_->Write("nbp.efi", i % 20 ? a : b);  // in place
  }
  stop = true;
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(got, 0);
}

TEST(FileStoreOpenTest, MissingRootSaysWhat) {
  auto store = FileStore::Open("/nonexistent/xdpxe-tftp-root");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent/xdpxe-tftp-root"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace xdpxe::tftp
