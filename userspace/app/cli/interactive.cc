// Editor, shell, review and reload helpers behind the menu and the plain
// commands; see interactive.h.
#include "userspace/app/cli/interactive.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/autoexec.h"
#include "userspace/app/config.h"
#include "userspace/app/config_map.h"
#include "userspace/app/control.h"
#include "userspace/app/sha256.h"

namespace xdpxe::app::cli {
namespace {

bool OnPath(const std::string& prog) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    if (access(absl::StrCat(dir, "/", prog).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// A draft beside the target, so the final rename stays on one file system.
std::string DraftPath(const std::string& target) {
  return absl::StrCat(target, ".edit");
}

}  // namespace

std::optional<std::string> Ask(const std::string& prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::cout << "\n";
    return std::nullopt;
  }
  return std::string(absl::StripAsciiWhitespace(line));
}

bool AskYesNo(const std::string& prompt, bool def) {
  for (;;) {
    std::optional<std::string> a =
        Ask(absl::StrCat(prompt, def ? " [Y/n] " : " [y/N] "));
    if (!a) return false;
    std::string l = absl::AsciiStrToLower(*a);
    if (l.empty()) return def;
    if (l == "y" || l == "yes") return true;
    if (l == "n" || l == "no") return false;
    std::cout << "Please answer y or n.\n";
  }
}

int RunChild(const std::vector<std::string>& argv) {
  struct sigaction ign {
  }, old_int{}, old_quit{};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ign, &old_int);
  sigaction(SIGQUIT, &ign, &old_quit);
  std::cout << std::flush;
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "xdpxe: cannot run %s: %s\n", args[0],
                 std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  if (pid > 0) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (pid < 0 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

int RunEditor(const std::string& file) {
  for (const char* var : {"VISUAL", "EDITOR"}) {
    const char* e = std::getenv(var);
    if (e && *e) {
      // Through the shell, so EDITOR="code --wait" works.
      return RunChild(
          {"/bin/sh", "-c", absl::StrCat(e, " \"$1\""), "sh", file});
    }
  }
  for (const char* ed : {"nano", "vi"}) {
    if (OnPath(ed)) return RunChild({ed, file});
  }
  std::cout << "No editor: set $EDITOR (nano and vi are not installed).\n";
  return -1;
}

int RunShell() {
  const char* sh = std::getenv("SHELL");
  std::string shell = sh && *sh ? sh : "/bin/sh";
  std::cout << "Starting " << shell << "; type exit to return to xdpxe.\n";
  int rc = RunChild({shell});
  if (rc < 0 && shell != "/bin/sh") {
    std::cout << shell << " did not run; trying /bin/sh.\n";
    rc = RunChild({"/bin/sh"});
  }
  return rc;
}

bool NotifyReload(const Context& ctx) {
  absl::StatusOr<std::string> r =
      ControlCall(ctx.ControlSocketPath(), "reload");
  if (r.ok()) {
    std::cout << "Applied to the running server (transfers in progress "
                 "carry on).\n";
    return true;
  }
  if (absl::IsUnavailable(r.status())) {
    std::cout << "No server running (" << ctx.ControlSocketPath()
              << "); the change applies when xdpxe serve starts.\n";
    return true;
  }
  std::cout << "The running server kept its old settings: "
            << r.status().message() << "\n";
  return false;
}

int EditSettings(const Context& ctx) {
  const std::string target = ctx.edit_config_path;
  if (absl::Status st = ctx.state.Create(); !st.ok()) {
    std::cout << st.message() << "\n";
    return 1;
  }
  // Start from what applies now: the target, else the config in use (the
  // packaged one, copied so edits persist in the state dir), else the
  // commented default.
  std::string current;
  for (const std::string& from : {target, ctx.config_path}) {
    if (from.empty()) continue;
    if (absl::StatusOr<std::string> t = ReadFileToString(from); t.ok()) {
      current = *t;
      break;
    }
  }
  if (current.empty()) current = std::string(DefaultConfigText());
  const std::string draft = DraftPath(target);
  if (absl::Status st = WriteFileAtomic(draft, current, 0600); !st.ok()) {
    std::cout << st.message() << "\n";
    return 1;
  }
  for (;;) {
    int rc = RunEditor(draft);
    absl::StatusOr<std::string> text = ReadFileToString(draft);
    if (rc != 0 || !text.ok()) {
      std::cout << "The editor failed"
                << (text.ok() ? ""
                              : absl::StrCat(": ", text.status().message()))
                << "; settings unchanged.\n";
      unlink(draft.c_str());
      return 1;
    }
    absl::StatusOr<Settings> parsed = ParseConfig(*text, target);
    if (parsed.ok()) {
      if (absl::Status st = ValidateSettings(*parsed); !st.ok()) {
        parsed = absl::InvalidArgumentError(
            absl::StrCat(target, ": ", st.message()));
      }
    }
    if (parsed.ok()) {
      if (*text == current && FileExists(target)) {
        std::cout << "No changes.\n";
        unlink(draft.c_str());
        return 0;
      }
      if (absl::Status st = WriteFileAtomic(target, *text); !st.ok()) {
        std::cout << st.message() << "; settings unchanged.\n";
        unlink(draft.c_str());
        return 1;
      }
      unlink(draft.c_str());
      std::cout << "Saved " << target << ".\n";
      NotifyReload(ctx);
      return 0;
    }
    std::cout << "\nThe new settings are not valid:\n"
              << parsed.status().message() << "\n";
    if (!AskYesNo("Edit again?", true)) {
      unlink(draft.c_str());
      std::cout << "Kept the old settings"
                << (ctx.config_path.empty()
                        ? "."
                        : absl::StrCat(" (", ctx.config_path, ")."))
                << "\n";
      return 1;
    }
  }
}

int EditScript(const Context& ctx) {
  ScriptStore store = ctx.Scripts();
  if (absl::Status st = ctx.state.Create(); !st.ok()) {
    std::cout << st.message() << "\n";
    return 1;
  }
  absl::StatusOr<std::string> live =
      ReadFileToString(ctx.state.ScriptPath(), store.max_bytes() * 2);
  std::string current =
      live.ok() ? *live : "#!ipxe\n# Runs on every iPXE client.\ndhcp\nshell\n";
  const std::string draft = DraftPath(ctx.state.ScriptPath());
  if (absl::Status st = WriteFileAtomic(draft, current, 0600); !st.ok()) {
    std::cout << st.message() << "\n";
    return 1;
  }
  for (;;) {
    int rc = RunEditor(draft);
    absl::StatusOr<std::string> text =
        ReadFileToString(draft, store.max_bytes() * 2);
    if (rc != 0 || !text.ok()) {
      std::cout << "The editor failed; autoexec.ipxe unchanged.\n";
      unlink(draft.c_str());
      return 1;
    }
    if (live.ok() && *text == current) {
      std::cout << "No changes.\n";
      unlink(draft.c_str());
      return 0;
    }
    absl::StatusOr<ScriptInfo> info = store.Install(*text, "edit");
    if (info.ok()) {
      unlink(draft.c_str());
      std::cout << "autoexec.ipxe is live: sha256=" << info->sha256 << " ("
                << info->size << " bytes)"
                << (live.ok() ? "; the previous one is autoexec.ipxe.prev" : "")
                << ".\n";
      NotifyReload(ctx);
      return 0;
    }
    std::cout << "\nNot saved: " << info.status().message()
              << "\nThe live autoexec.ipxe is unchanged.\n";
    if (!AskYesNo("Edit again?", true)) {
      unlink(draft.c_str());
      return 1;
    }
  }
}

int FetchScriptCommand(const Context& ctx, const std::string& url,
                       bool review) {
  ScriptStore store = ctx.Scripts();
  FetchOptions opts;
  opts.timeout = absl::Seconds(ctx.settings.autoexec_timeout_s);
  opts.max_bytes = ctx.settings.autoexec_max_bytes;
  std::cout << "Fetching " << url << " ...\n" << std::flush;
  absl::StatusOr<std::string> text = FetchScript(url, opts);
  if (!text.ok()) {
    std::cout << "Download failed: " << text.status().message()
              << "\nThe live autoexec.ipxe is unchanged.\n";
    return 1;
  }
  if (review) {
    std::cout << "----- " << url << " (" << text->size() << " bytes, sha256 "
              << Sha256Hex(*text) << ") -----\n"
              << *text << (text->back() == '\n' ? "" : "\n")
              << "----- end -----\n";
    if (!AskYesNo("Make this the live autoexec.ipxe?", false)) {
      std::cout << "Discarded; the live autoexec.ipxe is unchanged.\n";
      return 1;
    }
  }
  absl::StatusOr<ScriptInfo> info =
      store.Install(*text, absl::StrCat("url=", url));
  if (!info.ok()) {
    std::cout << "Not saved: " << info.status().message()
              << "\nThe live autoexec.ipxe is unchanged.\n";
    return 1;
  }
  std::cout << "autoexec.ipxe is live: sha256=" << info->sha256 << " ("
            << info->size << " bytes), from " << url << ".\n";
  NotifyReload(ctx);
  return 0;
}

}  // namespace xdpxe::app::cli
