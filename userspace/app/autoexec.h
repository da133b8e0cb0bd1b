// Fetching autoexec.ipxe from a URL (libcurl; http and https only), with a
// timeout and a size limit, validated before anything goes live, and the
// start-up variant that retries while the network comes up and falls back
// to the persisted copy.
//
//   auto text = FetchScript("http://198.18.40.1/autoexec.ipxe", {});
//   auto live = FetchAtStartup(url, {}, RetryPolicy{}, store);
//
// Failures map to codes a caller can act on: InvalidArgument (bad URL, not
// an iPXE script), NotFound (HTTP 404/410), ResourceExhausted (too big),
// Unavailable (DNS, connect, HTTP 5xx: worth retrying), DeadlineExceeded
// (timeout: worth retrying), PermissionDenied (HTTP 401/403),
// FailedPrecondition (TLS).
#ifndef XDPXE_USERSPACE_APP_AUTOEXEC_H_
#define XDPXE_USERSPACE_APP_AUTOEXEC_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "userspace/app/script_store.h"

namespace xdpxe::app {

struct FetchOptions {
  absl::Duration timeout = absl::Seconds(20);  // whole transfer
  uint64_t max_bytes = 1 << 20;
};

// Downloads and validates (ValidateIpxeScript). Messages start with the URL.
absl::StatusOr<std::string> FetchScript(const std::string& url,
                                        const FetchOptions& opts);

// Fetch + store.Install. On error the live script is untouched and the
// message says so.
absl::StatusOr<ScriptInfo> FetchAndInstall(const std::string& url,
                                           const FetchOptions& opts,
                                           ScriptStore& store);

// Unavailable and DeadlineExceeded: the network may just not be up yet.
bool IsRetryable(const absl::Status& st);

struct RetryPolicy {
  int max_attempts = 6;
  absl::Duration first_backoff = absl::Seconds(1);  // doubles, capped
  absl::Duration max_backoff = absl::Seconds(10);
  // Tests replace the sleep.
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) {
    absl::SleepFor(d);
  };
};

// Start-up: fetch with retries (bounded by policy), else fall back to the
// persisted copy. Logs every attempt and which script is live with its
// SHA-256. Returns the live script, or NotFound when the fetch failed and
// there is no persisted copy (serving continues without a script).
absl::StatusOr<ScriptInfo> FetchAtStartup(const std::string& url,
                                          const FetchOptions& opts,
                                          const RetryPolicy& policy,
                                          ScriptStore& store);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_AUTOEXEC_H_
