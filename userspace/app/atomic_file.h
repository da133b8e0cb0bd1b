// Crash-safe file replacement for everything xdpxe persists (settings, the
// live iPXE script, its backup): write a temp file beside the target, fsync
// it, rename it over the target, fsync the directory. A reader sees the old
// file or the new one, never half of either, even across a power cut.
//
//   XDPXE_RETURN_IF_ERROR(WriteFileAtomic("/var/lib/xdpxe/xdpxe.conf", text));
#ifndef XDPXE_USERSPACE_APP_ATOMIC_FILE_H_
#define XDPXE_USERSPACE_APP_ATOMIC_FILE_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace xdpxe::app {

// Replaces `path` with `content` atomically (mode applies to the new file).
// On any error the target is untouched and the temp file removed; the
// message names the file and the errno text ("No space left on device").
absl::Status WriteFileAtomic(const std::string& path, absl::string_view content,
                             mode_t mode = 0644);

// Whole file, failing with ResourceExhausted beyond max_bytes.
absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             uint64_t max_bytes = 64 << 20);

// mkdir -p with `mode` for the directories it creates.
absl::Status MakeDirs(const std::string& path, mode_t mode = 0755);

// fsync on a directory, so a rename or create in it is durable.
absl::Status FsyncDir(const std::string& dir);

bool FileExists(const std::string& path);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_ATOMIC_FILE_H_
