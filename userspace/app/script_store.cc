// Validated, atomic, backed-up replacement of autoexec.ipxe; see the header.
#include "userspace/app/script_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/sha256.h"
#include "userspace/common/status_macros.h"

namespace xdpxe::app {
namespace {

// The first line, made printable, for "starts with ..." messages.
std::string Preview(absl::string_view content) {
  absl::string_view first = content.substr(0, content.find('\n'));
  std::string out;
  for (char c : first.substr(0, 40)) {
    out.push_back(absl::ascii_isprint(c) ? c : '?');
  }
  if (first.size() > 40) out += "...";
  return out;
}

}  // namespace

absl::Status ValidateIpxeScript(absl::string_view content, uint64_t max_bytes) {
  if (content.size() > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too big: ", content.size(), " bytes (limit ", max_bytes, ")"));
  }
  if (content.empty()) {
    return absl::InvalidArgumentError(
        "not an iPXE script: empty (must start with #!ipxe)");
  }
  if (!absl::StartsWith(content, "#!ipxe") ||
      (content.size() > 6 && !absl::ascii_isspace(content[6]))) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an iPXE script: must start with #!ipxe, starts with "
                     "\"",
                     Preview(content), "\""));
  }
  if (content.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "not an iPXE script: contains NUL bytes (binary file?)");
  }
  return absl::OkStatus();
}

ScriptStore::ScriptStore(StateDir state, std::string publish_path,
                         uint64_t max_bytes)
    : state_(std::move(state)),
      publish_path_(std::move(publish_path)),
      max_bytes_(max_bytes) {
  if (publish_path_ == state_.ScriptPath()) publish_path_.clear();
}

absl::StatusOr<ScriptInfo> ScriptStore::Install(absl::string_view content,
                                                absl::string_view source) {
  XDPXE_RETURN_IF_ERROR(ValidateIpxeScript(content, max_bytes_));
  XDPXE_RETURN_IF_ERROR(state_.Create());
  const std::string live = state_.ScriptPath();
  // Back up first: if that fails (disk full) nothing has changed yet.
  absl::StatusOr<std::string> old = ReadFileToString(live, max_bytes_ * 2);
  if (old.ok()) {
    if (*old == content) {
      // Same script again: keep the real previous version as the backup.
    } else {
      XDPXE_RETURN_IF_ERROR(WriteFileAtomic(state_.ScriptBackupPath(), *old));
    }
  } else if (!absl::IsNotFound(old.status())) {
    return old.status();
  }
  // Publish into the TFTP root before the persisted copy, so that a failure
  // there leaves the two in agreement (both old).
  if (!publish_path_.empty()) {
    XDPXE_RETURN_IF_ERROR(WriteFileAtomic(publish_path_, content));
  }
  absl::Status st = WriteFileAtomic(live, content);
  if (!st.ok()) {
    if (!publish_path_.empty() && old.ok()) {
      WriteFileAtomic(publish_path_, *old).IgnoreError();  // best effort
    }
    return st;
  }
  ScriptInfo info{live, Sha256Hex(content), content.size(),
                  std::string(source)};
  std::string record = absl::StrCat(
      "time=",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()),
      " source=\"", absl::StrReplaceAll(source, {{"\"", "'"}}),
      "\" sha256=", info.sha256, " size=", info.size, "\n");
  // The record is informational: a failure here does not undo the install.
  WriteFileAtomic(state_.ScriptSourcePath(), record).IgnoreError();
  return info;
}

absl::StatusOr<ScriptInfo> ScriptStore::Current() const {
  XDPXE_ASSIGN_OR_RETURN(std::string content,
                         ReadFileToString(state_.ScriptPath(), max_bytes_ * 2));
  ScriptInfo info{state_.ScriptPath(), Sha256Hex(content), content.size(), ""};
  absl::StatusOr<std::string> rec =
      ReadFileToString(state_.ScriptSourcePath(), 4096);
  if (rec.ok()) {
    size_t p = rec->find("source=\"");
    if (p != std::string::npos) {
      size_t e = rec->find('"', p + 8);
      info.source = rec->substr(p + 8, e - p - 8);
    }
  }
  return info;
}

absl::StatusOr<ScriptInfo> ScriptStore::Served() const {
  absl::StatusOr<ScriptInfo> live = Current();
  if (live.ok() || !absl::IsNotFound(live.status()) || publish_path_.empty()) {
    return live;
  }
  XDPXE_ASSIGN_OR_RETURN(std::string content,
                         ReadFileToString(publish_path_, max_bytes_ * 2));
  return ScriptInfo{publish_path_, Sha256Hex(content), content.size(),
                    "unmanaged"};
}

absl::Status ScriptStore::Publish() const {
  if (publish_path_.empty()) return absl::OkStatus();
  XDPXE_ASSIGN_OR_RETURN(std::string content,
                         ReadFileToString(state_.ScriptPath(), max_bytes_ * 2));
  absl::StatusOr<std::string> there =
      ReadFileToString(publish_path_, max_bytes_ * 2);
  if (there.ok() && *there == content) return absl::OkStatus();
  return WriteFileAtomic(publish_path_, content);
}

}  // namespace xdpxe::app
