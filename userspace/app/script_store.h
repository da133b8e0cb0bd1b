// The live iPXE script (autoexec.ipxe): validated, replaced atomically with
// the previous version kept as autoexec.ipxe.prev, persisted in the state
// dir and published into the TFTP root, where iPXE fetches it.
//
//   ScriptStore store(StateDir("/var/lib/xdpxe"), "/srv/tftp/autoexec.ipxe");
//   auto live = store.Install(text, "url=http://198.18.40.1/autoexec.ipxe");
//   // live->sha256; on error the live script is untouched.
#ifndef XDPXE_USERSPACE_APP_SCRIPT_STORE_H_
#define XDPXE_USERSPACE_APP_SCRIPT_STORE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "userspace/app/state_dir.h"

namespace xdpxe::app {

// The iPXE check: begins with "#!ipxe" (iPXE's own test, then whitespace or
// the end), no NUL bytes, at most max_bytes. InvalidArgument naming what
// was found instead ("starts with \"<!DOCTYPE html>\"").
absl::Status ValidateIpxeScript(absl::string_view content, uint64_t max_bytes);

struct ScriptInfo {
  std::string path;    // the persisted copy in the state dir
  std::string sha256;  // hex
  uint64_t size = 0;
  std::string source;  // "url=..." / "edit" / "file=..." as recorded
};

class ScriptStore {
 public:
  // publish_path: where the TFTP server serves it ("" = state dir only, or
  // the same file as the state dir's copy).
  ScriptStore(StateDir state, std::string publish_path,
              uint64_t max_bytes = 1 << 20);

  // Validates and makes `content` live. Nothing changes on error.
  absl::StatusOr<ScriptInfo> Install(absl::string_view content,
                                     absl::string_view source);

  // What is live now; NotFound when there is none yet.
  absl::StatusOr<ScriptInfo> Current() const;

  // What iPXE is served: Current(), else a script someone put in the TFTP
  // root by hand (path = the publish path, source "unmanaged"); NotFound
  // when there is neither.
  absl::StatusOr<ScriptInfo> Served() const;

  // Copies the persisted script into the TFTP root if missing or different
  // (start-up with a fresh tftp root).
  absl::Status Publish() const;

  uint64_t max_bytes() const { return max_bytes_; }

 private:
  StateDir state_;
  std::string publish_path_;
  uint64_t max_bytes_;
};

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_SCRIPT_STORE_H_
