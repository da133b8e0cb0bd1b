// Temporary: `xdpxe serve` until io::Server (userspace/io/server.cc) lands.
#include <cstdio>

#include "userspace/app/cli/commands.h"
#include "userspace/app/cli/context.h"

namespace xdpxe::app::cli {

int ServeMain(int argc, char** argv) {
  CommonOptions opts;
  Flags flags(argv[0], "[--interface IF] [options]",
              "Runs the ProxyDHCP + TFTP server (needs the io::Server data "
              "plane, not\nbuilt into this binary yet).");
  opts.AddTo(flags, CommonOptions::kServe);
  if (int rc = flags.Parse(argc, argv); rc >= 0) return rc;
  std::fprintf(stderr, "%s: the data plane is not built into this binary yet\n",
               argv[0]);
  return 1;
}

}  // namespace xdpxe::app::cli
