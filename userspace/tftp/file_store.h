// The TFTP root: opens client-supplied names strictly beneath it and keeps
// one read-only in-memory copy per file version, shared by every transfer
// of that file (500 clients pulling one NBP cost one copy).
//
//   XDPXE_ASSIGN_OR_RETURN(std::shared_ptr<FileStore> store,
//                          FileStore::Open("/srv/tftp"));
//   absl::StatusOr<FileRef> f = store->Get("\\EFI\\snp_x64.efi");
//   if (!f.ok()) SendError(FileErrorToTftp(f.status()), ...);
//
// Names: a leading '/' is stripped and '\' becomes '/' (what dnsmasq and
// tftp-hpa users expect from Windows and firmware clients); a NUL or other
// control byte, an empty or over-long name, or any ".." component is
// refused up front, and
// the kernel then resolves the rest with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS), so a symlink that leaves the root is refused too
// (symlinks that stay inside are followed). Only regular files are served.
//
// Versions: every Get re-opens and fstat()s the name and compares (dev, ino,
// size, mtime, ctime) with the cached copy, so a file renamed over or
// rewritten in place is served new to NEW transfers, while running transfers
// keep the shared_ptr of the copy they started with. The copy is read into
// private anonymous memory rather than mmapped from the file: a file
// truncated under a MAP_SHARED/MAP_PRIVATE mapping would SIGBUS the server,
// and an untouched private page would show the new bytes (mixed versions).
//
// Thread-safe: workers share one FileStore. Get does syscalls (open, fstat,
// and a read on a miss), so call it per request, never per packet.
#ifndef XDPXE_USERSPACE_TFTP_FILE_STORE_H_
#define XDPXE_USERSPACE_TFTP_FILE_STORE_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "userspace/tftp/packet.h"

namespace xdpxe::tftp {

// What identifies one version of a file on disk.
struct FileVersion {
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileVersion&) const = default;
};

// One immutable version of one file.
class FileSnapshot {
 public:
  FileSnapshot(std::string name, FileVersion version, void* data);
  ~FileSnapshot();
  FileSnapshot(const FileSnapshot&) = delete;
  FileSnapshot& operator=(const FileSnapshot&) = delete;

  const std::string& name() const { return name_; }  // normalized
  const FileVersion& version() const { return version_; }
  uint64_t size() const { return version_.size; }
  std::span<const uint8_t> octets() const {
    return {static_cast<const uint8_t*>(data_), size_t(version_.size)};
  }
  // The netascii form (LF -> CR LF, CR -> CR NUL), built on first use and
  // shared like the octets. Its size is what tsize reports in netascii mode.
  std::span<const uint8_t> netascii() const;

 private:
  std::string name_;
  FileVersion version_;
  void* data_;  // anonymous mapping, PROT_READ (null when empty)
  mutable std::once_flag netascii_once_;
  mutable std::vector<uint8_t> netascii_;
};
using FileRef = std::shared_ptr<const FileSnapshot>;

struct FileStoreOptions {
  size_t max_name_len = 255;                   // longer names: PermissionDenied
  uint64_t max_file_size = uint64_t{1} << 31;  // larger: ResourceExhausted
};

class FileStore {
 public:
  // `root` must be a directory. The store holds an O_PATH fd on it, so a
  // root renamed away keeps being served from its new place.
  static absl::StatusOr<std::shared_ptr<FileStore>> Open(
      const std::string& root, FileStoreOptions options = {});
  ~FileStore();
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  // The current version of `name` (as the client sent it). Errors:
  // NotFound; PermissionDenied (escape attempt, bad name, not a regular
  // file, no read permission); ResourceExhausted (too large); Unavailable
  // (kept changing while read); others from the kernel.
  absl::StatusOr<FileRef> Get(std::string_view name);

  // The name as it will be resolved beneath the root, or PermissionDenied.
  static absl::StatusOr<std::string> NormalizeName(std::string_view name,
                                                   size_t max_len = 255);

  // Forgets every cached copy (running transfers keep theirs). Get already
  // notices changed files; this returns the memory of deleted ones.
  void Reload();
  size_t cached_files() const;
  const std::string& root() const { return root_; }

 private:
  FileStore(std::string root, int root_fd, FileStoreOptions options);
  absl::StatusOr<FileRef> Load(int fd, const std::string& name,
                               FileVersion version);

  const std::string root_;
  const int root_fd_;
  const FileStoreOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, FileRef> cache_ ABSL_GUARDED_BY(mu_);
};

// The TFTP error code for a FileStore::Get failure.
ErrorCode FileErrorToTftp(const absl::Status& status);

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_FILE_STORE_H_
