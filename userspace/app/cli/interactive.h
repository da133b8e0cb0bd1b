// The operations the menu offers, each also behind a plain command:
// editing settings or the iPXE script in $EDITOR with validation and atomic
// replace, fetching a script with review, a shell, telling the running
// server to reload. Prompts read stdin; EOF answers "no".
#ifndef XDPXE_USERSPACE_APP_CLI_INTERACTIVE_H_
#define XDPXE_USERSPACE_APP_CLI_INTERACTIVE_H_

#include <optional>
#include <string>
#include <vector>

#include "userspace/app/cli/context.h"

namespace xdpxe::app::cli {

// A line from stdin after printing `prompt`; nullopt on EOF.
std::optional<std::string> Ask(const std::string& prompt);
// y/yes or n/no (re-asks otherwise); "" gives `def`; EOF gives false.
bool AskYesNo(const std::string& prompt, bool def);

// Runs argv with SIGINT/SIGQUIT ignored in this process while it runs (a
// Ctrl-C belongs to the child), restored to default in the child. Returns
// the exit status, or -1 when it could not start / died by a signal.
int RunChild(const std::vector<std::string>& argv);
// $VISUAL, else $EDITOR (may have arguments, as git allows), else nano,
// else vi, on `file`.
int RunEditor(const std::string& file);
// $SHELL, else /bin/sh.
int RunShell();

// Validated edit of the settings; returns 0 when saved (or unchanged), 1
// when the operator gave up on a bad edit (old settings kept).
int EditSettings(const Context& ctx);
// Same for autoexec.ipxe.
int EditScript(const Context& ctx);
// Fetches `url`; with review, prints the script and asks before it goes
// live. 0 live, 1 failed or declined (live script untouched either way).
int FetchScriptCommand(const Context& ctx, const std::string& url, bool review);

// Tells a running server to reload; prints what happened. Returns false
// only when a running server refused the new settings.
bool NotifyReload(const Context& ctx);

}  // namespace xdpxe::app::cli

#endif  // XDPXE_USERSPACE_APP_CLI_INTERACTIVE_H_
