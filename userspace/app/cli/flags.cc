// Subcommand flag parsing; see flags.h.
#include "userspace/app/cli/flags.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace xdpxe::app::cli {

void Flags::String(const char* name, char short_name, std::string* out,
                   const char* help, const char* value_name) {
  flags_.push_back(
      {name, short_name, value_name, help, [out](const std::string& v) {
         *out = v;
         return true;
       }});
}

void Flags::Bool(const char* name, char short_name, bool* out,
                 const char* help) {
  flags_.push_back({name, short_name, "", help, [out](const std::string&) {
                      *out = true;
                      return true;
                    }});
}

void Flags::Int(const char* name, char short_name, int* out, const char* help) {
  flags_.push_back({name, short_name, "N", help, [out](const std::string& v) {
                      return absl::SimpleAtoi(v, out) && *out >= 0;
                    }});
}

void Flags::Positionals(std::vector<std::string>* out, size_t min, size_t max,
                        const char* names) {
  positionals_ = out;
  pos_min_ = min;
  pos_max_ = max;
  pos_names_ = names;
}

const Flags::Flag* Flags::Find(const std::string& name, char short_name) const {
  for (const Flag& f : flags_) {
    if ((!name.empty() && f.name == name) ||
        (short_name && f.short_name == short_name)) {
      return &f;
    }
  }
  return nullptr;
}

int Flags::Error(const std::string& msg) const {
  std::fprintf(stderr, "%s: %s (%s --help lists the options)\n",
               command_.c_str(), msg.c_str(), command_.c_str());
  return 2;
}

std::string Flags::Help() const {
  std::string out = absl::StrCat("Usage: ", command_, " ", usage_, "\n\n",
                                 description_, "\n");
  if (!flags_.empty()) out += "\nOptions:\n";
  for (const Flag& f : flags_) {
    std::string left = absl::StrCat(
        f.short_name ? absl::StrCat("-", std::string(1, f.short_name), ", ")
                     : "    ",
        "--", f.name, f.value_name.empty() ? "" : " ", f.value_name);
    absl::StrAppendFormat(&out, "  %-28s %s\n", left, f.help);
  }
  absl::StrAppendFormat(&out, "  %-28s %s\n", "-h, --help", "show this help");
  if (!epilog_.empty()) absl::StrAppend(&out, "\n", epilog_, "\n");
  return out;
}

int Flags::Parse(int argc, char** argv) {
  std::vector<std::string> pos;
  bool only_positionals = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-') {
      pos.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(Help().c_str(), stdout);
      return 0;
    }
    std::string name, value;
    bool has_value = false;
    const Flag* f;
    if (arg[1] == '-') {
      name = arg.substr(2);
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
        has_value = true;
      }
      f = Find(name, 0);
    } else {
      if (arg.size() != 2) return Error(absl::StrCat("unknown option ", arg));
      f = Find("", arg[1]);
      name = f ? f->name : arg.substr(1);
    }
    if (!f) return Error(absl::StrCat("unknown option ", arg));
    if (f->value_name.empty()) {
      if (has_value) return Error(absl::StrCat("--", name, " takes no value"));
    } else if (!has_value) {
      if (i + 1 >= argc) {
        return Error(absl::StrCat("--", name, " needs a ", f->value_name));
      }
      value = argv[++i];
    }
    if (!f->set(value)) {
      return Error(absl::StrCat("--", name, ": bad value \"", value, "\""));
    }
  }
  if (!positionals_) {
    if (!pos.empty())
      return Error(absl::StrCat("unexpected argument \"", pos[0], "\""));
    return -1;
  }
  if (pos.size() < pos_min_) return Error(absl::StrCat("missing ", pos_names_));
  if (pos.size() > pos_max_) {
    return Error(absl::StrCat("unexpected argument \"", pos[pos_max_], "\""));
  }
  *positionals_ = std::move(pos);
  return -1;
}

}  // namespace xdpxe::app::cli
