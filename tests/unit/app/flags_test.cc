// The subcommand flag parser: --name VALUE, --name=VALUE, short aliases,
// booleans, positionals, --, help and every usage error (exit code 2).
#include "userspace/app/cli/flags.h"

#include <vector>

#include "gtest/gtest.h"

namespace xdpxe::app::cli {
namespace {

int Parse(Flags& f, std::vector<std::string> args) {
  std::vector<char*> argv;
  std::string name = "xdpxe test";
  argv.push_back(name.data());
  for (std::string& a : args) argv.push_back(a.data());
  return f.Parse(static_cast<int>(argv.size()), argv.data());
}

struct Parsed {
  std::string config;
  bool follow = false;
  int lines = 20;
  std::vector<std::string> pos;
};

Flags Make(Parsed* p) {
  Flags f("xdpxe test", "[opts] FILE", "A test command.");
  f.String("config", 'c', &p->config, "config file", "FILE");
  f.Bool("follow", 'f', &p->follow, "follow");
  f.Int("lines", 'n', &p->lines, "lines");
  f.Positionals(&p->pos, 1, 2, "FILE");
  return f;
}

TEST(FlagsTest, Forms) {
  Parsed p;
  Flags f = Make(&p);
  EXPECT_EQ(Parse(f, {"--config", "/a.conf", "-f", "x.pcap", "-n", "5"}), -1);
  EXPECT_EQ(p.config, "/a.conf");
  EXPECT_TRUE(p.follow);
  EXPECT_EQ(p.lines, 5);
  EXPECT_EQ(p.pos, std::vector<std::string>{"x.pcap"});
  Parsed q;
  Flags g = Make(&q);
  EXPECT_EQ(Parse(g, {"--config=/b.conf", "--lines=7", "--", "-x", "y"}), -1);
  EXPECT_EQ(q.config, "/b.conf");
  EXPECT_EQ(q.lines, 7);
  EXPECT_EQ(q.pos, (std::vector<std::string>{"-x", "y"}));
}

TEST(FlagsTest, Errors) {
  for (std::vector<std::string> bad :
       std::vector<std::vector<std::string>>{{"--bogus", "f"},
                                             {"-z", "f"},
                                             {"f", "--config"},
                                             {"--follow=yes", "f"},
                                             {"--lines", "many", "f"},
                                             {"--lines=-1", "f"},
                                             {},
                                             {"a", "b", "c"}}) {
    Parsed p;
    Flags f = Make(&p);
    EXPECT_EQ(Parse(f, bad), 2) << ::testing::PrintToString(bad);
  }
}

TEST(FlagsTest, Help) {
  Parsed p;
  Flags f = Make(&p);
  EXPECT_EQ(Parse(f, {"--help"}), 0);
  std::string h = f.Help();
  EXPECT_NE(h.find("Usage: xdpxe test [opts] FILE"), std::string::npos);
  EXPECT_NE(h.find("-c, --config FILE"), std::string::npos);
  EXPECT_NE(h.find("-h, --help"), std::string::npos);
}

}  // namespace
}  // namespace xdpxe::app::cli
