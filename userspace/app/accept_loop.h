// One thread serving a listening stream socket until Stop(): what the
// control socket and the metrics listener share. Each accepted connection
// gets 2 s send/receive timeouts, is handed to `on_client`, then closed.
//
//   AcceptLoop loop;
//   XDPXE_RETURN_IF_ERROR(loop.Start(listen_fd, [](int fd) { Answer(fd); }));
//   loop.Stop();   // also in the destructor; closes listen_fd
#ifndef XDPXE_USERSPACE_APP_ACCEPT_LOOP_H_
#define XDPXE_USERSPACE_APP_ACCEPT_LOOP_H_

#include <functional>
#include <string_view>
#include <thread>

#include "absl/status/status.h"

namespace xdpxe::app {

class AcceptLoop {
 public:
  AcceptLoop() = default;
  ~AcceptLoop() { Stop(); }
  AcceptLoop(const AcceptLoop&) = delete;
  AcceptLoop& operator=(const AcceptLoop&) = delete;

  // Takes ownership of listen_fd (closed on error too).
  absl::Status Start(int listen_fd, std::function<void(int fd)> on_client);
  void Stop();
  bool running() const { return thread_.joinable(); }

 private:
  void Loop();

  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() wakes poll()
  std::function<void(int)> on_client_;
  std::thread thread_;
};

// send() until done or error (no SIGPIPE).
bool SendAll(int fd, std::string_view s);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_ACCEPT_LOOP_H_
