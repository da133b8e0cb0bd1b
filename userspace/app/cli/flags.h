// A small command-line parser for the `xdpxe` subcommands: `--name VALUE`,
// `--name=VALUE`, boolean `--name`, short aliases, positionals, `--help`.
// (absl/flags is process-global; each subcommand here has its own set.)
//
//   Flags f("xdpxe log", "[-f] [-n N]", "Shows the boot event log.");
//   bool follow = false;
//   f.Bool("follow", 'f', &follow, "keep following new events");
//   if (int rc = f.Parse(argc, argv); rc >= 0) return rc;   // help or error
#ifndef XDPXE_USERSPACE_APP_CLI_FLAGS_H_
#define XDPXE_USERSPACE_APP_CLI_FLAGS_H_

#include <functional>
#include <string>
#include <vector>

namespace xdpxe::app::cli {

class Flags {
 public:
  Flags(std::string command, std::string usage, std::string description)
      : command_(std::move(command)),
        usage_(std::move(usage)),
        description_(std::move(description)) {}

  void String(const char* name, char short_name, std::string* out,
              const char* help, const char* value_name = "VALUE");
  void Bool(const char* name, char short_name, bool* out, const char* help);
  void Int(const char* name, char short_name, int* out, const char* help);
  // Positional arguments (after options or among them).
  void Positionals(std::vector<std::string>* out, size_t min, size_t max,
                   const char* names);
  void Epilog(std::string text) { epilog_ = std::move(text); }

  // -1: parsed, go on. 0: --help printed (exit 0). 2: usage error printed.
  int Parse(int argc, char** argv);
  std::string Help() const;

 private:
  struct Flag {
    std::string name;
    char short_name;
    std::string value_name;  // empty: boolean
    std::string help;
    std::function<bool(const std::string&)> set;  // false: bad value
  };
  const Flag* Find(const std::string& name, char short_name) const;
  int Error(const std::string& msg) const;

  std::string command_, usage_, description_, epilog_;
  std::vector<Flag> flags_;
  std::vector<std::string>* positionals_ = nullptr;
  size_t pos_min_ = 0, pos_max_ = 0;
  std::string pos_names_;
};

}  // namespace xdpxe::app::cli

#endif  // XDPXE_USERSPACE_APP_CLI_FLAGS_H_
