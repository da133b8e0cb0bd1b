// `xdpxe autoexec fetch URL | edit | show`: the live iPXE script.
#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "userspace/app/atomic_file.h"
#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"
#include "userspace/app/cli/interactive.h"

namespace xdpxe::app::cli {

int AutoexecMain(int argc, char** argv) {
  CommonOptions opts;
  std::vector<std::string> pos;
  bool review = false;
  Flags flags(argv[0], "fetch URL [--review] | edit | show [options]",
              "fetch: downloads autoexec.ipxe over http or https (timeout "
              "autoexec-timeout,\n"
              "limit autoexec-max-size), checks it starts with #!ipxe, and "
              "makes it live\n"
              "atomically; the previous script is kept as "
              "STATE/autoexec.ipxe.prev.\n"
              "On any failure the live script is untouched.\n"
              "edit: opens the live script in $EDITOR; validated the same "
              "way.\n"
              "show: prints the live script with its source and SHA-256.");
  opts.AddTo(flags, CommonOptions::kBasic);
  flags.Bool("review", 0, &review,
             "fetch: show the script and ask before it goes live");
  flags.Positionals(&pos, 1, 2, "fetch URL, edit or show");
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  const std::string& action = pos[0];
  if (!(action == "fetch" && pos.size() == 2) &&
      !((action == "edit" || action == "show") && pos.size() == 1)) {
    std::fprintf(stderr, "%s: expected fetch URL, edit or show (%s --help)\n",
                 argv[0], argv[0]);
    return 2;
  }
  absl::StatusOr<Context> ctx = LoadContext(opts);
  if (!ctx.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  if (action == "fetch") return FetchScriptCommand(*ctx, pos[1], review);
  if (action == "edit") return EditScript(*ctx);
  absl::StatusOr<ScriptInfo> live = ctx->Scripts().Current();
  if (!live.ok()) {
    std::cout << "No live autoexec.ipxe in " << ctx->state.path()
              << " (xdpxe autoexec fetch URL or edit makes one).\n";
    return 1;
  }
  std::cout << "# " << live->path << " sha256=" << live->sha256
            << " size=" << live->size << " source=" << live->source << "\n";
  absl::StatusOr<std::string> text = ReadFileToString(live->path);
  if (text.ok()) std::cout << *text;
  return 0;
}

}  // namespace xdpxe::app::cli
