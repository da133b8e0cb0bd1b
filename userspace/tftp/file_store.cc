// The TFTP root and its shared file cache: see file_store.h.
#include "userspace/tftp/file_store.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::tftp {
namespace {

// Closes an fd on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

FileVersion VersionOf(const struct stat& st) {
  return FileVersion{
      st.st_dev, st.st_ino, uint64_t(st.st_size),
      int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
      int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec};
}

// glibc 2.36 has no openat2() wrapper.
int OpenBeneath(int dirfd, const char* path) {
  struct open_how how;
  std::memset(&how, 0, sizeof(how));
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return int(syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}

absl::Status OpenError(int err, const std::string& name) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(absl::StrCat("tftp: no such file: ", name));
    case EXDEV:  // RESOLVE_BENEATH: the path (or a symlink) leaves the root
    case ELOOP:  // magic link, or a symlink loop
      return absl::PermissionDeniedError(
          absl::StrCat("tftp: ", name, " resolves outside the tftp root"));
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(
          absl::StrCat("tftp: ", name, ": permission denied"));
    case ENAMETOOLONG:
      return absl::PermissionDeniedError(
          absl::StrCat("tftp: name too long: ", name));
    default:
      return ErrnoToStatus(err, absl::StrCat("tftp: open ", name));
  }
}

}  // namespace

FileSnapshot::FileSnapshot(std::string name, FileVersion version, void* data)
    : name_(std::move(name)), version_(version), data_(data) {}

FileSnapshot::~FileSnapshot() {
  if (data_ != nullptr) munmap(data_, size_t(version_.size));
}

std::span<const uint8_t> FileSnapshot::netascii() const {
  std::call_once(netascii_once_, [this] {
    std::span<const uint8_t> in = octets();
    size_t extra = 0;
    for (uint8_t c : in) extra += (c == '\n' || c == '\r');
    netascii_.reserve(in.size() + extra);
    for (uint8_t c : in) {
      if (c == '\n') {
        netascii_.push_back('\r');
        netascii_.push_back('\n');
      } else if (c == '\r') {
        netascii_.push_back('\r');
        netascii_.push_back('\0');
      } else {
        netascii_.push_back(c);
      }
    }
  });
  return netascii_;
}

absl::StatusOr<std::shared_ptr<FileStore>> FileStore::Open(
    const std::string& root, FileStoreOptions options) {
  int fd = open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoToStatus(
        errno, absl::StrCat("tftp-root ", root,
                            ": cannot open as a directory (create it or fix "
                            "the tftp-root setting)"));
  }
  return std::shared_ptr<FileStore>(new FileStore(root, fd, options));
}

FileStore::FileStore(std::string root, int root_fd, FileStoreOptions options)
    : root_(std::move(root)), root_fd_(root_fd), options_(options) {}

FileStore::~FileStore() { close(root_fd_); }

absl::StatusOr<std::string> FileStore::NormalizeName(std::string_view name,
                                                     size_t max_len) {
  auto refuse = [&](absl::string_view why) {
    std::string shown(name.substr(0, 64));
    for (char& c : shown) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    return absl::PermissionDeniedError(
        absl::StrCat("tftp: refused name \"", shown, "\": ", why));
  };
  if (name.find('\0') != std::string_view::npos) {
    return refuse("contains a NUL byte");
  }
  if (name.size() > max_len) return refuse("too long");
  // Control characters have no place in a boot file name, and refusing
  // them keeps client-chosen bytes from forging lines in our logs.
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return refuse("contains a control character");
    }
  }
  std::string out(name);
  for (char& c : out) {
    if (c == '\\') c = '/';
  }
  size_t lead = out.find_first_not_of('/');
  if (lead == std::string::npos) return refuse("empty");
  out.erase(0, lead);
  // Any ".." component is refused outright, even one that would stay
  // inside the root: no legitimate boot file name needs it, and the kernel
  // check below is then a second line, not the only one.
  for (size_t pos = 0; pos <= out.size();) {
    size_t end = out.find('/', pos);
    if (end == std::string::npos) end = out.size();
    if (std::string_view(out).substr(pos, end - pos) == "..") {
      return refuse("contains a \"..\" component");
    }
    pos = end + 1;
  }
  return out;
}

absl::StatusOr<FileRef> FileStore::Get(std::string_view raw_name) {
  absl::StatusOr<std::string> name =
      NormalizeName(raw_name, options_.max_name_len);
  if (!name.ok()) return name.status();
  Fd fd(OpenBeneath(root_fd_, name->c_str()));
  if (fd.get() < 0) return OpenError(errno, *name);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) {
    return ErrnoToStatus(errno, absl::StrCat("tftp: fstat ", *name));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat("tftp: ", *name, " is not a regular file"));
  }
  FileVersion version = VersionOf(st);
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(*name);
    if (it != cache_.end() && it->second->version() == version) {
      return it->second;
    }
  }
  if (version.size > options_.max_file_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "tftp: ", *name, " is ", version.size, " bytes, over the limit of ",
        options_.max_file_size, " (serve it over HTTP instead)"));
  }
  absl::StatusOr<FileRef> file = Load(fd.get(), *name, version);
  if (!file.ok()) return file.status();
  absl::MutexLock lock(&mu_);
  FileRef& slot = cache_[*name];
  // Another worker may have loaded a newer version meanwhile: keep the one
  // the kernel reported last (this one); both are valid snapshots.
  slot = *file;
  return *file;
}

absl::StatusOr<FileRef> FileStore::Load(int fd, const std::string& name,
                                        FileVersion version) {
  // A file being written while we read it is read again; a transfer must
  // never see a mixture of two versions.
  for (int attempt = 0; attempt < 3; ++attempt) {
    size_t size = size_t(version.size);
    void* mem = nullptr;
    if (size > 0) {
      mem = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (mem == MAP_FAILED) {
        return ErrnoToStatus(errno, absl::StrCat("tftp: map ", name));
      }
    }
    auto snapshot = std::make_shared<FileSnapshot>(name, version, mem);
    size_t done = 0;
    while (done < size) {
      ssize_t n = pread(fd, static_cast<uint8_t*>(mem) + done, size - done,
                        off_t(done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoToStatus(errno, absl::StrCat("tftp: read ", name));
      if (n == 0) break;  // truncated under us: re-stat below
      done += size_t(n);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      return ErrnoToStatus(errno, absl::StrCat("tftp: fstat ", name));
    }
    FileVersion now = VersionOf(st);
    if (done == size && now == version) {
      if (mem != nullptr) mprotect(mem, size, PROT_READ);
      return FileRef(std::move(snapshot));
    }
    if (now.size > options_.max_file_size) break;  // grew past the limit
    version = now;
  }
  return absl::UnavailableError(
      absl::StrCat("tftp: ", name, " kept changing while being read; retry"));
}

void FileStore::Reload() {
  absl::MutexLock lock(&mu_);
  cache_.clear();
}

size_t FileStore::cached_files() const {
  absl::MutexLock lock(&mu_);
  return cache_.size();
}

ErrorCode FileErrorToTftp(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return ErrorCode::kFileNotFound;
    case absl::StatusCode::kPermissionDenied:
      return ErrorCode::kAccessViolation;
    default:
      return ErrorCode::kNotDefined;
  }
}

}  // namespace xdpxe::tftp
