// Runs tests/unit/app/http_fixture.py on 127.0.0.1:<ephemeral> for the
// lifetime of the object (killed by PID in the destructor).
//
//   HttpFixture http;
//   ASSERT_TRUE(http.ok());
//   FetchScript(http.Url("/good.ipxe"), {});
#ifndef XDPXE_TESTS_UNIT_APP_HTTP_FIXTURE_H_
#define XDPXE_TESTS_UNIT_APP_HTTP_FIXTURE_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"

namespace xdpxe::app::testing {

class HttpFixture {
 public:
  HttpFixture() {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::string script =
          absl::StrCat(XDPXE_SOURCE_DIR, "/tests/unit/app/http_fixture.py");
      execlp("python3", "python3", script.c_str(), (char*)nullptr);
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    if (fscanf(out, "PORT %d", &port_) != 1) port_ = 0;
    fclose(out);
  }
  ~HttpFixture() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  HttpFixture(const HttpFixture&) = delete;
  HttpFixture& operator=(const HttpFixture&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace xdpxe::app::testing

#endif  // XDPXE_TESTS_UNIT_APP_HTTP_FIXTURE_H_
