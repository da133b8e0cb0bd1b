#include "tests/integration/lab/host_traffic.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"

namespace xdpxe::lab {

namespace {

sockaddr_in Addr(net::Ipv4Addr ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = ip.ToNetworkOrder();
  return a;
}

void SetTimeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

absl::Status CheckHostTraffic(const Host& server, const Host& client,
                              HostTrafficOptions opts) {
  std::atomic<int> ready{0};  // both server sockets bound
  std::atomic<bool> done{false};
  std::thread srv([&] {
    auto ns = ScopedNetns::Enter(server.netns);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in t = Addr(net::Ipv4Addr::Any(), opts.tcp_port);
    sockaddr_in u = Addr(net::Ipv4Addr::Any(), opts.udp_port);
    bind(lfd, reinterpret_cast<sockaddr*>(&t), sizeof(t));
    listen(lfd, 1);
    bind(ufd, reinterpret_cast<sockaddr*>(&u), sizeof(u));
    SetTimeout(lfd, 5000);
    SetTimeout(ufd, 200);
    ready = 1;
    // UDP echo until the client is done; the TCP connection is echoed by a
    // second thread.
    std::thread tcp([&] {
      int c = accept(lfd, nullptr, nullptr);
      if (c < 0) return;
      SetTimeout(c, 5000);
      char buf[16384];
      ssize_t n;
      while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
        if (send(c, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
      }
      close(c);
    });
    while (!done) {
      char buf[2048];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(ufd, buf, sizeof(buf), 0,
                           reinterpret_cast<sockaddr*>(&from), &len);
      if (n > 0) {
        sendto(ufd, buf, static_cast<size_t>(n), 0,
               reinterpret_cast<sockaddr*>(&from), len);
      }
    }
    tcp.join();
    close(lfd);
    close(ufd);
  });
  while (ready == 0) std::this_thread::yield();

  absl::Status result = absl::OkStatus();
  {
    auto ns = ScopedNetns::Enter(client.netns);
    // TCP: send `bytes`, read them back.
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    SetTimeout(fd, 5000);
    sockaddr_in to = Addr(server.ip, opts.tcp_port);
    std::string sent(opts.bytes, '\0');
    for (size_t i = 0; i < sent.size(); ++i) sent[i] = char(i * 131 + 7);
    std::string got;
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      result = absl::UnavailableError("tcp connect to " + server.ip.ToString());
    } else {
      std::thread writer([&] {
        size_t off = 0;
        while (off < sent.size()) {
          ssize_t n =
              send(fd, sent.data() + off, sent.size() - off, MSG_NOSIGNAL);
          if (n <= 0) break;
          off += static_cast<size_t>(n);
        }
        shutdown(fd, SHUT_WR);
      });
      char buf[16384];
      ssize_t n;
      while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) got.append(buf, n);
      writer.join();
      if (got != sent) {
        result = absl::DataLossError(absl::StrCat(
            "tcp echo: sent ", sent.size(), " bytes, got ", got.size()));
      }
    }
    close(fd);
    // UDP: every datagram echoed (allowing one retry each).
    int ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    SetTimeout(ufd, 500);
    sockaddr_in uto = Addr(server.ip, opts.udp_port);
    int echoed = 0;
    for (int i = 0; i < opts.datagrams; ++i) {
      std::string msg = absl::StrCat("udp-", i);
      for (int attempt = 0; attempt < 2; ++attempt) {
        sendto(ufd, msg.data(), msg.size(), 0,
               reinterpret_cast<sockaddr*>(&uto), sizeof(uto));
        char buf[64];
        ssize_t m = recv(ufd, buf, sizeof(buf), 0);
        if (m > 0 && std::string(buf, m) == msg) {
          ++echoed;
          break;
        }
      }
    }
    close(ufd);
    if (result.ok() && echoed != opts.datagrams) {
      result = absl::DataLossError(absl::StrCat("udp echo: ", echoed, " of ",
                                                opts.datagrams, " datagrams"));
    }
  }
  done = true;
  srv.join();
  return result;
}

}  // namespace xdpxe::lab
