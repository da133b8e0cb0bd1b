#include "tests/integration/lab/serve_lab.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"

namespace xdpxe::lab {

std::string BuiltBinary(const std::string& rel) {
  return std::string(XDPXE_BINARY_DIR) + "/" + rel;
}

absl::StatusOr<std::unique_ptr<ServeLab>> ServeLab::Create(
    const std::string& tag, std::vector<std::string> extra_hosts, int queues) {
  auto l = std::unique_ptr<ServeLab>(new ServeLab());
  LanOptions o;
  o.tag = tag;
  o.queues = queues;
  o.hosts = {"srv", "cli"};
  o.hosts.insert(o.hosts.end(), extra_hosts.begin(), extra_hosts.end());
  auto lan = Lan::Create(o);
  if (!lan.ok()) return lan.status();
  l->lan_ = std::move(*lan);
  l->root_ = l->lan_->dir() + "/root";
  if (mkdir(l->root_.c_str(), 0755) != 0) {
    return absl::InternalError("mkdir " + l->root_);
  }
  return l;
}

ServeLab::~ServeLab() {
  if (server_.running()) (void)StopServer();
}

absl::Status ServeLab::StartServer(const std::string& backend,
                                   std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      BuiltBinary("tests/integration/dataplane_serve"),
      "--interface",
      srv().ifname,
      "--tftp-root",
      root_,
      "--backend",
      backend,
      "--no-fallback"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string log = absl::StrCat(dir(), "/serve-", ++starts_, ".log");
  auto p = Process::Spawn(srv().Nsenter(argv), log);
  if (!p.ok()) return p.status();
  server_ = std::move(*p);
  for (int i = 0; i < 1000; ++i) {  // 10 s: a restart may wait out EBUSY
    if (ServerLog().find("ready ") != std::string::npos) {
      return absl::OkStatus();
    }
    if (!server_.running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::InternalError("dataplane_serve did not get ready: " +
                             ServerLog());
}

absl::Status ServeLab::StopServer() {
  server_.Signal(SIGTERM);
  int st = server_.Wait(5000);
  if (st == -1) {
    return absl::DeadlineExceededError("server ignored SIGTERM: " +
                                       ServerLog());
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    return absl::InternalError(
        absl::StrCat("server ended with status ", st, ": ", ServerLog()));
  }
  return absl::OkStatus();
}

absl::Status ServeLab::AddFile(const std::string& name, size_t size) {
  return WriteRandomFile(root_ + "/" + name, size,
                         static_cast<uint32_t>(size * 2654435761u));
}

std::string ServeLab::FileContents(const std::string& name) const {
  return ReadFile(root_ + "/" + name);
}

}  // namespace xdpxe::lab
