// Unix control socket server and client; see control.h.
#include "userspace/app/control.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "userspace/app/accept_loop.h"
#include "userspace/common/errno_status.h"
#include "userspace/common/log.h"

namespace xdpxe::app {
namespace {

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sa.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("control socket path too long (", path.size(),
                     " bytes, max ", sizeof(sa.sun_path) - 1, "): ", path));
  }
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return sa;
}

void SetTimeout(int fd, absl::Duration d) {
  timeval tv = absl::ToTimeval(d);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::string RecvAll(int fd, size_t limit) {
  std::string out;
  char buf[4096];
  while (out.size() < limit) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

ControlServer::~ControlServer() { Stop(); }

absl::Status ControlServer::Start(const std::string& path,
                                  ControlHandler handler) {
  absl::StatusOr<sockaddr_un> sa = Address(path);
  if (!sa.ok()) return sa.status();
  // A socket file left by a crashed server is replaced; a live one means
  // another `xdpxe serve` runs on this state dir.
  if (absl::StatusOr<std::string> r =
          ControlCall(path, "ping", absl::Seconds(2));
      r.ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat("another xdpxe serve answers on ", path,
                     " (stop it, or give this one its own --state-dir)"));
  }
  unlink(path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoToStatus(errno, "control socket");
  absl::Cleanup close_fd = [&fd] {
    if (fd >= 0) close(fd);
  };
  // Root only from the first moment: umask covers bind's create, chmod
  // makes sure whatever the umask was.
  mode_t old = umask(0177);
  int rc = bind(fd, reinterpret_cast<const sockaddr*>(&*sa), sizeof(*sa));
  int err = errno;
  umask(old);
  if (rc != 0) return ErrnoToStatus(err, absl::StrCat("bind ", path));
  if (chmod(path.c_str(), 0600) != 0) {
    return ErrnoToStatus(errno, absl::StrCat("chmod 0600 ", path));
  }
  if (listen(fd, 16) != 0) {
    return ErrnoToStatus(errno, absl::StrCat("listen ", path));
  }
  path_ = path;
  handler_ = std::move(handler);
  int listen_fd = fd;
  fd = -1;  // the loop owns it now
  return loop_.Start(listen_fd, [this](int c) { Serve(c); });
}

void ControlServer::Stop() {
  if (!loop_.running()) return;
  loop_.Stop();
  unlink(path_.c_str());
}

void ControlServer::Serve(int c) {
  std::string req;
  char ch;
  while (req.size() < 256 && recv(c, &ch, 1, 0) == 1 && ch != '\n') {
    req.push_back(ch);
  }
  std::string reply;
  if (req == "ping") {
    reply = "ok\npong\n";
  } else {
    absl::StatusOr<std::string> r = handler_(req);
    reply = r.ok() ? absl::StrCat("ok\n", *r)
                   : absl::StrCat("error ", r.status().message(), "\n");
  }
  SendAll(c, reply);
}

absl::StatusOr<std::string> ControlCall(const std::string& path,
                                        std::string_view request,
                                        absl::Duration timeout) {
  absl::StatusOr<sockaddr_un> sa = Address(path);
  if (!sa.ok()) return sa.status();
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoToStatus(errno, "control socket");
  absl::Cleanup close_fd = [fd] { close(fd); };
  SetTimeout(fd, timeout);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*sa), sizeof(*sa)) != 0) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED) {
      return absl::UnavailableError(
          absl::StrCat("no xdpxe serve running (nothing on ", path, ")"));
    }
    return ErrnoToStatus(err, absl::StrCat("connect ", path));
  }
  if (!SendAll(fd, std::string(request) + "\n")) {
    return ErrnoToStatus(errno, absl::StrCat("send to ", path));
  }
  shutdown(fd, SHUT_WR);
  std::string reply = RecvAll(fd, 16 << 20);
  absl::string_view r = reply;
  if (absl::ConsumePrefix(&r, "ok\n")) return std::string(r);
  if (absl::ConsumePrefix(&r, "error ")) {
    return absl::FailedPreconditionError(absl::StripTrailingAsciiWhitespace(r));
  }
  return absl::UnavailableError(
      absl::StrCat("no answer from the server on ", path,
                   reply.empty() ? " (timed out)" : " (garbled reply)"));
}

}  // namespace xdpxe::app
