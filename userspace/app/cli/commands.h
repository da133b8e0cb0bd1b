// Entry points of the `xdpxe` subcommands (main.cc dispatches). Each takes
// argv with argv[0] = "xdpxe <command>" and returns the exit status:
// 0 ok, 1 failed, 2 usage error.
#ifndef XDPXE_USERSPACE_APP_CLI_COMMANDS_H_
#define XDPXE_USERSPACE_APP_CLI_COMMANDS_H_

namespace xdpxe::app::cli {

int ServeMain(int argc, char** argv);
int ReplayMain(int argc, char** argv);
int StatusMain(int argc, char** argv);
int MenuMain(int argc, char** argv);
int LogMain(int argc, char** argv);
int ConfigMain(int argc, char** argv);
int AutoexecMain(int argc, char** argv);

}  // namespace xdpxe::app::cli

#endif  // XDPXE_USERSPACE_APP_CLI_COMMANDS_H_
