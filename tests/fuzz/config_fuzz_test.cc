// Deterministic (seeded) mutation fuzzing of the config parser on the
// packaged default config with every example uncommented: whatever the
// bytes, ParseConfig returns a Settings or an error whose every line names
// the file and a line number inside the input, and never crashes (run
// under the sanitizer build too). Bounded in iterations.
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "userspace/app/config.h"
#include "userspace/app/config_map.h"

namespace xdpxe::app {
namespace {

std::string Seed() {
  std::string out;
  for (absl::string_view line : absl::StrSplit(DefaultConfigText(), '\n')) {
    if (absl::ConsumePrefix(&line, "#") && !line.empty() && line[0] != ' ' &&
        line.find('=') != absl::string_view::npos) {
      absl::StrAppend(&out, line, "\n");
    }
  }
  return out;
}

TEST(ConfigFuzzTest, MutationsNeverCrashAndErrorsNameALine) {
  const std::string seed = Seed();
  ASSERT_TRUE(ParseConfig(seed, "seed").ok());
  std::mt19937 rng(20261203);
  const char kAlphabet[] = "=#,:\"\\ \t\n\r\0xyz019-./abcdefABC\xff\x80";
  int errors = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text = seed;
    int edits = 1 + rng() % 8;
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[pos] = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
          break;
        case 1:
          text.erase(pos, 1 + rng() % 16);
          break;
        case 2:
          text.insert(pos, 1, kAlphabet[rng() % (sizeof(kAlphabet) - 1)]);
          break;
        case 3:  // duplicate a slice (repeated keys, long values)
          text.insert(pos, text.substr(rng() % text.size(), rng() % 64));
          break;
      }
    }
    int lines =
        static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    absl::StatusOr<Settings> s = ParseConfig(text, "fuzz.conf");
    if (s.ok()) {
      ValidateSettings(*s).IgnoreError();  // must not crash either
      continue;
    }
    ++errors;
    for (absl::string_view msg : absl::StrSplit(s.status().message(), '\n')) {
      if (absl::StartsWith(msg, "(")) continue;  // "(N more problems...)"
      ASSERT_TRUE(absl::ConsumePrefix(&msg, "fuzz.conf:")) << msg;
      int line = 0;
      ASSERT_TRUE(absl::SimpleAtoi(msg.substr(0, msg.find(':')), &line)) << msg;
      ASSERT_GE(line, 1) << msg;
      ASSERT_LE(line, lines) << msg;
    }
  }
  EXPECT_GT(errors, 100);  // the mutations did reach the error paths
}

}  // namespace
}  // namespace xdpxe::app
