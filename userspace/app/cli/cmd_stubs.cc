// Temporary: the commands that need the data plane / responder APIs.
#include <cstdio>

#include "userspace/app/cli/commands.h"

namespace xdpxe::app::cli {

int ServeMain(int, char** argv) {
  std::fprintf(stderr, "%s: not built yet\n", argv[0]);
  return 1;
}
int ReplayMain(int, char** argv) {
  std::fprintf(stderr, "%s: not built yet\n", argv[0]);
  return 1;
}
int StatusMain(int, char** argv) {
  std::fprintf(stderr, "%s: not built yet\n", argv[0]);
  return 1;
}

}  // namespace xdpxe::app::cli
