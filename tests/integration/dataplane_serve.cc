// dataplane_serve: io::Server on one interface, for the integration tests,
// the benchmarks and running the data plane by hand before `xdpxe serve`
// exists (use nsenter, not `ip netns exec`, which hides /sys/fs/bpf):
//
//   nsenter --net=/run/netns/NS build-io/tests/integration/dataplane_serve
//       --interface srv0 --tftp-root /srv/tftp [--backend xdp|socket]
//       [--no-fallback] [--xdp-mode native|generic] [--dhcp] [--boot-file F]
//
// Prints "ready backend=... queues=..." once serving; SIGTERM/SIGINT stop,
// SIGHUP reloads, SIGUSR1 prints a status line.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/integration/lab/dhcp_config.h"
#include "userspace/common/log.h"
#include "userspace/io/server.h"

namespace {

using xdpxe::io::Server;

class PrintEvents : public xdpxe::engine::EventListener {
 public:
  void OnDhcpReply(const xdpxe::net::Datagram& request,
                   const xdpxe::dhcp::ReplyInfo& info) override {
    std::fprintf(stderr, "event=dhcp_reply src=%s mac=%s\n",
                 request.src.ToString().c_str(),
                 info.client_mac.ToString().c_str());
  }
  void OnTransferEvent(const xdpxe::tftp::TransferEvent& e) override {
    if (e.kind == xdpxe::tftp::TransferEventKind::kStarted) return;
    std::fprintf(
        stderr, "event=tftp_%s client=%s file=%.*s bytes=%llu\n",
        std::string(xdpxe::tftp::TransferEventKindName(e.kind)).c_str(),
        e.client.ToString().c_str(), static_cast<int>(e.file.size()),
        e.file.data(), static_cast<unsigned long long>(e.bytes));
  }
};

int Usage() {
  std::fprintf(
      stderr,
      "usage: dataplane_serve --interface IF --tftp-root DIR "
      "[--backend xdp|socket] [--no-fallback] [--xdp-mode "
      "native|generic] [--dhcp] [--boot-file NAME] [--max-per-client N] "
      "[--pass-dhcp] [--quiet]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  xdpxe::io::ServerOptions opts;
  bool dhcp = false;
  bool quiet = false;
  std::string boot_file = "snp_x64.efi";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--interface") {
      opts.interface = next();
    } else if (a == "--tftp-root") {
      opts.tftp_root = next();
    } else if (a == "--backend") {
      auto b = xdpxe::io::ParseBackend(next());
      if (!b) return Usage();
      opts.backend = *b;
    } else if (a == "--no-fallback") {
      opts.fallback_to_socket = false;
    } else if (a == "--xdp-mode") {
      auto m = xdpxe::io::ParseXdpMode(next());
      if (!m) return Usage();
      opts.xdp_mode = *m;
    } else if (a == "--dhcp") {
      dhcp = true;
    } else if (a == "--boot-file") {
      boot_file = next();
    } else if (a == "--max-per-client") {
      opts.engine.tftp.max_per_client = std::stoul(next());
    } else if (a == "--pass-dhcp") {
      opts.pass_dhcp_to_kernel = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else {
      return Usage();
    }
  }
  if (opts.interface.empty()) return Usage();
  if (dhcp) opts.engine.dhcp = xdpxe::testing::TestDhcpConfig(boot_file);

  // Signals are taken by one thread with sigwait: RequestStop and Reload
  // are then called from ordinary code.
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&sigs, s);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  PrintEvents events;
  auto server = Server::Create(opts, quiet ? nullptr : &events);
  if (!server.ok()) {
    std::fprintf(stderr, "dataplane_serve: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  Server* s = server->get();
  std::thread sig_thread([s, &sigs, opts] {
    for (;;) {
      int sig = 0;
      sigwait(&sigs, &sig);
      if (sig == SIGHUP) {
        absl::Status st = s->Reload(opts.engine);
        std::fprintf(stderr, "reload: %s\n", st.ToString().c_str());
      } else if (sig == SIGUSR1) {
        xdpxe::io::ServerStatus st = s->Status();
        std::fprintf(stderr,
                     "status backend=%s active=%zu rx=%llu tx=%llu "
                     "tx_no_room=%llu forwarded=%llu\n",
                     std::string(xdpxe::io::BackendName(st.backend)).c_str(),
                     st.active_transfers,
                     static_cast<unsigned long long>(st.port.rx_packets),
                     static_cast<unsigned long long>(st.port.tx_packets),
                     static_cast<unsigned long long>(st.port.tx_no_room),
                     static_cast<unsigned long long>(st.forwarded));
        for (const auto& w : st.workers) {
          std::fprintf(stderr, "queue=%u rx=%llu forwarded=%llu\n", w.queue,
                       static_cast<unsigned long long>(w.port.rx_packets),
                       static_cast<unsigned long long>(w.forwarded));
        }
      } else {
        s->RequestStop();
        return;
      }
    }
  });
  xdpxe::io::ServerStatus st = s->Status();
  std::fprintf(stderr, "ready backend=%s queues=%u ip=%s xsk=%s\n",
               std::string(xdpxe::io::BackendName(st.backend)).c_str(),
               st.queues, st.server_ip.ToString().c_str(), st.xsk_mode.c_str());
  absl::Status run = s->Run();
  sig_thread.join();
  server->reset();
  if (!run.ok()) {
    std::fprintf(stderr, "dataplane_serve: %s\n",
                 std::string(run.message()).c_str());
    return 1;
  }
  return 0;
}
