// The control socket between `xdpxe serve` and the other commands
// (`status`, `config edit`, the menu): a unix stream socket, mode 0600 in a
// root-owned state dir, one request line per connection, answered with
// "ok\n<body>" or "error <message>\n".
//
//   ControlServer srv;                          // in serve
//   srv.Start(path, [&](std::string_view req) -> absl::StatusOr<std::string> {
//     if (req == "status") return StatusJson();
//     ...
//   });
//   auto body = ControlCall(path, "status");     // in xdpxe status
//
// Requests: "status" (JSON), "reload" (re-read config and files), "metrics"
// (Prometheus text).
#ifndef XDPXE_USERSPACE_APP_CONTROL_H_
#define XDPXE_USERSPACE_APP_CONTROL_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "userspace/app/accept_loop.h"

namespace xdpxe::app {

using ControlHandler =
    std::function<absl::StatusOr<std::string>(std::string_view request)>;

class ControlServer {
 public:
  ControlServer() = default;
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds (replacing a stale socket; AlreadyExists when another server
  // answers on it) and serves on a thread until Stop().
  absl::Status Start(const std::string& path, ControlHandler handler);
  void Stop();

 private:
  void Serve(int fd);

  std::string path_;
  ControlHandler handler_;
  AcceptLoop loop_;
};

// One request; Unavailable (with the path) when no server listens.
absl::StatusOr<std::string> ControlCall(
    const std::string& path, std::string_view request,
    absl::Duration timeout = absl::Seconds(10));

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_CONTROL_H_
