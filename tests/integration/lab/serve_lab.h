// A lab with the data plane running: hosts "srv" and "cli" (plus any
// extra ones) on a bridged LAN, a TFTP root in the lab's scratch dir, and
// dataplane_serve (io::Server) started in "srv" through nsenter.
//
//   auto lab = lab::ServeLab::Create("tftp");
//   ASSERT_TRUE(lab.ok()) << lab.status();
//   ASSERT_TRUE((*lab)->StartServer(io::Backend::kXdp).ok());
//   lab::ShResult r = lab::Sh((*lab)->cli().Exec("curl -s tftp://..."));
#ifndef XDPXE_TESTS_INTEGRATION_LAB_SERVE_LAB_H_
#define XDPXE_TESTS_INTEGRATION_LAB_SERVE_LAB_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/integration/lab/lab.h"

namespace xdpxe::lab {

class ServeLab {
 public:
  static absl::StatusOr<std::unique_ptr<ServeLab>> Create(
      const std::string& tag, std::vector<std::string> extra_hosts = {},
      int queues = 1);
  ~ServeLab();

  const Host& srv() const { return lan_->host("srv"); }
  const Host& cli() const { return lan_->host("cli"); }
  const Host& host(const std::string& name) const { return lan_->host(name); }
  const std::string& root() const { return root_; }  // the TFTP root
  std::string dir() const { return lan_->dir(); }

  // Starts dataplane_serve with `--backend xdp|socket --no-fallback` plus
  // `extra` and waits for its "ready" line (error: the server's output).
  absl::Status StartServer(const std::string& backend,
                           std::vector<std::string> extra = {});
  Process& server() { return server_; }
  std::string ServerLog() const { return server_.ReadLog(); }
  // SIGTERM, then waits for a clean exit (error: how it ended).
  absl::Status StopServer();

  // Writes a pseudo-random file of `size` bytes into the root.
  absl::Status AddFile(const std::string& name, size_t size);
  // The root's copy of `name`.
  std::string FileContents(const std::string& name) const;

 private:
  ServeLab() = default;
  std::unique_ptr<Lan> lan_;
  std::string root_;
  Process server_;
  int starts_ = 0;
};

// Path of a binary built next to the tests.
std::string BuiltBinary(const std::string& rel);

}  // namespace xdpxe::lab

#endif  // XDPXE_TESTS_INTEGRATION_LAB_SERVE_LAB_H_
